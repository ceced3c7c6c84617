"""The job-kind registry: each kind declared once, with everything both sides need of it.

The web serves the registry (`GET /api/v1/job-kinds/`), checks submissions with it and builds
the job form from it; the worker runs a kind's runner, named here by import path so this package
never imports the worker. Adding a kind is its entry (`neuroyard_core.jobs.kinds`, or a module
named in `NEUROYARD_JOB_KIND_MODULES` that calls `register`), its engine module and its runner.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import IO, Any

from pydantic import BaseModel, ValidationError

from neuroyard_core.errors import CodedError
from neuroyard_core.jobs.checks import spec_check_dataset
from neuroyard_core.jobs.facts import JobRequest
from neuroyard_core.jobs.memory import check_memory

RUN_JOB_TASK = "neuroyard.run_job"


@dataclass(frozen=True)
class InputFile:
    name: str  # the multipart field
    title: str
    description: str = ""
    required: bool = True
    accept: str = ""  # file-picker hint: ".png,.jpg"; "" takes any file
    # Checks the file (raise CodedError); None: any file.
    check: Callable[[str, IO[bytes]], None] | None = None


@dataclass(frozen=True)
class JobKind:
    name: str
    title: str
    description: str
    queue: str
    params: type[BaseModel]
    runner: str  # "module:function" in the worker, imported only when a job of the kind runs
    needs_dataset: bool = False
    needs_spec: bool = False
    needs_model: bool = False
    # Takes one without needing it (DeepDream through a trained ConvNet; predict on a dataset).
    accepts_dataset: bool = False
    accepts_spec: bool = False
    accepts_model: bool = False
    inputs: tuple[InputFile, ...] = ()
    artifact_kinds: tuple[str, ...] = ()
    checkpointed: bool = False
    # Checks the submission as a whole (raise CodedError); None: a spec, if any, is checked
    # against the dataset.
    check: Callable[[JobRequest], None] | None = None

    @property
    def required_inputs(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.inputs if f.required)

    @property
    def input_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.inputs)

    def validate_params(self, params: object) -> dict[str, Any]:
        """The params with defaults filled in; CodedError invalid_params naming each problem."""
        if not isinstance(params, dict):
            raise CodedError("invalid_params", "params must be a JSON object.")
        try:
            return self.params.model_validate(params).model_dump()
        except ValidationError as exc:
            problems = [
                f"params.{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"
                for err in exc.errors()
            ]
            raise CodedError(
                "invalid_params", "; ".join(problems), details={"errors": problems}
            ) from None

    def check_request(self, request: JobRequest) -> None:
        """Everything the kind can tell before a worker runs it; CodedError if it cannot run."""
        if self.needs_dataset and request.dataset is None:
            raise CodedError("dataset_required", f"A {self.name} job needs a dataset.")
        if self.needs_spec and request.spec is None:
            raise CodedError("spec_required", f"A {self.name} job needs a spec.")
        if self.needs_model and request.model is None:
            raise CodedError("model_required", f"A {self.name} job needs a model.")
        self._check_inputs(request.inputs)
        if self.check is not None:
            self.check(request)
        elif request.dataset is not None and request.spec is not None:
            spec_check_dataset(spec=request.spec, dataset=request.dataset)
        # last: the kind's own checks say what is wrong with a spec before its size is weighed
        check_memory(request, training=self.checkpointed)

    def _check_inputs(self, inputs: Mapping[str, IO[bytes]]) -> None:
        unknown = sorted(set(inputs) - set(self.input_names))
        if unknown:
            raise CodedError(
                "unknown_input",
                f"A {self.name} job takes no file named {', '.join(unknown)}; "
                f"it takes: {', '.join(sorted(self.input_names)) or 'no files'}.",
            )
        missing = [name for name in self.required_inputs if name not in inputs]
        if missing:
            raise CodedError(
                "input_required", f"A {self.name} job needs the file(s): {', '.join(missing)}."
            )
        for spec in self.inputs:
            if spec.check is not None and spec.name in inputs:
                spec.check(spec.name, inputs[spec.name])

    def describe(self) -> dict[str, Any]:
        """The kind as the API serves it: the job form is built from this."""
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "queue": self.queue,
            "needs_dataset": self.needs_dataset,
            "needs_spec": self.needs_spec,
            "needs_model": self.needs_model,
            "accepts_dataset": self.accepts_dataset or self.needs_dataset,
            "accepts_spec": self.accepts_spec or self.needs_spec,
            "accepts_model": self.accepts_model or self.needs_model,
            "inputs": [
                {
                    "name": f.name,
                    "title": f.title,
                    "description": f.description,
                    "required": f.required,
                    "accept": f.accept,
                }
                for f in self.inputs
            ],
            "artifact_kinds": list(self.artifact_kinds),
            "checkpointed": self.checkpointed,
            "params_schema": self.params.model_json_schema(),
        }


_KINDS: dict[str, JobKind] = {}
_loaded = False


def register(kind: JobKind) -> JobKind:
    if kind.name in _KINDS and _KINDS[kind.name] is not kind:
        raise ValueError(f"job kind {kind.name!r} is registered twice")
    _KINDS[kind.name] = kind
    return kind


def job_kinds() -> dict[str, JobKind]:
    """Every kind: the built-in ones, then those of `NEUROYARD_JOB_KIND_MODULES` (comma-separated
    module names a site adds kinds with). A module may register before the first call."""
    global _loaded
    if not _loaded:
        _loaded = True
        importlib.import_module("neuroyard_core.jobs.kinds")
        for module in filter(None, os.environ.get("NEUROYARD_JOB_KIND_MODULES", "").split(",")):
            importlib.import_module(module.strip())
    return _KINDS


def job_kind_get(name: str) -> JobKind:
    try:
        return job_kinds()[name]
    except KeyError:
        raise CodedError(
            "unknown_job_kind",
            f"Unknown job kind '{name}'; use one of: {', '.join(job_kinds())}.",
        ) from None

"""Jobs: submit any kind the server's registry lists, follow, cancel, read metrics and outputs.

The kinds, their inputs and parameter schemas come from `GET /job-kinds/`, so a kind added on
the server is usable at once: `ny.jobs.submit("deepdream", image="cat.jpg", octaves=3)` or
`ny.jobs.deepdream(image="cat.jpg", octaves=3)`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from neuroyard_client.errors import JobCancelled, JobFailed, NeuroyardError
from neuroyard_client.events import Event
from neuroyard_client.follow import Follower
from neuroyard_client.records import Record, id_of

if TYPE_CHECKING:
    from neuroyard_client.client import Neuroyard
    from neuroyard_client.datasets import Dataset
    from neuroyard_client.models import TrainedModel
    from neuroyard_client.specs import Spec


class Job(Record):
    path = "/jobs/"

    @property
    def kind(self) -> str:
        return str(self.data["kind"])

    @property
    def status(self) -> str:
        return str(self.data["status"])

    @property
    def error(self) -> dict[str, str] | None:
        return self.data.get("error")

    @property
    def result(self) -> dict[str, Any]:
        return dict(self.data.get("result") or {})

    def follow(
        self,
        *,
        check: bool = True,
        progress: bool | None = None,
        on_event: Callable[[Event], None] | None = None,
    ) -> Job:
        """Watch the job until it ends: each epoch printed as it finishes, a progress bar with
        the ETA (a widget in Jupyter). Raises JobFailed / JobCancelled unless `check=False`."""
        show = self._client.progress if progress is None else progress
        Follower(self, progress=show, on_event=on_event, lines=self._client.lines).run()
        self.refresh()
        if check and self.status == "failed":
            raise JobFailed(self)
        if check and self.status == "cancelled":
            raise JobCancelled(self)
        return self

    def cancel(self) -> Job:
        self.data = self._client.transport.json("POST", f"/jobs/{self.id}/cancel/")
        return self

    def metrics(self) -> list[dict[str, Any]]:
        """`[{"epoch", "values", "created_at"}]`, one per finished epoch (or step)."""
        return list(self._client.transport.json("GET", f"/jobs/{self.id}/metrics/"))

    def artifacts(self) -> list[dict[str, Any]]:
        return list(self._client.transport.json("GET", f"/jobs/{self.id}/artifacts/"))

    def download_artifacts(self, folder: str | Path, *, kind: str | None = None) -> list[Path]:
        """Save the job's outputs (e.g. dream.png) in `folder`; returns their paths."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        saved = []
        for artifact in self.artifacts():
            if kind is None or artifact["kind"] == kind:
                target = folder / Path(artifact["name"]).name
                self._client.download(artifact["download_url"], target)
                saved.append(target)
        return saved

    @property
    def model(self) -> TrainedModel:
        """The model a finished training job made."""
        model_id = self.result.get("model") or self.refresh().result.get("model")
        if not model_id:
            raise NeuroyardError(
                "no_model", f"Job {self.id} is {self.status} and has made no model."
            )
        return self._client.models.get(model_id)


@dataclass(frozen=True)
class JobInput:
    name: str
    required: bool
    title: str = ""
    description: str = ""
    accept: str = ""


@dataclass(frozen=True)
class JobKind:
    """One entry of the server's job-kind registry."""

    name: str
    title: str
    description: str
    queue: str
    needs_dataset: bool
    needs_spec: bool
    needs_model: bool
    accepts_dataset: bool
    accepts_spec: bool
    accepts_model: bool
    inputs: tuple[JobInput, ...]
    params_schema: dict[str, Any]
    artifact_kinds: tuple[str, ...] = ()
    checkpointed: bool = False

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> JobKind:
        inputs = tuple(
            JobInput(**{k: v for k, v in i.items() if k in JobInput.__dataclass_fields__})
            for i in data.get("inputs", [])
        )
        flags = {
            name: bool(data.get(name, False))
            for name in (
                "needs_dataset", "needs_spec", "needs_model",
                "accepts_dataset", "accepts_spec", "accepts_model", "checkpointed",
            )
        }  # fmt: skip
        return cls(
            name=data["name"],
            title=data.get("title") or data["name"],
            description=data.get("description") or "",
            queue=data.get("queue") or "",
            inputs=inputs,
            params_schema=dict(data.get("params_schema") or {}),
            artifact_kinds=tuple(data.get("artifact_kinds") or ()),
            **flags,
        )

    @property
    def param_names(self) -> list[str]:
        return list(self.params_schema.get("properties", {}))

    def split(self, values: dict[str, Any]) -> tuple[dict[str, Path], dict[str, Any]]:
        """Keyword arguments as (files by input name, params); checks required inputs."""
        names = {i.name for i in self.inputs}
        files = {k: Path(v) for k, v in values.items() if k in names and v is not None}
        params = {k: v for k, v in values.items() if k not in names}
        missing = [i.name for i in self.inputs if i.required and i.name not in files]
        if missing:
            raise NeuroyardError(
                "input_required", f"A {self.name} job needs the file(s): {', '.join(missing)}."
            )
        for name, path in files.items():
            if not path.is_file():
                raise NeuroyardError("file_not_found", f"No such file for '{name}': {path}")
        return files, params


class Jobs:
    def __init__(self, client: Neuroyard) -> None:
        self._client = client
        self._kinds: dict[str, JobKind] | None = None

    def kinds(self, *, refresh: bool = False) -> dict[str, JobKind]:
        """The server's job kinds, by name (read once per client)."""
        if self._kinds is None or refresh:
            rows = self._client.transport.json("GET", "/job-kinds/")
            self._kinds = {row["name"]: JobKind.from_json(row) for row in rows}
        return self._kinds

    def kind(self, name: str) -> JobKind:
        kinds = self.kinds()
        if name not in kinds:
            raise NeuroyardError(
                "unknown_kind", f"No job kind '{name}' on this server; it has: {', '.join(kinds)}."
            )
        return kinds[name]

    def submit(
        self,
        kind: str,
        *,
        dataset: Dataset | str | None = None,
        spec: Spec | str | None = None,
        model: TrainedModel | str | None = None,
        params: dict[str, Any] | None = None,
        **values: Any,
    ) -> Job:
        """Submit a job of any kind the server has. Keyword arguments named like one of the
        kind's inputs are files (paths) to upload; the others are its params."""
        files, more_params = self.kind(kind).split(values)
        return self.create(
            kind, dataset=dataset, spec=spec, model=model,
            params=(params or {}) | more_params, files=files,
        )  # fmt: skip

    def train(
        self,
        *,
        dataset: Dataset | str,
        spec: Spec | str | None = None,
        model: TrainedModel | str | None = None,
        epochs: int | None = None,
        batch_size: int | None = None,
        **params: Any,
    ) -> Job:
        """A training job: `spec` (or a `model` / `params.backbone` to start from) on
        `dataset`. Other params: validation_split, seed, time_limit, mixed_precision, ..."""
        given = {"epochs": epochs, "batch_size": batch_size} | params
        return self.create(
            "train", dataset=dataset, spec=spec, model=model,
            params={k: v for k, v in given.items() if v is not None},
        )  # fmt: skip

    def create(
        self,
        kind: str,
        *,
        dataset: Dataset | str | None = None,
        spec: Spec | str | None = None,
        model: TrainedModel | str | None = None,
        params: dict[str, Any] | None = None,
        files: dict[str, Path] | None = None,
    ) -> Job:
        """`POST /jobs/` as it is: JSON, or multipart when there are files."""
        refs = {"dataset": id_of(dataset), "spec": id_of(spec), "model": id_of(model)}
        refs = {k: v for k, v in refs.items() if v is not None}
        transport = self._client.transport
        if not files:
            body = {"kind": kind, "params": params or {}} | refs
            return Job(self._client, transport.json("POST", "/jobs/", json=body))
        with ExitStack() as stack:
            uploads = {
                name: (path.name, stack.enter_context(path.open("rb")))
                for name, path in files.items()
            }
            form = {"kind": kind, "params": json.dumps(params or {})} | refs
            data = transport.json("POST", "/jobs/", data=form, files=uploads)
        return Job(self._client, data)

    def list(
        self, *, status: str | None = None, kind: str | None = None, limit: int | None = None
    ) -> list[Job]:
        rows = self._client.transport.pages("/jobs/", limit=limit, status=status, kind=kind)
        return [Job(self._client, row) for row in rows]

    def get(self, job: Job | str) -> Job:
        return Job(self._client, self._client.transport.json("GET", f"/jobs/{id_of(job)}/"))

    def __getattr__(self, name: str) -> Callable[..., Job]:
        """`ny.jobs.deepdream(...)`: any kind the server lists, as a method."""
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self.kinds():
            raise AttributeError(f"this server has no job kind '{name}'")
        return partial(self.submit, name)

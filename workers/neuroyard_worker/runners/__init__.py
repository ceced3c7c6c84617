"""Per-kind glue between a claimed job and its engine module."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from neuroyard_worker.runtime.job_run import JobRun


@dataclass(frozen=True)
class RunOutcome:
    cancelled: bool = False
    result: dict[str, Any] = field(default_factory=dict)


class JobFailure(Exception):
    """The job cannot succeed (bad data, NaN loss...); it fails and is not retried."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


Runner = Callable[["JobRun"], RunOutcome]


def _train(run: JobRun) -> RunOutcome:
    from neuroyard_worker.runners.train import run_train  # TensorFlow loads only here

    return run_train(run)


def _imported_on_use(module: str, function: str) -> Runner:
    """A runner whose module (and so TensorFlow) is imported only when a job runs."""

    def run(job_run: JobRun) -> RunOutcome:
        runner: Runner = getattr(importlib.import_module(module), function)
        return runner(job_run)

    return run


RUNNERS: dict[str, Runner] = {
    "train": _train,
    "deepdream": _imported_on_use("neuroyard_worker.runners.dream", "run_dream"),
    "style_transfer": _imported_on_use("neuroyard_worker.runners.style", "run_style"),
    "adversarial": _imported_on_use("neuroyard_worker.runners.adversarial", "run_adversarial"),
    "visualize": _imported_on_use("neuroyard_worker.runners.visualize", "run_visualize"),
    "predict": _imported_on_use("neuroyard_worker.runners.predict", "run_predict"),
    "gan": _imported_on_use("neuroyard_worker.runners.gan", "run_gan"),  # issue 18
}

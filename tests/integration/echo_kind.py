"""A job kind added the way a site adds one: its registry entry, its engine function and its
runner, nothing else. Loaded by the worker through NEUROYARD_JOB_KIND_MODULES."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from neuroyard_core.errors import CodedError
from neuroyard_core.jobs import InputFile, JobKind, JobRequest, register

if TYPE_CHECKING:
    from neuroyard_worker.runtime.job_run import JobRun
    from neuroyard_worker.runtime.outcome import RunOutcome


class EchoParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    times: StrictInt = Field(2, ge=1, le=10, description="How often the payload is repeated.")


def echo_check(request: JobRequest) -> None:
    if request.params["times"] == 7:
        raise CodedError("unlucky", "Seven times is refused: pick another number.")


# the engine: plain inputs, a plain result
def echo(payload: bytes, times: int, out: Path) -> dict[str, object]:
    out.write_bytes(payload * times)
    return {"bytes": len(payload) * times, "sha256": hashlib.sha256(payload * times).hexdigest()}


# the runner: the job's inputs to the engine, its result to an artifact
def run_echo(run: JobRun) -> RunOutcome:
    from neuroyard_worker.runtime.outcome import RunOutcome

    params = run.params()
    source = run.input_path("payload")
    out = source.parent / "echo.bin"
    result = echo(source.read_bytes(), params["times"], out)
    run.store_artifact(path=out, kind="report", name="echo.bin", content_type="text/plain")
    return RunOutcome(result=result)


ECHO = register(
    JobKind(
        name="echo",
        title="Echo",
        description="Repeat a file: a kind that exists only in the tests.",
        queue="echo",
        params=EchoParams,
        runner="tests.integration.echo_kind:run_echo",
        inputs=(InputFile(name="payload", title="Payload", description="Any file."),),
        artifact_kinds=("report",),
        check=echo_check,
    )
)

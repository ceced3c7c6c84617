"""Runs one job message: claim, run the kind's runner, finish or fail. Owns the lifecycle."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import connection

from neuroyard.jobs.lifecycle import job_claim, job_fail, job_finish
from neuroyard.jobs.models import Job
from neuroyard.sweeps.services import sweep_advance_soon
from neuroyard_core.errors import CodedError
from neuroyard_core.jobs import job_kind_get
from neuroyard_worker.runtime.identity import lease_holder_is_dead
from neuroyard_worker.runtime.job_run import JobRun
from neuroyard_worker.runtime.limits import limit_job_memory
from neuroyard_worker.runtime.outcome import RunOutcome

log = logging.getLogger(__name__)


def execute(job_id: str, *, worker: str) -> str:
    """Returns what happened, for logs and tests: the final status or 'not-claimed'."""
    job = job_claim(job_id=job_id, worker=worker, holder_is_dead=lease_holder_is_dead)
    if job is None:
        log.info("job %s: not claimed (another delivery owns it, or it ended)", job_id)
        return "not-claimed"
    log.info("job %s: %s attempt %s on %s", job_id, job.kind, job.attempt, worker)
    limit_job_memory(settings.NEUROYARD_JOB_MEMORY_LIMIT_MB)
    with JobRun(job, worker) as run:
        try:
            outcome = _runner(job.kind)(run)
        except Exception as exc:
            code, message = _failure(exc)
            if code == "time_limit" and not connection.in_atomic_block:
                # the limit may have struck in the middle of a query, leaving its connection
                # busy ("another command is already in progress"): the failure is written on
                # a fresh one, or the job would stay running with nobody running it
                connection.close()
            if code == "job_error":
                log.exception("job %s failed", job_id)
            job_fail(job_id=job_id, worker=worker, code=code, message=message)
            _trial_ended(job)
            return Job.Status.FAILED
    if run.pruned:
        status = Job.Status.PRUNED
    else:
        status = Job.Status.CANCELLED if outcome.cancelled else Job.Status.SUCCEEDED
    job_finish(job_id=job_id, worker=worker, status=status, result=outcome.result)
    _trial_ended(job)
    return status


def _trial_ended(job: Job) -> None:
    """A sweep's trial ended: its controller starts the next one now, not at the next tick."""
    if job.sweep_id is not None:
        try:
            sweep_advance_soon(sweep_id=job.sweep_id)
        except Exception:  # the reconciler advances every running sweep anyway
            log.exception("job %s: could not notify sweep %s", job.id, job.sweep_id)


def _runner(kind: str) -> Callable[[JobRun], RunOutcome]:
    """The kind's runner, imported only now: TensorFlow loads with the first job that needs it."""
    module, _, function = job_kind_get(kind).runner.partition(":")
    runner: Callable[[JobRun], RunOutcome] = getattr(importlib.import_module(module), function)
    return runner


def _failure(exc: BaseException) -> tuple[str, str]:
    """The one place an error becomes a failed job's code and message. The time limit wins
    wherever it struck: Keras or TensorFlow may have wrapped it in an error of their own."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, SoftTimeLimitExceeded):
            return "time_limit", "The job ran past its time limit and was stopped."
        seen = seen.__cause__ or seen.__context__
    if isinstance(exc, CodedError):
        return exc.code, exc.message
    if isinstance(exc, MemoryError):  # past the job's memory limit, in any kind's runner
        limit = settings.NEUROYARD_JOB_MEMORY_LIMIT_MB
        return "out_of_memory", (
            f"The job ran out of memory (its process may use {limit} MB). "
            "Try smaller inputs or a smaller network."
        )
    return "job_error", f"{type(exc).__name__}: {exc}"

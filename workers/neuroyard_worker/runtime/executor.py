"""Runs one job message: claim, run the kind's runner, finish or fail. Owns the lifecycle."""

from __future__ import annotations

import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from neuroyard.jobs.lifecycle import job_claim, job_fail, job_finish
from neuroyard.jobs.models import Job
from neuroyard_worker.runners import RUNNERS, JobFailure
from neuroyard_worker.runtime.identity import lease_holder_is_dead
from neuroyard_worker.runtime.inputs import InputCorrupted
from neuroyard_worker.runtime.job_run import JobRun
from neuroyard_worker.runtime.limits import limit_job_memory

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
            outcome = RUNNERS[job.kind](run)
        except JobFailure as exc:
            job_fail(job_id=job_id, worker=worker, code=exc.code, message=exc.message)
            return Job.Status.FAILED
        except InputCorrupted as exc:
            job_fail(job_id=job_id, worker=worker, code="input_corrupted", message=str(exc))
            return Job.Status.FAILED
        except SoftTimeLimitExceeded:
            job_fail(
                job_id=job_id,
                worker=worker,
                code="time_limit",
                message="The job ran past its time limit and was stopped.",
            )
            return Job.Status.FAILED
        except Exception as exc:
            log.exception("job %s failed", job_id)
            job_fail(
                job_id=job_id,
                worker=worker,
                code="job_error",
                message=f"{type(exc).__name__}: {exc}",
            )
            return Job.Status.FAILED
    status = Job.Status.CANCELLED if outcome.cancelled else Job.Status.SUCCEEDED
    job_finish(job_id=job_id, worker=worker, status=status, result=outcome.result)
    return status

"""Job state changes made by workers and the reconciler.

Every transition is one conditional UPDATE: a row changes only from the state the caller saw,
so two deliveries of one message, or a worker and the reconciler, can never both win.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from neuroyard.jobs.events import publish
from neuroyard.jobs.models import EpochMetric, Job

log = logging.getLogger(__name__)

# Failures of the platform rather than of the job: retried automatically up to the attempt cap,
# and worth submitting again after that. Every other error code is the job's own (bad data, NaN
# loss, out of memory, time limit): re-running it unchanged fails the same way.
INFRASTRUCTURE_ERRORS = frozenset({"worker_lost", "input_corrupted"})


def job_claim(
    *, job_id: str, worker: str, holder_is_dead: Callable[[str], bool] = lambda lease: False
) -> Job | None:
    """Take a job for this worker; None when another delivery owns it or it has ended.

    A queued job is taken as is. A running one is taken over only when `holder_is_dead` says
    its lease holder died (a redelivered message after the job's process was killed); at the
    attempt cap it fails instead.
    """
    now = timezone.now()
    claim = {
        "status": Job.Status.RUNNING,
        "worker": worker,
        "attempt": F("attempt") + 1,
        "started_at": now,
        "heartbeat_at": now,
        "error_code": "",
        "error_message": "",
    }
    claimed = Job.objects.filter(
        id=job_id, status=Job.Status.QUEUED, cancel_requested=False
    ).update(**claim)
    if not claimed:
        running = Job.objects.filter(id=job_id, status=Job.Status.RUNNING).first()
        if running is None or not holder_is_dead(running.worker):
            return None
        log.warning("job %s: lease holder %s is dead; taking over", job_id, running.worker)
        if running.attempt >= running.max_attempts or running.cancel_requested:
            _end_lost(running)
            return None
        claimed = Job.objects.filter(
            id=job_id, status=Job.Status.RUNNING, worker=running.worker
        ).update(**claim)
        if not claimed:
            return None
    publish(job_id, {"type": "status", "status": Job.Status.RUNNING})
    return Job.objects.select_related("dataset", "model__artifact").get(id=job_id)


def job_heartbeat(*, job_id: str, worker: str) -> bool:
    """Renew the lease; False when the job is no longer this worker's."""
    return bool(
        Job.objects.filter(id=job_id, status=Job.Status.RUNNING, worker=worker).update(
            heartbeat_at=timezone.now()
        )
    )


def job_cancel_requested(*, job_id: str) -> bool:
    return Job.objects.filter(id=job_id, cancel_requested=True).exists()


def job_request_prune(*, job_id: str) -> bool:
    """A sweep's searcher stops this trial: it stops at its next batch, as if cancelled, and
    ends as pruned wherever it ends (its own process, or the reconciler after a crash)."""
    return bool(
        Job.objects.filter(id=job_id, status=Job.Status.RUNNING).update(
            cancel_requested=True, prune_requested=True
        )
    )


# The metric a list shows and sorts a job by: the first of these an epoch reports.
HEADLINE_METRICS = ("val_accuracy", "accuracy", "val_mae", "mae", "val_loss", "loss")


def final_metric_fields(values: dict[str, Any]) -> dict[str, Any]:
    """{final_metric_name, final_metric} from one epoch's (or step's) values; {} if none fits."""
    numbers = {
        key: value
        for key, value in values.items()
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    }
    name = next((key for key in HEADLINE_METRICS if key in numbers), None)
    if name is None and numbers:
        name = sorted(numbers)[0]
    return {"final_metric_name": name, "final_metric": float(numbers[name])} if name else {}


def job_record_epoch(*, job_id: str, epoch: int, epochs: int, values: dict[str, float]) -> None:
    """Store one epoch's metrics once; a replayed epoch keeps its first record."""
    try:
        with transaction.atomic():
            EpochMetric.objects.create(job_id=job_id, epoch=epoch, values=values)
    except IntegrityError:
        log.info("job %s epoch %s already recorded", job_id, epoch)
    Job.objects.filter(id=job_id).update(
        progress={"epoch": epoch, "epochs": epochs},
        heartbeat_at=timezone.now(),
        **final_metric_fields(values),
    )
    publish(job_id, {"type": "epoch", "epoch": epoch, "epochs": epochs, "values": values})


def job_record_steps(
    *, job_id: str, steps: Sequence[tuple[int, dict[str, float]]], total: int
) -> None:
    """Store optimisation steps' values (the image jobs) as metric rows numbered by step.

    As with epochs, a replayed step keeps its first record; progress reads {"step", "steps"}.
    """
    if not steps:
        return
    EpochMetric.objects.bulk_create(
        [EpochMetric(job_id=job_id, epoch=step, values=values) for step, values in steps],
        ignore_conflicts=True,
    )
    Job.objects.filter(id=job_id).update(
        progress={"step": steps[-1][0], "steps": total},
        heartbeat_at=timezone.now(),
        **final_metric_fields(steps[-1][1]),
    )
    for step, values in steps:
        publish(job_id, {"type": "step", "step": step, "steps": total, "values": values})


def job_record_progress(*, job_id: str, progress: dict[str, Any]) -> None:
    """A running job's progress outside its steps and epochs: {"phase": ..., ...}."""
    Job.objects.filter(id=job_id, status=Job.Status.RUNNING).update(
        progress=progress, heartbeat_at=timezone.now()
    )
    publish(job_id, {"type": "progress", "progress": progress})


def job_finish(
    *, job_id: str, worker: str, status: str, result: dict[str, Any] | None = None
) -> bool:
    ended = Job.objects.filter(id=job_id, status=Job.Status.RUNNING, worker=worker).update(
        status=status, result=result or {}, finished_at=timezone.now()
    )
    if ended:
        publish(job_id, {"type": "status", "status": status})
    return bool(ended)


def job_fail(*, job_id: str, worker: str, code: str, message: str) -> bool:
    ended = Job.objects.filter(id=job_id, status=Job.Status.RUNNING, worker=worker).update(
        status=Job.Status.FAILED,
        error_code=code,
        error_message=message,
        finished_at=timezone.now(),
    )
    if ended:
        publish(
            job_id,
            {
                "type": "status",
                "status": Job.Status.FAILED,
                "error": {"code": code, "message": message},
            },
        )
    return bool(ended)


def _end_lost(job: Job) -> None:
    """End a running job whose worker died and that must not run again."""
    same = Job.objects.filter(id=job.id, status=Job.Status.RUNNING, worker=job.worker)
    if job.cancel_requested:
        stopped = Job.Status.PRUNED if job.prune_requested else Job.Status.CANCELLED
        ended = same.update(status=stopped, finished_at=timezone.now())
        event: dict[str, Any] = {"type": "status", "status": stopped}
    else:
        error = {
            "code": "worker_lost",
            "message": f"The worker running this job was lost {job.attempt} times; "
            "it is not retried again.",
        }
        ended = same.update(
            status=Job.Status.FAILED,
            error_code=error["code"],
            error_message=error["message"],
            finished_at=timezone.now(),
        )
        event = {"type": "status", "status": Job.Status.FAILED, "error": error}
    if ended:
        publish(job.id, event)


def jobs_requeue_stale(*, stale_after: timedelta) -> list[Job]:
    """Running jobs whose worker stopped heartbeating go back to the queue, or end at the cap."""
    cutoff = timezone.now() - stale_after
    requeued = []
    for job in Job.objects.filter(status=Job.Status.RUNNING, heartbeat_at__lt=cutoff):
        if job.attempt >= job.max_attempts or job.cancel_requested:
            _end_lost(job)
        elif Job.objects.filter(
            id=job.id, status=Job.Status.RUNNING, worker=job.worker, heartbeat_at__lt=cutoff
        ).update(status=Job.Status.QUEUED, worker=""):
            publish(job.id, {"type": "status", "status": Job.Status.QUEUED})
            requeued.append(job)
    return requeued


def jobs_lost_in_broker(*, queued_before: datetime, in_broker: set[str]) -> list[Job]:
    """Queued jobs that no broker message will ever start (a Redis restart lost it)."""
    candidates = Job.objects.filter(status=Job.Status.QUEUED).filter(
        Q(enqueued_at__lt=queued_before) | Q(enqueued_at__isnull=True, created_at__lt=queued_before)
    )
    return [job for job in candidates if str(job.id) not in in_broker]

"""Worker rows: written by the workers themselves (register, heartbeat, stop), by the
reconciler (offline), and by admins through Celery's control channel (drain, resume, shut down).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.db.models import F, Max
from django.utils import timezone

from neuroyard.config.celery import app as celery_app
from neuroyard.core.errors import Conflict, DomainError
from neuroyard.fleet.broker import message_to_front, messages_remove
from neuroyard.fleet.models import Worker
from neuroyard.fleet.selectors import queue_names
from neuroyard.jobs.models import Job
from neuroyard.jobs.services import job_cancel, job_enqueue

log = logging.getLogger(__name__)

CONTROL_REPLY_SECONDS = 3.0


def worker_register(
    *, name: str, host: str, pid: int, queues: list[str], devices: list[dict[str, Any]],
    version: str,
) -> Worker:  # fmt: skip
    """A worker process starting: takes the row of its name back with fresh counters."""
    now = timezone.now()
    worker, _ = Worker.objects.update_or_create(
        name=name,
        defaults={
            "host": host,
            "pid": pid,
            "queues": queues,
            "devices": devices,
            "version": version,
            "state": Worker.State.IDLE,
            "current_job": None,
            "jobs_done": 0,
            "jobs_failed": 0,
            "started_at": now,
            "last_heartbeat": now,
        },
    )
    return worker


def worker_heartbeat(
    *, name: str, pid: int, state: str, current_job_id: str | None, devices: list[dict[str, Any]]
) -> bool:
    """Renew the worker's row; False when it has none (it must register again)."""
    if current_job_id is not None and not Job.objects.filter(id=current_job_id).exists():
        current_job_id = None
    return bool(
        Worker.objects.filter(name=name, pid=pid).update(
            state=state,
            current_job_id=current_job_id,
            devices=devices,
            last_heartbeat=timezone.now(),
        )
    )


def worker_stopped(*, name: str, pid: int) -> None:
    Worker.objects.filter(name=name, pid=pid).update(state=Worker.State.OFFLINE, current_job=None)


def worker_count_job(*, name: str, failed: bool) -> None:
    counter = "jobs_failed" if failed else "jobs_done"
    Worker.objects.filter(name=name).update(**{counter: F(counter) + 1})


def workers_mark_offline(*, silent_for: timedelta) -> list[str]:
    """Workers that stopped heartbeating are offline. Their running jobs heartbeat on their
    own, so the reconciler gives those back when the jobs' heartbeats go stale too."""
    cutoff = timezone.now() - silent_for
    silent = Worker.objects.filter(last_heartbeat__lt=cutoff).exclude(state=Worker.State.OFFLINE)
    names = list(silent.values_list("name", flat=True))
    Worker.objects.filter(name__in=names, last_heartbeat__lt=cutoff).update(
        state=Worker.State.OFFLINE, current_job=None
    )
    return names


def _control(worker: Worker, command: str, *, reply: bool = True, **arguments: Any) -> None:
    """Send a control command to this one worker; with `reply`, it must answer."""
    if worker.state == Worker.State.OFFLINE:
        raise Conflict("worker_offline", f"The worker {worker.name} is offline.")
    replies = celery_app.control.broadcast(
        command,
        arguments=arguments,
        destination=[worker.name],
        reply=reply,
        limit=1,
        timeout=CONTROL_REPLY_SECONDS,
    )
    if reply and not replies:
        raise Conflict(
            "worker_unreachable",
            f"The worker {worker.name} did not answer within {CONTROL_REPLY_SECONDS:.0f} s; "
            "it may have died (the fleet marks it offline once its heartbeat stops).",
        )


def worker_drain(*, worker: Worker) -> Worker:
    """Finish the current job, take no more: stop consuming every queue."""
    for queue in worker.queues:
        _control(worker, "cancel_consumer", queue=queue)
    Worker.objects.filter(id=worker.id).exclude(state=Worker.State.OFFLINE).update(
        state=Worker.State.DRAINING
    )
    worker.refresh_from_db()
    return worker


def worker_resume(*, worker: Worker) -> Worker:
    for queue in worker.queues:
        _control(worker, "add_consumer", queue=queue)
    Worker.objects.filter(id=worker.id, state=Worker.State.DRAINING).update(
        state=Worker.State.BUSY if worker.current_job_id else Worker.State.IDLE
    )
    worker.refresh_from_db()
    return worker


def worker_shutdown(*, worker: Worker) -> Worker:
    """A warm shutdown: the worker finishes its current job, then exits."""
    _control(worker, "shutdown", reply=False)  # it exits instead of answering
    Worker.objects.filter(id=worker.id).exclude(state=Worker.State.OFFLINE).update(
        state=Worker.State.DRAINING
    )
    worker.refresh_from_db()
    return worker


# --- queues ---------------------------------------------------------------------------------
def _queued_in(queue: str, job: Job) -> Job:
    if job.status != Job.Status.QUEUED or job.queue != queue:
        raise Conflict(
            "job_not_queued",
            f"The job is {job.status} in queue '{job.queue}', not waiting in '{queue}'.",
        )
    return job


def queue_job_to_front(*, queue: str, job: Job) -> Job:
    """The job starts next in its queue: first in queue order, its message at the front."""
    _queued_in(queue, job)
    others = Job.objects.filter(queue=queue, status=Job.Status.QUEUED).exclude(id=job.id)
    top = others.aggregate(top=Max("priority"))["top"]
    if not Job.objects.filter(id=job.id, queue=queue, status=Job.Status.QUEUED).update(
        priority=(top or 0) + 1
    ):
        raise Conflict("job_not_queued", "The job left the queue meanwhile.")
    if not message_to_front(queue=queue, job_id=job.id):
        job_enqueue(job=job)  # its message was lost or taken: send one and move that
        message_to_front(queue=queue, job_id=job.id)
    job.refresh_from_db()
    return job


def queue_job_cancel(*, queue: str, job: Job) -> Job:
    job = job_cancel(job=_queued_in(queue, job))
    messages_remove(queue=queue, job_id=job.id)  # so the queue's length counts live jobs only
    return job


def queue_job_move(*, queue: str, job: Job, to: str) -> Job:
    """Send a waiting job to another queue; its message there goes to the back."""
    _queued_in(queue, job)
    if to == queue:
        raise DomainError("same_queue", f"The job is already in '{queue}'.")
    known = queue_names()
    if to not in known:
        raise DomainError(
            "unknown_queue",
            f"No queue named '{to}'; known queues: {', '.join(known)}.",
            details={"queues": known},
        )
    if not Job.objects.filter(id=job.id, queue=queue, status=Job.Status.QUEUED).update(
        queue=to, priority=0
    ):
        raise Conflict("job_not_queued", "The job left the queue meanwhile.")
    # Taken out of the old queue first: a worker there would otherwise still claim it.
    messages_remove(queue=queue, job_id=job.id)
    job.refresh_from_db()
    job_enqueue(job=job)
    return job

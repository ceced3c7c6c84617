"""Reads for the fleet pages: workers, and each queue's waiting jobs as DB and Redis see them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils import timezone

from neuroyard.core.errors import NotFound
from neuroyard.fleet.broker import queue_lengths
from neuroyard.fleet.models import Worker
from neuroyard.jobs.models import Job
from neuroyard.jobs.selectors import QUEUE_ORDER
from neuroyard_core.jobs import MemoryAvailable, job_kinds


def worker_list() -> QuerySet[Worker]:
    return Worker.objects.select_related("current_job").all()


def worker_get(*, worker_id: object) -> Worker:
    try:
        return worker_list().get(id=worker_id)
    except (Worker.DoesNotExist, ValueError):
        raise NotFound("Worker") from None


def queue_names() -> list[str]:
    """Queues some job kind uses, some live worker consumes, or some active job waits in."""
    names = {kind.queue for kind in job_kinds().values()}
    for queues in Worker.objects.exclude(state=Worker.State.OFFLINE).values_list(
        "queues", flat=True
    ):
        names.update(queues)
    names.update(Job.objects.filter(status__in=Job.ACTIVE_STATUSES).values_list("queue", flat=True))
    return sorted(names)


def queue_stats(*, now: datetime | None = None) -> list[dict[str, Any]]:
    now = now or timezone.now()
    names = queue_names()
    by_state: dict[str, dict[str, int]] = {
        name: dict.fromkeys(Job.Status.values, 0) for name in names
    }
    for row in Job.objects.values("queue", "status").annotate(n=Count("id")):
        by_state.setdefault(row["queue"], dict.fromkeys(Job.Status.values, 0))
        by_state[row["queue"]][row["status"]] = row["n"]
    in_broker = queue_lengths(names)
    consumers: dict[str, int] = dict.fromkeys(names, 0)
    for queues in Worker.objects.exclude(
        state__in=[Worker.State.OFFLINE, Worker.State.DRAINING]
    ).values_list("queues", flat=True):
        for queue in queues:
            consumers[queue] = consumers.get(queue, 0) + 1
    stats = []
    for name in names:
        oldest = (
            Job.objects.filter(queue=name, status=Job.Status.QUEUED)
            .order_by("created_at")
            .only("id", "kind", "created_at")
            .first()
        )
        stats.append(
            {
                "name": name,
                "length": by_state[name][Job.Status.QUEUED],
                "broker_length": in_broker[name],
                "workers": consumers.get(name, 0),
                "oldest_waiting": None
                if oldest is None
                else {
                    "job": str(oldest.id),
                    "kind": oldest.kind,
                    "created_at": oldest.created_at,
                    "age_seconds": round((now - oldest.created_at).total_seconds(), 1),
                },
                "by_state": by_state[name],
            }
        )
    return stats


def queue_jobs(*, queue: str) -> QuerySet[Job]:
    """The queue's waiting jobs in the order they will start."""
    return (
        Job.objects.filter(queue=queue, status=Job.Status.QUEUED)
        .select_related("owner")
        .order_by(*QUEUE_ORDER)
    )


def job_memory_available(*, queue: str) -> MemoryAvailable | None:
    """The most memory one job on `queue` may have: the largest device (a GPU's memory, or a
    CPU worker's RAM capped by the per-job limit) of the live workers consuming it; with none
    registered, this server's per-job limit. None: nothing known, nothing checked."""
    limit = settings.NEUROYARD_JOB_MEMORY_LIMIT_MB * 2**20
    best: MemoryAvailable | None = None
    workers = Worker.objects.exclude(state=Worker.State.OFFLINE).only("name", "queues", "devices")
    for worker in workers:
        if queue not in worker.queues:
            continue
        for device in worker.devices or []:
            size = device.get("memory_total_bytes")
            if not isinstance(size, int) or size <= 0:
                continue
            if device.get("type") != "gpu" and limit > 0:
                size = min(size, limit)
            if best is None or size > best.bytes:
                best = MemoryAvailable(
                    bytes=size, source=f"the largest worker ({worker.name}, {device.get('name')})"
                )
    if best is None and limit > 0:
        best = MemoryAvailable(bytes=limit, source="this server's per-job memory limit")
    return best

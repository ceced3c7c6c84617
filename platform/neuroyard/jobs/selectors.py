from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Q, QuerySet

from neuroyard.core.selectors import get_owned, owned_by
from neuroyard.jobs.models import Artifact, Job


def job_list(*, user: Any, status: str | None = None, kind: str | None = None) -> QuerySet[Job]:
    jobs = owned_by(Job.objects.all(), user)
    if status:
        jobs = jobs.filter(status=status)
    if kind:
        jobs = jobs.filter(kind=kind)
    return jobs


def job_get(*, user: Any, job_id: object) -> Job:
    return get_owned(Job.objects.all(), user, job_id, what="Job")


# The order a queue's waiting jobs start in: priority first (moved to the front), then age.
QUEUE_ORDER = ("-priority", "created_at")


def job_queue_position(*, job: Job) -> int | None:
    """1 for the next job its queue will start; None unless the job is queued."""
    return job_queue_positions(jobs=[job]).get(job.pk)


def _ahead_of(job: Job) -> Q:
    return Q(queue=job.queue) & (
        Q(priority__gt=job.priority) | Q(priority=job.priority, created_at__lt=job.created_at)
    )


def job_queue_positions(*, jobs: Sequence[Job]) -> dict[Any, int]:
    """The queue position of every queued job among `jobs` (a page), in one query: one pass
    over the queued jobs of their queues counts, for each, the jobs ahead of it."""
    queued = [job for job in jobs if job.status == Job.Status.QUEUED]
    if not queued:
        return {}
    counts = Job.objects.filter(
        status=Job.Status.QUEUED, queue__in={job.queue for job in queued}
    ).aggregate(**{f"j{i}": Count("pk", filter=_ahead_of(job)) for i, job in enumerate(queued)})
    return {job.pk: counts[f"j{i}"] + 1 for i, job in enumerate(queued)}


def job_eta_seconds(*, job: Job, now: Any) -> float | None:
    """Remaining time from the mean epoch duration so far."""
    done, total = job.progress.get("epoch"), job.progress.get("epochs")
    if job.status != Job.Status.RUNNING or not done or not total or job.started_at is None:
        return None
    per_epoch = (now - job.started_at).total_seconds() / done
    return round(per_epoch * max(total - done, 0), 1)


def artifact_list(*, job: Job) -> QuerySet[Artifact]:
    return job.artifacts.all()


def artifact_get(*, user: Any, artifact_id: object) -> Artifact:
    return get_owned(Artifact.objects.all(), user, artifact_id, what="Artifact")

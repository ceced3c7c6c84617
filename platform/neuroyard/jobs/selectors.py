from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Coalesce

from neuroyard.core.pagination import NEWEST_FIRST, Order
from neuroyard.core.selectors import get_owned, owned_by
from neuroyard.jobs.models import Artifact, Job

# ?sort= of a job list: the cursor page's order (neuroyard.core.pagination), newest first last.
# A job with no metric yet sorts after every one with a metric, either way.
JOB_SORTS: dict[str, Order] = {
    "-created": NEWEST_FIRST,
    "created": (("created_at", False), ("id", False)),
    "name": (("name", False), *NEWEST_FIRST),
    "-name": (("name", True), *NEWEST_FIRST),
    "metric": (("metric_key", False), *NEWEST_FIRST),
    "-metric": (("metric_key", True), *NEWEST_FIRST),
}
_NO_METRIC = 1e300


def job_list(
    *,
    user: Any,
    status: str | None = None,
    kind: str | None = None,
    sweep: Any = None,
    search: str = "",
    dataset: Any = None,
    spec: Any = None,
    owner: str = "all",
    sort: str = "-created",
) -> QuerySet[Job]:
    """`owner`: "me" narrows a staff member's list (everyone's) to their own jobs."""
    jobs = owned_by(Job.objects.select_related("owner", "dataset", "spec"), user)
    if owner == "me":
        jobs = jobs.filter(owner=user)
    if sweep:
        jobs = jobs.filter(sweep_id=sweep)
    if status:
        jobs = jobs.filter(status=status)
    if kind:
        jobs = jobs.filter(kind=kind)
    if dataset:
        jobs = jobs.filter(dataset_id=dataset)
    if spec:
        jobs = jobs.filter(spec_id=spec)
    if search:
        jobs = jobs.filter(name__icontains=search)
    if sort in ("metric", "-metric"):
        missing = _NO_METRIC if sort == "metric" else -_NO_METRIC
        jobs = jobs.annotate(metric_key=Coalesce("final_metric", Value(missing)))
    return jobs


def job_order(sort: str) -> Order:
    return JOB_SORTS[sort]


def job_get(*, user: Any, job_id: object) -> Job:
    return get_owned(Job.objects.all(), user, job_id, what="Job")


# The order a queue's waiting jobs start in: priority first (moved to the front), then age.
QUEUE_ORDER = ("-priority", "created_at")


def job_queue_position(*, job: Job) -> int | None:
    """1 for the next job its queue will start; None unless the job is queued. For one job,
    counting those ahead of it (an index range) is cheaper than ranking the whole queue."""
    if job.status != Job.Status.QUEUED:
        return None
    ahead = Job.objects.filter(queue=job.queue, status=Job.Status.QUEUED).filter(
        Q(priority__gt=job.priority) | Q(priority=job.priority, created_at__lt=job.created_at)
    )
    return ahead.count() + 1


def job_queue_positions(*, jobs: Sequence[Job]) -> dict[Any, int]:
    """The queue position of every queued job among `jobs` (a page), in one query: the queued
    jobs of their queues ranked in QUEUE_ORDER (an index walk), then the page's picked out.
    RANK gives what job_queue_position counts: 1 + the jobs strictly ahead."""
    queued = [job for job in jobs if job.status == Job.Status.QUEUED]
    if not queued:
        return {}
    queues = sorted({job.queue for job in queued})
    pk = Job._meta.pk
    assert pk is not None
    ids = [pk.get_db_prep_value(job.pk, connection) for job in queued]
    table = connection.ops.quote_name(Job._meta.db_table)
    sql = (
        "SELECT id, place FROM (SELECT id, RANK() OVER (PARTITION BY queue ORDER BY priority"
        f" DESC, created_at) AS place FROM {table} WHERE status = %s AND queue IN"
        f" ({', '.join(['%s'] * len(queues))})) AS ranked"
        f" WHERE id IN ({', '.join(['%s'] * len(ids))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [Job.Status.QUEUED.value, *queues, *ids])
        places = dict(cursor.fetchall())
    # a job that started since the page was read has no place any more
    return {job.pk: places[v] for job, v in zip(queued, ids, strict=True) if v in places}


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

from collections.abc import Sequence
from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import QuerySet, Value
from django.db.models.functions import Coalesce

from neuroyard.core.pagination import NEWEST_FIRST, Order
from neuroyard.core.selectors import (
    get_owned,
    get_owned_raw,
    loaded,
    owned_by,
    sql_columns,
    sql_pk,
    sql_table,
)
from neuroyard.datasets.models import Dataset
from neuroyard.jobs.models import Artifact, Job
from neuroyard.specs.models import ModelSpec

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
# a job's own fields that its representation reads: all but its copy of the network
_SHOWN_JOB_FIELDS = [f.name for f in Job._meta.concrete_fields if f.name != "spec_snapshot"]


def _with_names(jobs: QuerySet[Job]) -> QuerySet[Job]:
    """Jobs with the names their representation shows (owner, dataset, network) read in the
    same query, and nothing else of those rows: select_related alone would read a dataset's
    stats and preview and a network's whole spec for every job (and the job's own copy of
    that spec, which the representation does not show). A deferred field still loads when
    something reads it, in a query of its own."""
    return jobs.select_related("owner", "dataset", "spec").only(
        *_SHOWN_JOB_FIELDS, "owner__username", "dataset__name", "spec__name"
    )


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
    jobs = owned_by(_with_names(Job.objects.all()), user)
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
    """One of the user's jobs (anyone's for staff) with its owner's, dataset's and network's
    names, or NotFound. The most asked-for row there is (every open job page and script polls
    it), so its query is written out once rather than compiled by the ORM at each request:
    compiling `_with_names(...).get(...)` cost three times what running it did (issue 13). The
    owner, dataset and network come with their names only, the rest deferred (loaded if read)."""
    job = get_owned_raw(Job, _job_named_sql(), user, job_id, what="Job")
    job.owner = loaded(get_user_model(), {"id": job.owner_id, "username": job.owner_name})
    if job.dataset_id is not None:
        job.dataset = loaded(Dataset, {"id": job.dataset_id, "name": job.dataset_name})
    if job.spec_id is not None:
        job.spec = loaded(ModelSpec, {"id": job.spec_id, "name": job.spec_name})
    return job


@cache
def _job_named_sql() -> str:
    """SELECT a job's columns (not its copy of the network) and the three names, by id."""
    quote = connection.ops.quote_name
    user, name = get_user_model(), quote("name")
    return (
        f"SELECT {sql_columns(Job, 't', without=('spec_snapshot',))},"
        f" u.{quote('username')} AS owner_name, d.{name} AS dataset_name,"
        f" s.{name} AS spec_name FROM {sql_table(Job)} t"
        f" INNER JOIN {sql_table(user)} u ON u.{sql_pk(user)} = t.{quote('owner_id')}"
        f" LEFT OUTER JOIN {sql_table(Dataset)} d ON d.{sql_pk(Dataset)} = t.{quote('dataset_id')}"
        f" LEFT OUTER JOIN {sql_table(ModelSpec)} s ON s.{sql_pk(ModelSpec)} = t.{quote('spec_id')}"
        f" WHERE t.{sql_pk(Job)} = %s"
    )


# The order a queue's waiting jobs start in: priority first (moved to the front), then age.
QUEUE_ORDER = ("-priority", "created_at")


def job_queue_position(*, job: Job) -> int | None:
    """1 for the next job its queue will start; None unless the job is queued. For one job,
    counting those ahead of it is cheaper than ranking the whole queue: two index ranges of
    `job_queue` (higher priority; same priority and older), each counted without touching the
    rows. Asked as one condition with OR, PostgreSQL walks every queued job of the queue."""
    if job.status != Job.Status.QUEUED:
        return None
    table = connection.ops.quote_name(Job._meta.db_table)
    queued = f"SELECT COUNT(*) FROM {table} WHERE queue = %s AND status = %s"
    sql = f"SELECT ({queued} AND priority > %s) + ({queued} AND priority = %s AND created_at < %s)"
    status, created = (
        Job.Status.QUEUED.value,
        connection.ops.adapt_datetimefield_value(job.created_at),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [job.queue, status, job.priority, job.queue, status, job.priority, created]
        )
        (ahead,) = cursor.fetchone()
    return int(ahead) + 1


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

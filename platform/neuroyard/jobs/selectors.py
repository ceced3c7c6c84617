from collections.abc import Sequence
from functools import cache
from typing import Any, NamedTuple

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
    names and its queue position, or NotFound. The most asked-for row there is (every open job
    page and script polls it), so its query is written out once rather than compiled by the ORM
    at each request: compiling `_with_names(...).get(...)` cost three times what running it did
    (issue 13). The owner, dataset and network come with their names only, the rest deferred
    (loaded if read); the network's copy in the job is deferred too."""
    job = get_owned_raw(
        Job,
        _job_named_sql(),
        user,
        job_id,
        what="Job",
        without=_JOB_DEFERRED,
        extra=("owner_name", "dataset_name", "spec_name", "queue_position"),
    )
    position = job.queue_position  # NULL unless queued
    job.queue_place = (
        None if position is None else QueuePlace(int(position), job.queue, job.priority)
    )
    job.owner = loaded(get_user_model(), {"id": job.owner_id, "username": job.owner_name})
    if job.dataset_id is not None:
        job.dataset = loaded(Dataset, {"id": job.dataset_id, "name": job.dataset_name})
    if job.spec_id is not None:
        job.spec = loaded(ModelSpec, {"id": job.spec_id, "name": job.spec_name})
    return job


_JOB_DEFERRED = ("spec_snapshot",)


class QueuePlace(NamedTuple):
    """A queued job's position as job_get read it, with what it depends on."""

    position: int
    queue: str
    priority: int


@cache
def _job_named_sql() -> str:
    """SELECT a job's columns (not its copy of the network), the three names and its queue
    position (job_queue_position's count, asked only of a queued job), by id."""
    quote = connection.ops.quote_name
    user, name = get_user_model(), quote("name")
    return (
        f"SELECT {sql_columns(Job, 't', without=_JOB_DEFERRED)},"
        f" u.{quote('username')} AS owner_name, d.{name} AS dataset_name,"
        f" s.{name} AS spec_name, {_queue_position_sql('t')} AS queue_position"
        f" FROM {sql_table(Job)} t"
        f" INNER JOIN {sql_table(user)} u ON u.{sql_pk(user)} = t.{quote('owner_id')}"
        f" LEFT OUTER JOIN {sql_table(Dataset)} d ON d.{sql_pk(Dataset)} = t.{quote('dataset_id')}"
        f" LEFT OUTER JOIN {sql_table(ModelSpec)} s ON s.{sql_pk(ModelSpec)} = t.{quote('spec_id')}"
        f" WHERE t.{sql_pk(Job)} = %s"
    )


@cache
def _job_queue_position_sql() -> str:
    return f"SELECT {_queue_position_sql('t')} FROM {sql_table(Job)} t WHERE t.{sql_pk(Job)} = %s"


def _queue_position_sql(job: str) -> str:
    """1 + the jobs ahead of the job `job` (a table alias) in its queue; NULL unless queued.
    Two index ranges of `job_queue` (higher priority; same priority and older), each counted
    without touching the rows. Asked as one condition with OR, PostgreSQL walks every queued
    job of the queue."""
    table = sql_table(Job)
    queue, status, priority, created = (
        connection.ops.quote_name(column)
        for column in ("queue", "status", "priority", "created_at")
    )
    queued = f"'{Job.Status.QUEUED.value}'"
    ahead = (
        f"SELECT COUNT(*) FROM {table} q WHERE q.{queue} = {job}.{queue}"
        f" AND q.{status} = {queued} AND q.{priority}"
    )
    return (
        f"CASE WHEN {job}.{status} = {queued} THEN 1 + ({ahead} > {job}.{priority})"
        f" + ({ahead} = {job}.{priority} AND q.{created} < {job}.{created}) END"
    )


# The order a queue's waiting jobs start in: priority first (moved to the front), then age.
QUEUE_ORDER = ("-priority", "created_at")


def job_queue_position(*, job: Job) -> int | None:
    """1 for the next job its queue will start; None unless the job is queued. job_get reads
    it with the job; for a job from elsewhere, one query."""
    if job.status != Job.Status.QUEUED:
        return None
    read = getattr(job, "queue_place", None)  # job_get's, unless the job moved since
    if read is not None and (read.queue, read.priority) == (job.queue, job.priority):
        return int(read.position)
    with connection.cursor() as cursor:
        cursor.execute(
            _job_queue_position_sql(),
            [Job._meta.pk.get_db_prep_value(job.pk, connection)],  # type: ignore[union-attr]
        )
        row = cursor.fetchone()
    return None if row is None or row[0] is None else int(row[0])


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

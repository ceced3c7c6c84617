"""Job writes from the API side: submit, enqueue, cancel."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from neuroyard.config.celery import app as celery_app
from neuroyard.core.errors import Conflict, DomainError
from neuroyard.datasets.models import Dataset
from neuroyard.fleet.selectors import job_memory_available
from neuroyard.jobs.artifacts import artifact_create
from neuroyard.jobs.broker import task_id_for
from neuroyard.jobs.events import publish
from neuroyard.jobs.models import Artifact, Job
from neuroyard.registry.model_check import model_require_ready
from neuroyard.registry.models import TrainedModel
from neuroyard.specs.models import ModelSpec
from neuroyard_core.jobs import RUN_JOB_TASK, JobRequest, job_kind_get

log = logging.getLogger(__name__)

HARD_LIMIT_GRACE_SECONDS = 60


def job_params_validate(*, kind: str, params: object) -> dict[str, Any]:
    return job_kind_get(kind).validate_params(params)


@transaction.atomic
def job_create(
    *,
    owner: Any,
    kind: str,
    params: object,
    dataset: Dataset | None = None,
    spec: ModelSpec | None = None,
    model: TrainedModel | None = None,
    inputs: Mapping[str, UploadedFile] | None = None,
    spec_snapshot: dict[str, Any] | None = None,
    sweep: Any = None,
) -> Job:
    """`spec_snapshot`, when given, is the network the job trains instead of `spec`'s own (a
    sweep's trial: the spec with the trial's values)."""
    job_kind = job_kind_get(kind)
    if spec_snapshot is None and spec is not None:
        spec_snapshot = spec.spec
    clean = job_kind.validate_params(params)
    if model is not None:
        model_require_ready(model=model)
    inputs = dict(inputs or {})
    job_kind.check_request(
        JobRequest(
            kind=kind,
            params=clean,
            dataset=dataset,
            spec=spec_snapshot,
            model=model,
            inputs=inputs,
            memory_available=job_memory_available(queue=job_kind.queue),
        )
    )
    if (clean.get("time_limit") or 0) > settings.JOB_SOFT_TIME_LIMIT:
        raise DomainError(
            "invalid_params",
            f"params.time_limit: at most {settings.JOB_SOFT_TIME_LIMIT} seconds on this server.",
        )
    job = Job.objects.create(
        owner=owner,
        name=job_default_name(
            owner=owner, title=job_kind.title, dataset=dataset, spec=spec, model=model
        ),
        kind=kind,
        queue=job_kind.queue,
        params=clean,
        dataset=dataset,
        spec=spec,
        model=model,
        spec_snapshot=spec_snapshot,
        sweep=sweep,
        max_attempts=settings.NEUROYARD_MAX_ATTEMPTS,
    )
    for name, upload in inputs.items():
        # kept with the job; the transaction removes the rows if anything fails
        artifact_create(
            owner_id=job.owner_id,
            job=job,
            kind=Artifact.Kind.INPUT,
            name=name,
            file=upload,
            folder=f"{job.id}/input",
            content_type=upload.content_type,
        )
    transaction.on_commit(lambda: job_enqueue(job=job), robust=True)
    return job


def job_default_name(
    *,
    owner: Any,
    title: str,
    dataset: Dataset | None,
    spec: ModelSpec | None,
    model: TrainedModel | None,
) -> str:
    """ "<network> on <dataset> #n": what ran on what, numbered among the owner's runs of it."""
    subject = spec.name if spec is not None else model.name if model is not None else title
    base = f"{subject} on {dataset.name}" if dataset is not None else subject
    base = base[:180]
    earlier = Job.objects.filter(owner=owner, name__startswith=f"{base} #").count()
    return f"{base} #{earlier + 1}"


def job_rename(*, job: Job, user: Any, name: str) -> Job:
    if job.owner_id != user.pk:
        raise DomainError("not_owner", "Only the job's owner can rename it.", status=403)
    job.name = name
    job.save(update_fields=["name"])
    return job


def job_enqueue(*, job: Job) -> None:
    """Send the job's message. Safe to repeat: a worker claims a job at most once."""
    Job.objects.filter(id=job.id).update(enqueued_at=timezone.now())
    soft_limit = int(job.params.get("time_limit") or settings.JOB_SOFT_TIME_LIMIT)
    celery_app.send_task(
        RUN_JOB_TASK,
        args=[str(job.id)],
        queue=job.queue,
        task_id=task_id_for(job.id),
        soft_time_limit=soft_limit,
        # the hard limit only catches a job stuck where the soft one cannot interrupt it
        time_limit=soft_limit + HARD_LIMIT_GRACE_SECONDS,
    )


def job_cancel(*, job: Job) -> Job:
    """A queued job is cancelled at once; a running one stops at its next batch."""
    now = timezone.now()
    if Job.objects.filter(id=job.id, status=Job.Status.QUEUED).update(
        status=Job.Status.CANCELLED, cancel_requested=True, finished_at=now
    ):
        publish(job.id, {"type": "status", "status": Job.Status.CANCELLED})
        job.refresh_from_db()
        return job
    updated = Job.objects.filter(id=job.id, status=Job.Status.RUNNING).update(cancel_requested=True)
    job.refresh_from_db()
    if not updated and job.status in Job.FINAL_STATUSES:
        raise Conflict("job_finished", f"The job already ended as {job.status}.")
    return job

"""Job writes from the API side: submit, enqueue, cancel."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import pydantic
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from neuroyard.config.celery import app as celery_app
from neuroyard.core.errors import Conflict, DomainError
from neuroyard.core.storage import sha256_of_file
from neuroyard.datasets.models import Dataset
from neuroyard.jobs.broker import task_id_for
from neuroyard.jobs.events import publish
from neuroyard.jobs.kinds import KINDS, RUN_JOB_TASK, JobKind
from neuroyard.jobs.models import Artifact, Job
from neuroyard.registry.models import TrainedModel
from neuroyard.specs.models import ModelSpec
from neuroyard.specs.services import spec_check_dataset

log = logging.getLogger(__name__)

HARD_LIMIT_GRACE_SECONDS = 60


def job_params_validate(*, kind: str, params: object) -> dict[str, Any]:
    if kind not in KINDS:
        raise DomainError(
            "unknown_job_kind", f"Unknown job kind '{kind}'; use one of: {', '.join(KINDS)}."
        )
    if not isinstance(params, dict):
        raise DomainError("invalid_params", "params must be a JSON object.")
    try:
        return KINDS[kind].params.model_validate(params).model_dump()
    except pydantic.ValidationError as exc:
        problems = [
            f"params.{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        ]
        raise DomainError(
            "invalid_params", "; ".join(problems), details={"errors": problems}
        ) from None


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
) -> Job:
    clean = job_params_validate(kind=kind, params=params)
    job_kind = KINDS[kind]
    if job_kind.needs_dataset and dataset is None:
        raise DomainError("dataset_required", f"A {kind} job needs a dataset.")
    if job_kind.needs_spec and spec is None:
        raise DomainError("spec_required", f"A {kind} job needs a spec.")
    if job_kind.needs_model and model is None:
        raise DomainError("model_required", f"A {kind} job needs a model.")
    inputs = dict(inputs or {})
    _check_inputs(job_kind, inputs)
    if job_kind.validate_job is not None:
        job_kind.validate_job(params=clean, dataset=dataset, spec=spec, model=model, inputs=inputs)
    elif dataset is not None and spec is not None:
        spec_check_dataset(spec=spec.spec, dataset=dataset)
    if (clean.get("time_limit") or 0) > settings.JOB_SOFT_TIME_LIMIT:
        raise DomainError(
            "invalid_params",
            f"params.time_limit: at most {settings.JOB_SOFT_TIME_LIMIT} seconds on this server.",
        )
    if dataset is not None and "validation_split" in clean:
        _check_split(dataset, clean["validation_split"])
    job = Job.objects.create(
        owner=owner,
        kind=kind,
        queue=job_kind.queue,
        params=clean,
        dataset=dataset,
        spec=spec,
        model=model,
        spec_snapshot=spec.spec if spec is not None else None,
        max_attempts=settings.NEUROYARD_MAX_ATTEMPTS,
    )
    for name, upload in inputs.items():
        _store_input(job, name, upload)
    transaction.on_commit(lambda: job_enqueue(job=job), robust=True)
    return job


def _check_inputs(kind: JobKind, inputs: Mapping[str, UploadedFile]) -> None:
    allowed = set(kind.inputs) | set(kind.optional_inputs)
    unknown = sorted(set(inputs) - allowed)
    if unknown:
        raise DomainError(
            "unknown_input",
            f"A {kind.name} job takes no file named {', '.join(unknown)}; "
            f"it takes: {', '.join(sorted(allowed)) or 'no files'}.",
        )
    missing = [name for name in kind.inputs if name not in inputs]
    if missing:
        raise DomainError(
            "input_required", f"A {kind.name} job needs the file(s): {', '.join(missing)}."
        )
    for name, upload in inputs.items():
        if kind.validate_input is not None:
            kind.validate_input(name, upload)


def _content_type(upload: UploadedFile) -> str:
    """The client's content type, unless it is longer than a real one (and the column)."""
    given = upload.content_type or ""
    limit = Artifact._meta.get_field("content_type").max_length or 100
    return given if 0 < len(given) <= limit else "application/octet-stream"


def _store_input(job: Job, name: str, upload: UploadedFile) -> Artifact:
    """Keep an input file with the job; the transaction removes the row if anything fails."""
    upload.seek(0)
    sha256, size = sha256_of_file(upload)
    artifact = Artifact(
        owner_id=job.owner_id,
        job=job,
        kind=Artifact.Kind.INPUT,
        name=name,
        size_bytes=size,
        sha256=sha256,
        content_type=_content_type(upload),
    )
    artifact.file.save(f"{job.id}/input-{name}", upload, save=False)
    try:
        artifact.save()
    except Exception:
        artifact.file.delete(save=False)
        raise
    return artifact


def _check_split(dataset: Dataset, split: float) -> None:
    samples = int(dataset.stats.get("num_samples", 0))
    if split and int(samples * (1 - split)) < 1:
        raise DomainError(
            "invalid_params",
            f"validation_split {split} leaves no training samples out of {samples}.",
        )


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

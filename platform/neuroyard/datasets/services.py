"""Dataset writes: accept an upload, record what ingestion found, delete a dataset's files."""

from __future__ import annotations

import contextlib
import hashlib
from datetime import datetime
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from neuroyard.core.errors import Conflict, DomainError
from neuroyard.datasets.models import Dataset
from neuroyard.datasets.resumable import ResumedUpload
from neuroyard.datasets.uploads import HashedUpload
from neuroyard_core.formats import structure
from neuroyard_core.formats.options import IngestOptions
from neuroyard_core.safety.names import shown_name

INGEST_TASK = "neuroyard.ingest_dataset"
INGEST_QUEUE = "cpu"
FORMATS = {
    ".npz": Dataset.Format.NPZ,
    ".csv": Dataset.Format.CSV,
    ".zip": Dataset.Format.IMAGE_FOLDER,
}


def detect_format(filename: str, declared: str | None) -> str:
    if declared:
        return declared
    suffix = Path(filename).suffix.lower()
    if suffix not in FORMATS:
        raise DomainError(
            "dataset_format_unsupported",
            f"Cannot tell the format of '{filename}': upload a .npz, .csv or .zip file, "
            f"or name the format ({', '.join(Dataset.Format.values)}).",
        )
    return FORMATS[suffix]


def check_structure(path: Path, *, format: str, options: IngestOptions) -> None:
    """What headers alone can tell; raises DomainError. Reads no data."""
    if format == Dataset.Format.NPZ:
        structure.npz_layout(path)
    elif format in (Dataset.Format.CSV, Dataset.Format.TEXT_CSV):
        structure.csv_layout(path, options, text=format == Dataset.Format.TEXT_CSV)
    else:
        with structure.open_archive(path) as archive:
            structure.image_folder_layout(archive)


def dataset_create(
    *,
    owner: Any,
    name: str,
    upload: HashedUpload | ResumedUpload,
    format: str | None = None,
    options: IngestOptions | None = None,
) -> tuple[Dataset, bool]:
    """Store an upload and queue its ingestion; returns (dataset, created).

    The same file uploaded again by the same owner, with the same options, gives the existing
    dataset back, unless that one was refused. A file whose headers already show it cannot be
    ingested is refused here and nothing is stored.
    """
    options = options or IngestOptions()
    fmt = detect_format(upload.name or "", format)
    existing = _same_upload(owner=owner, sha256=upload.sha256, format=fmt, options=options)
    if existing is not None:
        return existing, False
    check_structure(Path(upload.temporary_file_path()), format=fmt, options=options)
    dataset = Dataset(
        owner=owner,
        name=shown_name(name),
        format=fmt,
        status=Dataset.Status.PROCESSING,
        options=options.to_json(),
        sha256=upload.sha256,
        size_bytes=upload.size,
    )
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in FORMATS:  # a declared format: the client's suffix may be anything
        suffix = f".{fmt}"
    dataset.source.save(f"{dataset.id}{suffix}", upload, save=False)
    try:
        with transaction.atomic():
            dataset.save()
            transaction.on_commit(lambda: dataset_enqueue(dataset=dataset), robust=True)
    except Exception:
        dataset.source.delete(save=False)
        raise
    return dataset, True


def _same_upload(*, owner: Any, sha256: str, format: str, options: IngestOptions) -> Dataset | None:
    candidates = Dataset.objects.filter(owner=owner, sha256=sha256, format=format).exclude(
        status=Dataset.Status.INVALID
    )
    return next((d for d in candidates if d.options == options.to_json()), None)


def dataset_enqueue(*, dataset: Dataset) -> None:
    """Send the ingestion task. Safe to repeat: a second run finds the dataset settled, or
    writes the same files (conversion is deterministic) and loses the race to settle it."""
    from neuroyard.config.celery import app

    Dataset.objects.filter(id=dataset.id).update(enqueued_at=timezone.now())
    app.send_task(INGEST_TASK, args=[str(dataset.id)], queue=INGEST_QUEUE)


def datasets_resend_stuck(*, sent_before: datetime) -> list[Dataset]:
    """Send ingestion again for datasets still processing long after it was sent (its message
    lost with a Redis restart, or its worker killed); returns them."""
    stuck = list(
        Dataset.objects.filter(status=Dataset.Status.PROCESSING, enqueued_at__lt=sent_before)
    )
    for dataset in stuck:
        dataset_enqueue(dataset=dataset)
    return stuck


def dataset_mark_ready(
    *,
    dataset_id: object,
    task: str,
    stats: dict[str, Any],
    preview: dict[str, Any],
    data_name: str,
    data_sha256: str,
) -> bool:
    """Record a finished ingestion; False if the dataset was deleted or settled meanwhile.

    The upload itself is no longer needed once converted; its file goes.
    """
    source = Dataset.objects.filter(id=dataset_id).values_list("source", flat=True).first()
    updated = Dataset.objects.filter(id=dataset_id, status=Dataset.Status.PROCESSING).update(
        status=Dataset.Status.READY,
        task=task,
        stats=stats,
        preview=preview,
        data=data_name,
        data_sha256=data_sha256,
        source="",
    )
    if updated and source:
        default_storage.delete(source)
    return bool(updated)


def dataset_mark_invalid(*, dataset_id: object, code: str, message: str) -> bool:
    """Keep the row with the reason, so its owner sees why; its stored files go."""
    dataset = Dataset.objects.filter(id=dataset_id, status=Dataset.Status.PROCESSING).first()
    if dataset is None:
        return False
    delete_dataset_files(dataset)
    Dataset.objects.filter(id=dataset_id).update(
        status=Dataset.Status.INVALID,
        error_code=code,
        error=message,
        source="",
        data="",
        data_sha256="",
    )
    return True


def _active_jobs(dataset: Dataset) -> QuerySet[Any]:
    from neuroyard.jobs.models import Job  # jobs depend on datasets, not the other way round

    return Job.objects.filter(dataset=dataset, status__in=Job.ACTIVE_STATUSES)


def dataset_delete(*, dataset: Dataset, user: Any) -> None:
    if dataset.public and not user.is_staff:
        raise DomainError(
            "dataset_read_only",
            "Built-in example datasets are shared with every user and cannot be deleted.",
            status=403,
        )
    in_use = _active_jobs(dataset).count()
    if in_use:
        raise Conflict(
            "dataset_in_use",
            f"The dataset is used by {in_use} queued or running job(s); "
            "cancel them or wait for them to finish first.",
        )
    delete_dataset_files(dataset)
    dataset.delete()


def data_folder(dataset_id: object) -> str:
    return f"datasets/data/{dataset_id}"


def preview_folder(dataset_id: object) -> str:
    return f"datasets/preview/{dataset_id}"


def delete_dataset_files(dataset: Dataset) -> None:
    if dataset.source:
        dataset.source.delete(save=False)
    for folder in (data_folder(dataset.id), preview_folder(dataset.id)):
        delete_folder(folder)


def delete_folder(folder: str) -> None:
    """Every stored file under `folder`, then the folder itself where storage has folders."""
    try:
        subfolders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        default_storage.delete(f"{folder}/{name}")
    for sub in subfolders:
        delete_folder(f"{folder}/{sub}")
    # Object stores have no folders; a folder something else wrote into stays.
    with contextlib.suppress(NotImplementedError, OSError):
        Path(default_storage.path(folder)).rmdir()


EXAMPLES_OWNER = "neuroyard-examples"


def examples_owner() -> Any:
    """The inactive system user that owns the built-in examples (no one can log in as it)."""
    User = get_user_model()  # noqa: N806
    user, created = User.objects.get_or_create(
        username=EXAMPLES_OWNER, defaults={"is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def dataset_example_put(
    *, key: str, name: str, format: str, content: bytes
) -> tuple[Dataset, bool]:
    """Store a built-in example under `key`, processing; returns (dataset, created).

    Idempotent: the same content already there is kept. Other content replaces it, unless a
    queued or running job uses it.
    """
    sha256 = hashlib.sha256(content).hexdigest()
    existing = Dataset.objects.filter(example_key=key).first()
    if existing is not None:
        current = existing.sha256 == sha256 and existing.status == Dataset.Status.READY
        if current or _active_jobs(existing).exists():
            return existing, False
        delete_dataset_files(existing)
        existing.delete()
    dataset = Dataset(
        owner=examples_owner(),
        name=name,
        format=format,
        options=IngestOptions().to_json(),
        sha256=sha256,
        size_bytes=len(content),
        public=True,
        example_key=key,
    )
    dataset.source.save(f"{dataset.id}.{format}", ContentFile(content), save=False)
    dataset.save()
    return dataset, True

"""Registering an uploaded `.keras` model: static checks of the archive in this process, then an
Artifact (of no job) and a TrainedModel `checking`, whose load a worker does (model_check)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from neuroyard.core.errors import DomainError
from neuroyard.core.storage import CHUNK
from neuroyard.jobs.artifacts import artifact_create
from neuroyard.jobs.models import Artifact
from neuroyard.registry.model_check import model_check_send
from neuroyard.registry.models import TrainedModel
from neuroyard_core.safety.keras_archive import ArchiveRefused, inspect_keras_archive
from neuroyard_core.safety.names import shown_name


def trained_model_upload(
    *,
    owner: Any,
    upload: UploadedFile,
    name: str = "",
    task: str = "",
    class_names: list[str] | None = None,
) -> TrainedModel:
    """A TrainedModel `checking` for the uploaded file, its check sent to a worker on commit;
    DomainError, with nothing stored, for what the archive alone shows to be refused."""
    filename = Path(upload.name or "model.keras").name
    if class_names and task == "regression":
        raise DomainError("invalid_input", "class_names are for classification models.")
    with tempfile.TemporaryDirectory(prefix="neuroyard-upload-") as folder:
        path = Path(folder) / "model.keras"
        _copy_capped(upload, path)
        try:
            inspect_keras_archive(path, filename=filename)
        except ArchiveRefused as refusal:
            raise DomainError(refusal.code, refusal.message) from None
        with path.open("rb") as file:
            return _store(owner, file, filename, name or Path(filename).stem, task, class_names)


def _copy_capped(upload: UploadedFile, path: Path) -> None:
    limit = settings.NEUROYARD_MAX_UPLOAD_BYTES
    written = 0
    upload.seek(0)
    with path.open("wb") as out:
        for chunk in iter(lambda: upload.read(CHUNK), b""):
            written += len(chunk)
            if written > limit:
                raise DomainError(
                    "file_too_large", f"The model is larger than {limit // 2**20} MiB.", status=413
                )
            out.write(chunk)
    if written == 0:
        raise DomainError("model_unreadable", "The uploaded file is empty.")


@transaction.atomic
def _store(
    owner: Any,
    file: Any,
    filename: str,
    name: str,
    task: str,
    class_names: list[str] | None,
) -> TrainedModel:
    artifact = artifact_create(
        owner_id=owner.pk, kind=Artifact.Kind.MODEL, name=filename, file=file, folder="uploads"
    )
    try:
        model = TrainedModel.objects.create(
            owner=owner,
            name=shown_name(name)[:200],
            source=TrainedModel.Source.UPLOADED,
            status=TrainedModel.Status.CHECKING,
            check_sent_at=timezone.now(),  # so a send lost before it happened is sent again
            artifact=artifact,
            task=task,
            class_names=[shown_name(c) for c in class_names or []],
        )
    except Exception:
        artifact.file.delete(save=False)
        raise
    transaction.on_commit(lambda: model_check_send(model=model), robust=True)
    return model

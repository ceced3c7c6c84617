"""Registering an uploaded `.keras` model: static checks of the archive in this process, a load
in a sandboxed child process, then an Artifact (of no job) and a TrainedModel."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from neuroyard.core.errors import DomainError
from neuroyard.core.storage import CHUNK, sha256_of_file
from neuroyard.jobs.models import Artifact
from neuroyard.registry.model_check import model_check
from neuroyard.registry.models import TrainedModel
from neuroyard_worker.model_files.archive import ArchiveRefused, inspect_keras_archive

_CLASSIFIER_OUTPUTS = ("softmax", "sigmoid")


def trained_model_upload(
    *,
    owner: Any,
    upload: UploadedFile,
    name: str = "",
    task: str = "",
    class_names: list[str] | None = None,
) -> TrainedModel:
    """A TrainedModel for the uploaded file, usable like a trained one; DomainError otherwise,
    with nothing stored."""
    filename = Path(upload.name or "model.keras").name
    with tempfile.TemporaryDirectory(prefix="neuroyard-upload-") as folder:
        path = Path(folder) / "model.keras"
        _copy_capped(upload, path)
        try:
            inspect_keras_archive(path, filename=filename)
        except ArchiveRefused as refusal:
            raise DomainError(refusal.code, refusal.message) from None
        description = model_check(path=path)
        task = task or _guessed_task(description)
        _check_class_names(class_names or [], description, task)
        with path.open("rb") as file:
            return _store(
                owner, file, filename, name or Path(filename).stem, task, class_names, description
            )


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


def _guessed_task(description: dict[str, Any]) -> str:
    activation = description.get("output_activation")
    return "classification" if activation in _CLASSIFIER_OUTPUTS else "regression"


def _check_class_names(names: list[str], description: dict[str, Any], task: str) -> None:
    if not names:
        return
    if task != "classification":
        raise DomainError("invalid_input", "class_names are for classification models.")
    outputs = (description.get("output_shape") or [None])[-1]
    expected = 2 if outputs == 1 else outputs
    if outputs is not None and len(names) != expected:
        raise DomainError(
            "invalid_input",
            f"The model scores {expected} classes, but {len(names)} class_names were given.",
        )


@transaction.atomic
def _store(
    owner: Any,
    file: Any,
    filename: str,
    name: str,
    task: str,
    class_names: list[str] | None,
    description: dict[str, Any],
) -> TrainedModel:
    sha256, size = sha256_of_file(file)
    artifact = Artifact(
        owner=owner,
        job=None,
        kind=Artifact.Kind.MODEL,
        name=filename,
        size_bytes=size,
        sha256=sha256,
        content_type="application/octet-stream",
    )
    # the client's file name stays in `name`; the stored one has a bounded length
    artifact.file.save(f"uploads/{sha256[:16]}.keras", File(file), save=False)
    stored = artifact.file.name
    try:
        artifact.save()
        return TrainedModel.objects.create(
            owner=owner,
            name=name[:200],
            source=TrainedModel.Source.UPLOADED,
            artifact=artifact,
            task=task,
            input_shape=description.get("input_shape") or [],
            output_shape=description.get("output_shape") or [],
            class_names=class_names or [],
            param_count=description.get("param_count", 0),
            layers=description.get("layers", []),
            diagram=description.get("diagram", {}),
        )
    except Exception:
        artifact.file.storage.delete(stored)
        raise

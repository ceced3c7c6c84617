"""Models in other formats (SavedModel, TFLite), converted by a worker on first download.

Conversion needs TensorFlow, so the web process only asks for it: the first download of a
format creates a pending ModelExport and sends the conversion to the inference worker; while
it is pending the download answers 202, once it failed 409, once ready the file.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from neuroyard.core.errors import Conflict
from neuroyard.jobs.models import Artifact
from neuroyard.registry.models import ModelExport, TrainedModel

EXPORT_TASK = "neuroyard.export_model"
EXPORT_QUEUE = "inference"  # the worker that has TensorFlow loaded and is never long busy
# A conversion still pending this long (its worker died, its message was lost) is sent again.
EXPORT_RESEND_AFTER = timedelta(minutes=10)
FILE_NAMES = {
    ModelExport.Format.SAVEDMODEL: ("savedmodel.zip", "application/zip"),
    ModelExport.Format.TFLITE: ("model.tflite", "application/octet-stream"),
}


def model_export_request(*, model: TrainedModel, format: str) -> ModelExport:
    """The model's export in `format`, asked for now if it was not before."""
    try:
        with transaction.atomic():
            export, created = ModelExport.objects.get_or_create(model=model, format=format)
    except IntegrityError:  # asked twice at once: the other request created it
        export, created = ModelExport.objects.get(model=model, format=format), False
    stale = timezone.now() - export.updated_at > EXPORT_RESEND_AFTER
    if created or (export.status == ModelExport.Status.PENDING and stale):
        ModelExport.objects.filter(id=export.id).update(updated_at=timezone.now())
        transaction.on_commit(lambda: _send(export), robust=True)
    return export


def _send(export: ModelExport) -> None:
    from neuroyard.config.celery import app

    app.send_task(EXPORT_TASK, args=[str(export.id)], queue=EXPORT_QUEUE)


def model_export_pending_body(export: ModelExport) -> dict[str, Any]:
    return {
        "code": "export_pending",
        "message": f"The model is being converted to {export.get_format_display()}; "
        "ask again in a few seconds.",
        "details": {"format": export.format, "status": export.status},
    }


def model_export_failed(export: ModelExport) -> Conflict:
    return Conflict(
        "export_failed",
        f"The model could not be converted to {export.get_format_display()}: "
        f"{export.error_message}",
        details={"format": export.format, "reason": export.error_code},
    )


def model_export_finish(*, export_id: object, artifact: Artifact) -> bool:
    """Record a finished conversion; False if it was already settled (the artifact then goes)."""
    done = ModelExport.objects.filter(id=export_id, status=ModelExport.Status.PENDING).update(
        status=ModelExport.Status.READY, artifact=artifact, error_code="", error_message=""
    )
    if not done:
        artifact.file.delete(save=False)
        artifact.delete()
    return bool(done)


def model_export_fail(*, export_id: object, code: str, message: str) -> None:
    ModelExport.objects.filter(id=export_id, status=ModelExport.Status.PENDING).update(
        status=ModelExport.Status.FAILED, error_code=code, error_message=message[:2000]
    )

"""The body of the `neuroyard.check_model` task: load an uploaded `.keras` file in the sandbox
(model_files.check) and settle its model as ready, with what the load found, or invalid, with
the reason in words."""

from __future__ import annotations

import logging

from django.conf import settings

from neuroyard.registry.model_check import model_check_fail, model_check_finish
from neuroyard.registry.models import TrainedModel
from neuroyard_worker.model_files.check import ModelRefused, SandboxLimits, sandbox_describe
from neuroyard_worker.runtime.inputs import cached_input

log = logging.getLogger(__name__)


def check_uploaded_model(model_id: str) -> str:
    """Returns what happened, for logs and tests: ready, invalid or skipped."""
    model = TrainedModel.objects.select_related("artifact").filter(id=model_id).first()
    if model is None or model.status != TrainedModel.Status.CHECKING:
        return "skipped"  # settled by an earlier delivery
    source = model.artifact
    path = cached_input(source.file.name, sha256=source.sha256, suffix=".keras")
    limits = SandboxLimits(
        seconds=settings.NEUROYARD_MODEL_CHECK_SECONDS,
        cpu_seconds=settings.NEUROYARD_MODEL_CHECK_CPU_SECONDS,
        memory_bytes=settings.NEUROYARD_MODEL_CHECK_MEMORY_BYTES,
    )
    try:
        description = sandbox_describe(path, limits=limits)
    except ModelRefused as refusal:
        log.info("model %s refused: %s", model_id, refusal.message)
        path.unlink(missing_ok=True)  # no job will read a refused file from the cache
        model_check_fail(model_id=model_id, code=refusal.code, message=refusal.message)
        return TrainedModel.Status.INVALID
    return model_check_finish(model_id=model_id, description=description)

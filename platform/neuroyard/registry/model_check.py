"""The check of an uploaded `.keras` model, as the web process sees it: send it to a worker,
re-send it when lost, settle the model as ready or invalid, and refuse a model not ready.

Loading a model needs Keras, which the web process does not have (deploy installs it without the
`worker` extra): the upload keeps only the framework-free archive inspection
(inspect_keras_archive) and answers 202 with the model `checking`; a worker loads the file in
its sandbox (neuroyard_worker.inference.model_check) and calls model_check_finish or _fail.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from neuroyard.core.errors import Conflict
from neuroyard.jobs.models import Artifact
from neuroyard.registry.models import TrainedModel

MODEL_CHECK_TASK = "neuroyard.check_model"
# The inference worker: it has Keras, already runs Keras work in child processes (exports), and
# its threads pool only waits on the sandbox while serving predictions with the other threads,
# so a check starts within seconds. On the gpu queue it would wait behind hours of training.
MODEL_CHECK_QUEUE = "inference"
_CLASSIFIER_OUTPUTS = ("softmax", "sigmoid")


def model_check_send(*, model: TrainedModel) -> None:
    """Send the check. Safe to repeat: a second delivery finds the model settled, or loads the
    same file again and loses the race to settle it."""
    from neuroyard.config.celery import app

    TrainedModel.objects.filter(id=model.id).update(check_sent_at=timezone.now())
    app.send_task(MODEL_CHECK_TASK, args=[str(model.id)], queue=MODEL_CHECK_QUEUE)


def models_resend_checks(*, sent_before: datetime) -> list[TrainedModel]:
    """Send the check again for models still checking long after it was sent (its message lost
    with a Redis restart, or its worker killed); returns them."""
    stuck = list(
        TrainedModel.objects.filter(
            status=TrainedModel.Status.CHECKING, check_sent_at__lt=sent_before
        )
    )
    for model in stuck:
        model_check_send(model=model)
    return stuck


def model_check_finish(*, model_id: object, description: dict[str, Any]) -> str:
    """Record what the sandbox found (engine.describe.describe_model); returns the model's
    status after it: ready, invalid (the class names do not fit the outputs), or what an earlier
    delivery settled."""
    model = TrainedModel.objects.filter(id=model_id).first()
    if model is None or model.status != TrainedModel.Status.CHECKING:
        return model.status if model is not None else "deleted"
    task = model.task or _guessed_task(description)
    problem = _class_names_problem(model.class_names, description, task)
    if problem:
        model_check_fail(model_id=model_id, code="class_names_mismatch", message=problem)
        return TrainedModel.Status.INVALID
    TrainedModel.objects.filter(id=model_id, status=TrainedModel.Status.CHECKING).update(
        status=TrainedModel.Status.READY,
        task=task,
        input_shape=description.get("input_shape") or [],
        output_shape=description.get("output_shape") or [],
        param_count=description.get("param_count", 0),
        layers=description.get("layers", []),
        diagram=description.get("diagram", {}),
    )
    return TrainedModel.objects.values_list("status", flat=True).get(id=model_id)


def model_check_fail(*, model_id: object, code: str, message: str) -> bool:
    """Keep the row with the reason, so its owner sees why; the file goes. False if the model
    was settled meanwhile."""
    model = TrainedModel.objects.select_related("artifact").filter(id=model_id).first()
    settled = TrainedModel.objects.filter(id=model_id, status=TrainedModel.Status.CHECKING).update(
        status=TrainedModel.Status.INVALID, error_code=code, error=message[:2000]
    )
    if not settled or model is None:
        return False
    stored = model.artifact.file.name
    Artifact.objects.filter(id=model.artifact_id).update(file="")
    if stored:
        model.artifact.file.storage.delete(stored)
    return True


def model_require_ready(*, model: TrainedModel) -> None:
    """Conflict (409, model_not_ready) for a model still being checked or refused."""
    if model.status == TrainedModel.Status.READY:
        return
    details = {"model": str(model.id), "status": model.status}
    if model.status == TrainedModel.Status.CHECKING:
        raise Conflict(
            "model_not_ready",
            f"The model '{model.name}' is still being checked; it can be used once its status "
            "is ready, usually within a minute.",
            details=details,
        )
    raise Conflict(
        "model_not_ready",
        f"The model '{model.name}' was refused when it was checked, so it cannot be used: "
        f"{model.error}",
        details=details | {"reason": model.error_code},
    )


def _guessed_task(description: dict[str, Any]) -> str:
    activation = description.get("output_activation")
    return "classification" if activation in _CLASSIFIER_OUTPUTS else "regression"


def _class_names_problem(names: list[str], description: dict[str, Any], task: str) -> str:
    if not names:
        return ""
    if task != "classification":
        return "class_names are for classification models, and this one is a regression model."
    outputs = (description.get("output_shape") or [None])[-1]
    expected = 2 if outputs == 1 else outputs
    if outputs is not None and len(names) != expected:
        return f"The model scores {expected} classes, but {len(names)} class_names were given."
    return ""

from typing import Any

from django.db import transaction

from neuroyard.core.errors import Conflict, DomainError
from neuroyard.jobs.models import Artifact, Job
from neuroyard.registry.models import ModelExport, TrainedModel


def trained_model_register(
    *,
    job: Job,
    artifact: Artifact,
    metrics: dict[str, Any],
    param_count: int,
    description: dict[str, Any] | None = None,
    input_shape: list[int] | None = None,
    task: str = "",
    class_names: list[str] | None = None,
    preprocessing: dict[str, Any] | None = None,
) -> TrainedModel:
    """`description` is engine.describe's account of the model: layers, output shape, diagram.
    `input_shape`: a model that does not take the dataset's samples (a GAN's generator takes
    latent numbers); it then has no task, classes or preprocessing of the dataset's, only the
    `task`, `class_names` and `preprocessing` given."""
    dataset = job.dataset if input_shape is None else None
    description = description or {}
    model, _ = TrainedModel.objects.update_or_create(
        job=job,
        defaults={
            "owner_id": job.owner_id,
            "name": f"{_started_from(job)} ({str(job.id)[:8]})",
            "artifact": artifact,
            "spec": job.spec_snapshot,
            "task": dataset.task if dataset else task,
            "input_shape": input_shape or (dataset.stats.get("input_shape", []) if dataset else []),
            "class_names": dataset.stats.get("class_names", []) if dataset else class_names or [],
            # what inference applies to raw inputs (identity for a plain NPZ)
            "preprocessing": (
                dataset.stats.get("preprocessing", {}) if dataset else preprocessing or {}
            ),
            "metrics": metrics,
            "param_count": param_count,
            "output_shape": description.get("output_shape") or [],
            "layers": description.get("layers", []),
            "diagram": description.get("diagram", {}),
        },
    )
    return model


def _started_from(job: Job) -> str:
    if job.spec is not None:
        return job.spec.name
    if job.model is not None:
        return f"{job.model.name}, fine-tuned"
    return str(job.params.get("backbone") or "model")


def trained_model_delete(*, model: TrainedModel, user: Any) -> None:
    """The model, its file and its converted copies. Only its owner may; not while a queued or
    running job uses it (fine-tunes it, predicts with it...). The job that trained it stays."""
    if model.owner_id != user.pk:
        raise DomainError("not_owner", "Only the model's owner can delete it.", status=403)
    in_use = Job.objects.filter(model=model, status__in=Job.ACTIVE_STATUSES).count()
    if in_use:
        raise Conflict(
            "model_in_use",
            f"The model is used by {in_use} queued or running job(s); "
            "cancel them or wait for them to finish first.",
        )
    artifacts = [model.artifact] + [
        export.artifact
        for export in ModelExport.objects.filter(model=model).select_related("artifact")
        if export.artifact is not None
    ]
    files = [(artifact.file.storage, artifact.file.name) for artifact in artifacts if artifact.file]
    with transaction.atomic():
        model.delete()
        Artifact.objects.filter(pk__in=[artifact.pk for artifact in artifacts]).delete()

    def remove_files() -> None:
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(remove_files)

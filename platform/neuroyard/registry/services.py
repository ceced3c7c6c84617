from dataclasses import dataclass
from typing import Any

from django.db import transaction

from neuroyard.core.errors import Conflict, DomainError
from neuroyard.jobs.models import Artifact, Job
from neuroyard.registry.models import ModelExport, TrainedModel


@dataclass(frozen=True)
class KeptAs:
    """Which epoch of a train job a model is, and why it was kept."""

    epoch: int
    is_last: bool
    is_best: bool
    monitor: str = ""
    monitor_value: float | None = None

    def label(self) -> str:
        roles = [role for role, on in (("best", self.is_best), ("last", self.is_last)) if on]
        return f"epoch {self.epoch}, {' and '.join(roles)}"


@transaction.atomic
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
    kept: KeptAs | None = None,
) -> TrainedModel:
    """`description` is engine.describe's account of the model: layers, output shape, diagram.
    `input_shape`: a model that does not take the dataset's samples (a GAN's generator takes
    latent numbers); it then has no task, classes or preprocessing of the dataset's, only the
    `task`, `class_names` and `preprocessing` given. `kept`: which epoch of a job that keeps
    several (its best and its last) this one is; one model per job and epoch."""
    dataset = job.dataset if input_shape is None else None
    description = description or {}
    name = f"{_started_from(job)} ({str(job.id)[:8]})"
    if kept is not None:
        # a resumed job's new last (or best) epoch takes the title from an earlier run's
        earlier = TrainedModel.objects.filter(job=job).exclude(epoch=kept.epoch)
        if kept.is_last:
            earlier.filter(is_last=True).update(is_last=False)
        if kept.is_best:
            earlier.filter(is_best=True).update(is_best=False)
    model, _ = TrainedModel.objects.update_or_create(
        job=job,
        epoch=kept.epoch if kept else None,
        defaults={
            "owner_id": job.owner_id,
            "name": f"{name}, {kept.label()}" if kept else name,
            "is_last": kept.is_last if kept else True,
            "is_best": kept.is_best if kept else False,
            "monitor": kept.monitor if kept else "",
            "monitor_value": kept.monitor_value if kept else None,
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

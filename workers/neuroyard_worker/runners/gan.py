"""The `gan` job: train the job's spec (the generator) against params.discriminator on the
dataset's images; each epoch's grid of samples becomes an image artifact, the generator the
job's model."""

from __future__ import annotations

import tempfile
from pathlib import Path

from neuroyard.jobs.models import Artifact
from neuroyard.registry.services import trained_model_register
from neuroyard_core.generation import GENERATOR_TASK, generator_preprocessing
from neuroyard_worker.engine.gan import GanRequest, train_gan
from neuroyard_worker.engine.gan_pictures import GRID_PREFIX
from neuroyard_worker.runners.images import engine_options
from neuroyard_worker.runtime.checkpoints import (
    checkpoint_delete,
    checkpoint_download,
    checkpoint_upload,
)
from neuroyard_worker.runtime.job_run import JobRun
from neuroyard_worker.runtime.outcome import RunOutcome


class _GanReporter:
    """Mirrors each epoch's checkpoint to storage and stores its grid before the epoch is
    recorded, so a recorded epoch is never trained again, on any worker."""

    def __init__(self, run: JobRun) -> None:
        self.run = run

    def samples_drawn(self, epoch: int, path: Path) -> None:
        checkpoint_upload(job_id=self.run.job_id, local_dir=self.run.checkpoint_dir())
        _store(self.run, path, "image/png")

    def epoch_ended(self, epoch: int, metrics: dict[str, float]) -> None:
        self.run.epoch_ended(epoch, metrics)

    def stop_requested(self) -> bool:
        return self.run.stop_requested()


def run_gan(run: JobRun) -> RunOutcome:
    job = run.job
    params = run.params()
    checkpoint_download(job_id=run.job_id, local_dir=run.checkpoint_dir())
    with tempfile.TemporaryDirectory(prefix="neuroyard-gan-") as tmp:
        grid_dir = Path(tmp) / "grids"
        _fetch_earlier_grids(run, grid_dir)
        request = GanRequest(
            generator=job.spec_snapshot or {},
            data_path=run.dataset_path(),
            model_path=Path(tmp) / "generator.keras",
            grid_dir=grid_dir,
            checkpoint_dir=run.checkpoint_dir(),
            **engine_options(params, GanRequest),
        )
        result = train_gan(request, _GanReporter(run))
        outcome = {
            "epochs_completed": result.epochs_completed,
            "resumed_from_epoch": result.resumed_from_epoch,
            "devices": list(result.devices),
            "param_count": result.param_count,
            "classes": result.classes,
        }
        if result.cancelled:
            return RunOutcome(cancelled=True, result=outcome)
        for path in (result.animation_path, result.interpolation_path):
            if path is not None:
                content_type = "image/gif" if path.suffix == ".gif" else "image/png"
                outcome[path.stem] = str(_store(run, path, content_type).id)
        artifact = run.store_artifact(
            path=request.model_path,
            kind="model",
            name="generator.keras",
            content_type="application/octet-stream",
        )
    checkpoint_delete(job_id=run.job_id, local_dir=run.checkpoint_dir())
    class_names = _class_names(run, result.classes)
    model = trained_model_register(
        job=job,
        artifact=artifact,
        metrics={"final_epoch": result.history[-1] if result.history else {}},
        param_count=result.param_count,
        description=result.description,
        input_shape=[params["latent_dim"] + result.classes],
        task=GENERATOR_TASK,
        class_names=class_names,
        preprocessing=generator_preprocessing(
            latent_dim=params["latent_dim"],
            class_names=class_names,
            pixel_range=result.pixel_range,
        ),
    )
    return RunOutcome(result=outcome | {"model": str(model.id), "artifact": str(artifact.id)})


def _class_names(run: JobRun, classes: int) -> list[str]:
    """A conditional generator's classes, named as the dataset names them."""
    if not classes:
        return []
    stats = run.job.dataset.stats if run.job.dataset else {}
    names = [str(name) for name in stats.get("class_names") or []]
    return names if len(names) == classes else [str(number) for number in range(classes)]


def _store(run: JobRun, path: Path, content_type: str) -> Artifact:
    return run.store_artifact(
        path=path, kind=Artifact.Kind.IMAGE, name=path.name, content_type=content_type
    )


def _fetch_earlier_grids(run: JobRun, folder: Path) -> None:
    """The grids an earlier, interrupted run of the job stored, for the final animation."""
    folder.mkdir(parents=True, exist_ok=True)
    grids = run.job.artifacts.filter(kind=Artifact.Kind.IMAGE, name__startswith=GRID_PREFIX)
    for artifact in grids:
        with artifact.file.open("rb") as source:
            (folder / artifact.name).write_bytes(source.read())

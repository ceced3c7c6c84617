"""The `train` job: fit the job's spec on its dataset and register the trained model."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from typing import Any

import tensorflow as tf
from django.conf import settings

from neuroyard.jobs.models import Artifact, Job
from neuroyard.registry.services import trained_model_register
from neuroyard_core.errors import CodedError
from neuroyard_worker.engine.tensorboard import TensorBoardRequest, tensorboard_zip
from neuroyard_worker.engine.train import TrainRequest, train
from neuroyard_worker.engine.transfer import TransferRequest
from neuroyard_worker.runtime.checkpoints import (
    checkpoint_delete,
    checkpoint_download,
    checkpoint_upload,
)
from neuroyard_worker.runtime.job_run import JobRun
from neuroyard_worker.runtime.outcome import RunOutcome
from neuroyard_worker.sweeps.controller import trial_epoch_ended


class _CheckpointingReporter:
    """Mirrors each epoch's checkpoint to storage before the epoch is recorded, so a recorded
    epoch is never trained again, on any worker."""

    def __init__(self, run: JobRun) -> None:
        self.run = run

    def epoch_ended(self, epoch: int, metrics: dict[str, float]) -> None:
        checkpoint_upload(job_id=self.run.job_id, local_dir=self.run.checkpoint_dir())
        self.run.epoch_ended(epoch, metrics)
        # a sweep's trial: its searcher may stop it here, at the epoch boundary
        if trial_epoch_ended(self.run.job, epoch, metrics):
            self.run.prune()

    def stop_requested(self) -> bool:
        return self.run.stop_requested()


def run_train(run: JobRun) -> RunOutcome:
    job = run.job
    data_path = run.dataset_path()
    params = run.params()
    checkpoint_download(job_id=run.job_id, local_dir=run.checkpoint_dir())
    with tempfile.TemporaryDirectory(prefix="neuroyard-train-") as tmp:
        request = TrainRequest(
            spec=job.spec_snapshot or {},
            data_path=data_path,
            model_path=Path(tmp) / "model.keras",
            epochs=params["epochs"],
            batch_size=params["batch_size"],
            validation_split=params["validation_split"],
            seed=params["seed"],
            checkpoint_dir=run.checkpoint_dir(),
            mixed_precision=params.get("mixed_precision", False),
            xla=params.get("xla", False),
            distribute=params.get("distribute", False),
            transfer=_transfer_request(run, params),
            tensorboard=_tensorboard_request(job, Path(tmp) / "tensorboard"),
        )
        try:
            result = train(request, _CheckpointingReporter(run))
        except (tf.errors.ResourceExhaustedError, MemoryError) as exc:
            detail = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else "no detail"
            raise CodedError(
                "out_of_memory",
                f"The job ran out of memory ({detail}). Try a smaller batch size "
                f"(it was {request.batch_size}) or a smaller network.",
            ) from exc
        outcome = {
            "epochs_completed": result.epochs_completed,
            "resumed_from_epoch": result.resumed_from_epoch,
            "devices": list(result.devices),
            "test_metrics": result.test_metrics,
            "param_count": result.param_count,
        }
        if result.transfer is not None:  # what it started from: says so if weights were random
            outcome["transfer"] = result.transfer
        # A pruned trial's curves too: the sweep's download compares every trial.
        if not run.lease_lost:  # else the job runs on elsewhere, and that run stores them
            outcome["tensorboard"] = str(_store_tensorboard(run, request, Path(tmp)).id)
        if result.cancelled:
            return RunOutcome(cancelled=True, result=outcome)
        artifact = run.store_artifact(
            path=request.model_path,
            kind="model",
            name="model.keras",
            content_type="application/octet-stream",
        )
    checkpoint_delete(job_id=run.job_id, local_dir=run.checkpoint_dir())
    final = result.history[-1] if result.history else {}
    model = trained_model_register(
        job=job,
        artifact=artifact,
        metrics={"final_epoch": final, "test": result.test_metrics},
        param_count=result.param_count,
        description=result.description,
    )
    return RunOutcome(result=outcome | {"model": str(model.id), "artifact": str(artifact.id)})


def tensorboard_run_name(job: Job) -> str:
    """The run's folder in its TensorBoard zip: `trial-007` for a sweep's trial."""
    trial = getattr(job, "sweep_trial", None) if job.sweep_id is not None else None
    return f"trial-{trial.number:03d}" if trial is not None else f"job-{str(job.id)[:8]}"


def _tensorboard_request(job: Job, log_dir: Path) -> TensorBoardRequest:
    """A sweep trial's HParams add its searched values to the job's own."""
    trial = getattr(job, "sweep_trial", None) if job.sweep_id is not None else None
    values = trial.values if trial is not None else {}
    return TensorBoardRequest(
        log_dir=log_dir,
        hparams={name: value for name, value in values.items() if isinstance(value, _HPARAM)},
        run_name=tensorboard_run_name(job),
    )


_HPARAM = (bool, int, float, str)


def _store_tensorboard(run: JobRun, request: TrainRequest, tmp: Path) -> Artifact:
    assert request.tensorboard is not None
    path = tensorboard_zip(
        request.tensorboard.log_dir,
        tmp / "tensorboard.zip",
        folder=request.tensorboard.run_name or "run",
    )
    return run.store_artifact(
        path=path, kind=Artifact.Kind.TENSORBOARD, name="tensorboard.zip",
        content_type="application/zip",
    )  # fmt: skip


def _transfer_request(run: JobRun, params: dict[str, Any]) -> TransferRequest | None:
    """Transfer learning when the job starts from a model or a backbone; None otherwise."""
    job = run.job
    backbone = params.get("backbone")
    if job.model is None and backbone is None:
        return None
    stats = job.dataset.stats if job.dataset is not None else {}
    if job.dataset is not None and job.dataset.task == "classification":
        task, outputs = "classification", int(stats.get("num_classes") or 2)
    else:
        task, outputs = "regression", math.prod(stats.get("target_shape") or [1])
    low, high = stats.get("value_range") or (0.0, 1.0)
    return TransferRequest(
        base=backbone or run.model_path(),
        task=task,
        outputs=outputs,
        weights_dir=Path(settings.NEUROYARD_WEIGHTS_DIR),
        head=params.get("head", "replace"),
        trainable_layers=params.get("trainable_layers"),
        freeze_until=params.get("freeze_until"),
        head_dropout=params.get("head_dropout", 0.0),
        learning_rate=params.get("learning_rate"),
        input_range=(float(low), float(high)),
    )

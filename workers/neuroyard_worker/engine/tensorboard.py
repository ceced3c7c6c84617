"""TensorBoard event files of a train run: one scalar per metric per epoch, and the run's
hyperparameters through TensorBoard's HParams plugin, so `tensorboard --logdir` on a folder of
runs compares them.

A run's folder is written afresh by each attempt: the epochs a resumed run already completed are
written again from its checkpoint's history (the same values, at the same steps), then each new
epoch is appended as it ends. So a run resumed on another worker has every epoch exactly once.
"""

from __future__ import annotations

import math
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import keras
import tensorflow as tf
from tensorboard.plugins.hparams import api as hp

HParamValue = bool | int | float | str


@dataclass(frozen=True)
class TensorBoardRequest:
    log_dir: Path  # emptied, then filled with the run's event file
    # Shown in the HParams table beside what the engine knows itself (optimizer, learning rate,
    # batch size, epochs): a sweep trial's searched values, for instance.
    hparams: dict[str, HParamValue] = field(default_factory=dict)
    run_name: str | None = None  # the HParams "trial id" (a sweep trial's name)


class EpochSummaries:
    """Writes one event per metric per epoch; `close` when training ends."""

    def __init__(
        self,
        request: TensorBoardRequest,
        *,
        hparams: dict[str, HParamValue],
        history: list[dict[str, float]],
    ) -> None:
        shutil.rmtree(request.log_dir, ignore_errors=True)
        request.log_dir.mkdir(parents=True)
        self._hparams = {**hparams, **request.hparams}
        self._config_written = False
        self._writer = tf.summary.create_file_writer(str(request.log_dir))
        with self._writer.as_default():
            hp.hparams(self._hparams, trial_id=request.run_name)
        for epoch, metrics in enumerate(history, start=1):
            self._write(epoch, metrics)
        self._writer.flush()

    def epoch_ended(self, epoch: int, metrics: dict[str, float], model: keras.Model) -> None:
        values = dict(metrics)
        if "learning_rate" not in values:  # a spec's ReduceLROnPlateau logs it already
            rate = current_learning_rate(model)
            if rate is not None:
                values["learning_rate"] = rate
        self._write(epoch, values)
        self._writer.flush()

    def close(self) -> None:
        self._writer.close()

    def _write(self, epoch: int, metrics: dict[str, float]) -> None:
        with self._writer.as_default():
            if not self._config_written:
                # The metrics the HParams table shows: what the first epoch logged, but the
                # learning rate (not logged by epochs a resumed run writes from its history).
                self._config_written = True
                hp.hparams_config(
                    hparams=[hp.HParam(name) for name in self._hparams],
                    metrics=[
                        hp.Metric(name) for name in sorted(metrics) if name != "learning_rate"
                    ],
                )
            for name, value in metrics.items():
                if isinstance(value, int | float) and math.isfinite(value):
                    tf.summary.scalar(name, float(value), step=epoch)


def current_learning_rate(model: keras.Model) -> float | None:
    """The optimizer's learning rate now (a schedule's value at the current step)."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        return None
    try:
        return float(keras.ops.convert_to_numpy(optimizer.learning_rate))
    except (AttributeError, TypeError, ValueError):
        return None


def spec_hparams(spec: Any, *, batch_size: int, epochs: int) -> dict[str, HParamValue]:
    """The hyperparameters a train run always has: its optimizer's, its batch size and epochs.
    `spec` is a parsed NetworkSpec, or None for a transfer run without a head spec."""
    values: dict[str, HParamValue] = {"batch_size": batch_size, "epochs": epochs}
    optimizer = getattr(getattr(spec, "compile", None), "optimizer", None)
    if optimizer is not None:
        values["optimizer"] = str(optimizer.type)
        rate = optimizer.learning_rate
        # A schedule is named by its type; its steps show as the learning_rate scalar.
        values["learning_rate"] = float(rate) if isinstance(rate, int | float) else str(rate.type)
    return values


def tensorboard_zip(log_dir: Path, zip_path: Path, *, folder: str) -> Path:
    """Zip the run's event files under `folder/`, so `tensorboard --logdir` on the unzipped
    folder shows the run by that name."""
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(log_dir.rglob("*")):
            if path.is_file():
                archive.write(path, f"{folder}/{path.relative_to(log_dir).as_posix()}")
    return zip_path

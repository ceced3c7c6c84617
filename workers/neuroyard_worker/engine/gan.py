"""`gan`: train a generator against a discriminator on a dataset's images (the DCGAN tutorials'
loop, optionally conditioned on the classes), drawing a grid of samples from a fixed noise batch
after every epoch, checkpointing both networks, both optimizers and the noise RNG, resuming.

The job side reaches it only through `train_gan`, `GanRequest`, `GanReporter` and `GanResult`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import keras
import numpy as np

from neuroyard_core.spec import SpecError
from neuroyard_core.spec.gan import GanNetworks, gan_networks
from neuroyard_worker.engine.build import build_model
from neuroyard_worker.engine.checkpoint import save_atomically, variables_load, variables_save
from neuroyard_worker.engine.data import InMemoryData
from neuroyard_worker.engine.describe import describe_model
from neuroyard_worker.engine.devices import configure_devices
from neuroyard_worker.engine.errors import EngineError
from neuroyard_worker.engine.fit_callbacks import (
    EpochHandlerFailed,
    OnEpochCompleted,
    StopOnNonFinite,
    StopWhenRequested,
)
from neuroyard_worker.engine.gan_model import Gan
from neuroyard_worker.engine.gan_pictures import (
    animate,
    grid_file,
    sample_grid,
    to_unit,
    write_grid,
)
from neuroyard_worker.engine.training_data import open_training_data

GIF_NAME = "samples.gif"
STRIP_NAME = "interpolation.png"


@dataclass(frozen=True)
class GanRequest:
    generator: dict[str, Any]  # the generator's raw JSON spec
    discriminator: dict[str, Any]  # the discriminator's
    data_path: Path  # a dataset folder (manifest.json and shards), or an npz of arrays
    model_path: Path  # the trained generator is saved here (.keras)
    grid_dir: Path  # grids are written here; grids of earlier runs may be here already
    epochs: int  # in total, counting epochs a resumed run already completed
    batch_size: int = 64
    latent_dim: int = 100
    generator_learning_rate: float = 2e-4
    discriminator_learning_rate: float = 2e-4
    beta_1: float = 0.5
    label_smoothing: float = 0.0
    conditional: bool = False
    seed: int = 0
    grid_size: int = 8
    interpolation_steps: int = 10
    checkpoint_dir: Path | None = None  # if given: checkpoint every epoch, resume when present


class GanReporter(Protocol):
    def epoch_ended(self, epoch: int, metrics: dict[str, float]) -> None:
        """After each epoch (1-based, counting earlier runs' epochs): generator_loss and
        discriminator_loss, the epoch's means."""

    def samples_drawn(self, epoch: int, path: Path) -> None:
        """The epoch's grid of samples (a PNG in grid_dir), before `epoch_ended`."""

    def stop_requested(self) -> bool:
        """True once the job is cancelled; called before every batch, so it must be cheap."""


@dataclass(frozen=True)
class GanResult:
    epochs_completed: int  # in total
    cancelled: bool
    history: list[dict[str, float]]  # one entry per completed epoch, earlier runs' included
    resumed_from_epoch: int
    param_count: int  # the generator's
    classes: int  # 0 unless conditional
    devices: tuple[str, ...] = ()
    pixel_range: tuple[float, float] = (0.0, 1.0)  # of the saved generator's pictures: the data's
    animation_path: Path | None = None  # the grids of every epoch as a GIF
    interpolation_path: Path | None = None  # pictures along a line between two latent points
    description: dict[str, Any] | None = None  # the generator's layer table


def train_gan(request: GanRequest, reporter: GanReporter) -> GanResult:
    """Train, and save the generator to `request.model_path` (its pictures in the data's range)
    unless cancelled. Raises EngineError: spec_invalid, spec_incompatible, data_invalid,
    checkpoint_mismatch, loss_nan."""
    if request.epochs < 1 or request.batch_size < 1:
        raise ValueError("epochs and batch_size must be at least 1")
    images, labels, data_range = _images(request.data_path)
    classes = _classes(labels) if request.conditional else 0
    networks = _networks(request, images.shape[1:], classes)
    devices = configure_devices(mixed_precision=False)
    keras.utils.set_random_seed(request.seed)
    gan = Gan(
        build_model(networks.generator),
        build_model(networks.discriminator),
        latent_dim=request.latent_dim,
        classes=classes,
        label_smoothing=request.label_smoothing,
        discriminator_logits=networks.discriminator_output == "logit",
        seed=request.seed,
    )
    gan.compile(
        generator_optimizer=keras.optimizers.Adam(
            request.generator_learning_rate, beta_1=request.beta_1
        ),
        discriminator_optimizer=keras.optimizers.Adam(
            request.discriminator_learning_rate, beta_1=request.beta_1
        ),
    )
    digest = _digest(request, networks, classes)
    history: list[dict[str, float]] = []
    if request.checkpoint_dir is not None:
        restored = variables_load(request.checkpoint_dir, _state(gan), spec_digest=digest)
        history = list(restored[1]) if restored is not None else []
    resumed_from = len(history)
    # The same noise (and classes) every epoch, so the grids show the generator change.
    fixed = np.random.default_rng(request.seed)
    count = request.grid_size**2
    noise = fixed.standard_normal((count, request.latent_dim)).astype(np.float32)
    grid_labels = np.arange(count) % classes if classes else None
    low, high = networks.output_range

    def epoch_completed(epoch: int, metrics: dict[str, float]) -> None:
        if not all(np.isfinite(value) for value in metrics.values()):
            raise EngineError("loss_nan", f"a loss became NaN or infinite in epoch {epoch}")
        history.append(metrics)
        if request.checkpoint_dir is not None:
            variables_save(
                request.checkpoint_dir,
                _state(gan),
                epochs_completed=epoch,
                history=history,
                spec_digest=digest,
            )
        pictures = to_unit(np.asarray(gan.draw(noise, grid_labels)), low, high)
        path = grid_file(request.grid_dir, epoch)
        write_grid(sample_grid(pictures, columns=request.grid_size), path)
        reporter.samples_drawn(epoch, path)
        reporter.epoch_ended(epoch, metrics)

    stop = StopWhenRequested(reporter.stop_requested)
    nonfinite = StopOnNonFinite()
    on_epoch = OnEpochCompleted(
        epoch_completed, cut_short=lambda: stop.stopped or nonfinite.failure is not None
    )
    real = (images - data_range[0]) / (data_range[1] - data_range[0]) * (high - low) + low
    try:
        gan.fit(
            x=real.astype(np.float32),
            y=labels if classes else None,
            batch_size=request.batch_size,
            epochs=request.epochs,
            initial_epoch=len(history),
            shuffle=True,
            callbacks=[stop, nonfinite, on_epoch],
            verbose=0,
        )
    except EpochHandlerFailed as wrapper:
        raise wrapper.error from None
    if nonfinite.failure is not None:
        raise EngineError("loss_nan", nonfinite.failure)
    result = GanResult(
        epochs_completed=len(history),
        cancelled=stop.stopped,
        history=history,
        resumed_from_epoch=resumed_from,
        param_count=gan.generator.count_params(),
        classes=classes,
        devices=devices.names,
    )
    if stop.stopped:
        return result
    generator = _generator_for_data(gan.generator, networks.output_range, data_range)
    save_atomically(generator, request.model_path)
    animation = animate(
        [grid_file(request.grid_dir, epoch) for epoch in range(1, len(history) + 1)],
        request.grid_dir / GIF_NAME,
    )
    strip = _interpolation(gan, request, classes, networks.output_range)
    return GanResult(
        epochs_completed=len(history),
        cancelled=False,
        history=history,
        resumed_from_epoch=resumed_from,
        param_count=result.param_count,
        classes=classes,
        devices=devices.names,
        pixel_range=data_range,
        animation_path=animation,
        interpolation_path=strip,
        description=describe_model(generator),
    )


def _images(path: Path) -> tuple[np.ndarray, np.ndarray, tuple[float, float]]:
    data = open_training_data(path)
    if not isinstance(data, InMemoryData):
        raise EngineError(
            "data_invalid", "the dataset is too large to train a GAN on from this worker's memory"
        )
    x, y = data.splits.x, data.splits.y
    low, high = float(np.min(x)), float(np.max(x))
    if high <= low:
        raise EngineError("data_invalid", "every pixel of the dataset has the same value")
    return np.asarray(x, np.float32), np.asarray(y), (min(low, 0.0), max(high, 1.0))


def _classes(labels: np.ndarray) -> int:
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer) or labels.min() < 0:
        raise EngineError(
            "data_invalid", "a conditional GAN needs class labels: whole numbers from 0"
        )
    return int(labels.max()) + 1


def _networks(request: GanRequest, image_shape: tuple[int, ...], classes: int) -> GanNetworks:
    try:
        return gan_networks(
            request.generator,
            request.discriminator,
            image_shape=tuple(int(side) for side in image_shape),
            latent_dim=request.latent_dim,
            classes=classes,
        )
    except SpecError as error:
        # Issues located inside a spec are the spec's own; the others are about the fit.
        inside = any("." in issue.loc for issue in error.errors)
        raise EngineError("spec_invalid" if inside else "spec_incompatible", str(error)) from None


def _state(gan: Gan) -> dict[str, list[Any]]:
    """Everything a resumed run needs: both networks, both optimizers, the noise RNG."""
    return {
        "generator": list(gan.generator.weights),
        "discriminator": list(gan.discriminator.weights),
        "generator_optimizer": list(gan.generator_optimizer.variables),
        "discriminator_optimizer": list(gan.discriminator_optimizer.variables),
        "noise_rng": [gan.noise_seed.state],
    }


def _digest(request: GanRequest, networks: GanNetworks, classes: int) -> str:
    canonical = json.dumps(
        {
            "generator": networks.generator.model_dump(mode="json"),
            "discriminator": networks.discriminator.model_dump(mode="json"),
            "latent_dim": request.latent_dim,
            "classes": classes,
        },
        sort_keys=True,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _generator_for_data(
    generator: keras.Model, output_range: tuple[float, float], data_range: tuple[float, float]
) -> keras.Model:
    """The generator with its pictures rescaled into the dataset's range, as saved: what it
    draws can be compared with (and shown like) the dataset's images."""
    (low, high), (data_low, data_high) = output_range, data_range
    scale = (data_high - data_low) / (high - low)
    inputs = keras.Input(shape=tuple(generator.inputs[0].shape[1:]), name="latent")
    network = keras.models.clone_model(generator)  # without the spec's (unused) optimizer
    network.set_weights(generator.get_weights())
    pictures = keras.layers.Rescaling(scale, offset=data_low - low * scale, name="to_data_range")(
        network(inputs)
    )
    return keras.Model(inputs, pictures, name="generator")


def _interpolation(
    gan: Gan, request: GanRequest, classes: int, output_range: tuple[float, float]
) -> Path:
    """A strip of pictures along the line between two fixed latent points (a row per class)."""
    rng = np.random.default_rng(request.seed + 1)
    ends = rng.standard_normal((2, request.latent_dim)).astype(np.float32)
    steps = np.linspace(0.0, 1.0, request.interpolation_steps, dtype=np.float32)[:, None]
    line = (1.0 - steps) * ends[0] + steps * ends[1]
    rows = max(classes, 1)
    noise = np.tile(line, (rows, 1))
    labels = np.repeat(np.arange(rows), len(line)) if classes else None
    low, high = output_range
    pictures = to_unit(np.asarray(gan.draw(noise, labels)), low, high)
    path = request.grid_dir / STRIP_NAME
    write_grid(sample_grid(pictures, columns=len(line)), path)
    return path

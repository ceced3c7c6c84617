"""`deepdream`: amplify what chosen layers of a network see in an image (the TensorFlow tutorial's
DeepDream: octaves, tiled gradients with a random roll, normalised gradient ascent)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import tensorflow as tf

from neuroyard_worker.engine.devices import configure_devices
from neuroyard_worker.engine.images import fit_longest_side, resized, with_channels
from neuroyard_worker.engine.networks import Network, NetworkSource, load_network
from neuroyard_worker.engine.progress import (
    OnStep,
    StopRequested,
    ignore_step,
    never_stop,
    trace_count,
)

INCEPTION_LAYERS = ("mixed3", "mixed5")
GRADIENT_SCALE = 1024.0


@dataclass(frozen=True)
class DreamRequest:
    image: np.ndarray  # float32 pixels (height, width, channels) in [0, 255]
    network: NetworkSource
    layers: tuple[str, ...] | None = None  # default: mixed3, mixed5, or a model's last two convs
    layer_weights: tuple[float, ...] | None = None  # default: 1 each
    octaves: int = 5  # scales octave_scale**k for k in -2..2 when 5, as the tutorial
    octave_scale: float = 1.3
    steps_per_octave: int = 100
    step_size: float = 0.01
    tile_size: int = 512
    working_size: int = 512  # longest side the dream runs at (the output has the input's size)
    seed: int = 0
    mixed_precision: bool = False  # float16 compute on GPUs; losses stay float32
    xla: bool = False  # compile the step with XLA


@dataclass(frozen=True)
class DreamResult:
    image: np.ndarray  # float32 pixels, the input's size and channels
    frames: tuple[np.ndarray, ...]  # the image after each octave, at the working size
    layers: tuple[str, ...]
    weights: str  # "imagenet", "random" or "trained"
    objective: tuple[float, ...]  # the mean activation objective before each step
    cancelled: bool
    traces: int  # times the step was compiled: 1


def dream(
    request: DreamRequest,
    *,
    on_step: OnStep = ignore_step,
    stop_requested: StopRequested = never_stop,
) -> DreamResult:
    """Raises EngineError: model_invalid, model_unsuitable, layer_unknown, weights_invalid."""
    configure_devices(mixed_precision=request.mixed_precision)
    network = load_network(request.network)
    layers = request.layers or default_dream_layers(network)
    weights = request.layer_weights or (1.0,) * len(layers)
    if len(weights) != len(layers):
        raise ValueError("layer_weights needs one weight per layer")
    step = DreamStep(
        network,
        layers,
        weights,
        tile_size=request.tile_size,
        seed=request.seed,
        xla=request.xla,
    )
    height, width, channels = request.image.shape
    base = fit_longest_side((height, width), min(request.working_size, max(height, width)))
    sizes = octave_sizes(base, request.octaves, request.octave_scale, network.min_side)
    image = tf.constant(_to_unit(with_channels(request.image, network.channels)))
    total = len(sizes) * request.steps_per_octave
    objective: list[float] = []
    frames: list[np.ndarray] = []
    cancelled = False
    for octave, size in enumerate(sizes, start=1):
        image = tf.image.resize(image, size)
        for _ in range(request.steps_per_octave):
            if stop_requested():
                cancelled = True
                break
            image, value = step(image, request.step_size)
            objective.append(float(value))
            on_step(len(objective), total, {"objective": objective[-1], "octave": octave})
        if cancelled:
            break
        frames.append(with_channels(resized(_to_pixels(image), base), channels))
    output = with_channels(resized(_to_pixels(image), (height, width)), channels)
    return DreamResult(
        image=output,
        frames=tuple(frames),
        layers=tuple(layers),
        weights=network.weights,
        objective=tuple(objective),
        cancelled=cancelled,
        traces=step.traces,
    )


def default_dream_layers(network: Network) -> tuple[str, ...]:
    if network.name == "inception_v3":
        return INCEPTION_LAYERS
    return tuple(network.required_conv_layers()[-2:])


def octave_sizes(
    base: tuple[int, int], octaves: int, scale: float, min_side: int
) -> list[tuple[int, int]]:
    """Image sizes from small to large, `base` scaled by scale**k around k = 0, none too small."""
    first = -((octaves - 1) // 2)
    sizes = []
    for exponent in range(first, first + octaves):
        factor = max(scale**exponent, min_side / min(base))
        sizes.append((round(base[0] * factor), round(base[1] * factor)))
    return sizes


class DreamStep:
    """One gradient-ascent step on an image in [-1, 1], compiled once for every image size."""

    def __init__(
        self,
        network: Network,
        layers: Sequence[str],
        weights: Sequence[float],
        *,
        tile_size: int,
        seed: int = 0,
        xla: bool = False,
    ) -> None:
        self._features = network.features(layers)
        self._preprocess = network.preprocess
        self._weights = [float(weight) for weight in weights]
        self._tile = tile_size
        self._random = tf.random.Generator.from_seed(seed)
        image = tf.TensorSpec([None, None, network.channels], tf.float32)
        # Only the network pass is left to XLA: tiles' sizes are known at run time only, and
        # XLA compiles the tile gradient once per size it meets.
        self._tile_gradient = tf.function(
            self._objective_and_gradient, input_signature=(image,), jit_compile=xla
        )
        self._step = tf.function(
            self._gradient_ascent, input_signature=(image, tf.TensorSpec([], tf.float32))
        )

    def __call__(self, image: tf.Tensor, step_size: float) -> tuple[tf.Tensor, tf.Tensor]:
        """The image after one step, and the objective (mean over tiles) before it."""
        new_image, objective = self._step(image, tf.constant(step_size, tf.float32))
        return new_image, objective

    @property
    def traces(self) -> int:
        return trace_count(self._step)

    def _objective(self, tile: tf.Tensor) -> tf.Tensor:
        maps = self._features(self._preprocess((tile[tf.newaxis] + 1.0) * 127.5))
        if not isinstance(maps, list | tuple):
            maps = [maps]
        # In float32 even when the network computes in float16.
        terms = [
            w * tf.reduce_mean(tf.cast(m, tf.float32))
            for w, m in zip(self._weights, maps, strict=True)
        ]
        return tf.add_n(terms)

    def _objective_and_gradient(self, tile: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        with tf.GradientTape() as tape:
            tape.watch(tile)
            loss = self._objective(tile)
            # The step normalises the gradient, so its scale is free: a large one keeps float16
            # gradients (mixed precision) clear of underflow.
            scaled = loss * GRADIENT_SCALE
        return loss, tape.gradient(scaled, tile)

    def _gradient_ascent(self, image: tf.Tensor, step_size: tf.Tensor) -> tuple[tf.Tensor, ...]:
        height, width = tf.shape(image)[0], tf.shape(image)[1]
        # Rolling by a random shift each step hides the seams between tiles.
        shift = self._random.uniform([2], -self._tile, self._tile, dtype=tf.int32)
        rolled = tf.roll(image, shift=shift, axis=[0, 1])
        rows = (height + self._tile - 1) // self._tile
        cols = (width + self._tile - 1) // self._tile
        gradients = tf.zeros_like(rolled)
        objective = tf.constant(0.0)
        # Tiles of equal size, at most tile_size, covering the whole image.
        for row in tf.range(rows):
            top, bottom = row * height // rows, (row + 1) * height // rows
            for col in tf.range(cols):
                left, right = col * width // cols, (col + 1) * width // cols
                loss, gradient = self._tile_gradient(rolled[top:bottom, left:right])
                padding = [[top, height - bottom], [left, width - right], [0, 0]]
                gradients += tf.pad(gradient, padding)
                objective += loss
        gradients = tf.roll(gradients, shift=-shift, axis=[0, 1])
        gradients /= tf.math.reduce_std(gradients) + 1e-8
        new_image = tf.clip_by_value(image + gradients * step_size, -1.0, 1.0)
        return new_image, objective / tf.cast(rows * cols, tf.float32)


def _to_unit(pixels: np.ndarray) -> np.ndarray:
    return (pixels / 127.5 - 1.0).astype(np.float32)


def _to_pixels(image: tf.Tensor) -> np.ndarray:
    return np.asarray((image + 1.0) * 127.5, dtype=np.float32)

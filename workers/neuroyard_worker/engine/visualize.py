"""`visualize`: what a ConvNet learned, as grids of tiles: its first layer's kernels, the feature
maps of chosen layers for an input, and the input each filter likes best (gradient ascent on the
filter's mean activation, as the Keras example "Visualizing what convnets learn")."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from neuroyard_worker.engine.devices import configure_devices
from neuroyard_worker.engine.errors import EngineError
from neuroyard_worker.engine.images import to_model_input
from neuroyard_worker.engine.networks import Network, TrainedNetwork, load_network
from neuroyard_worker.engine.progress import (
    OnStep,
    StopRequested,
    ignore_step,
    never_stop,
    trace_count,
)

MIN_TILE_SIDE = 32  # tiles are enlarged (nearest neighbour) to at least this many pixels
PADDING = 2
# As the Keras example: 25 pixels cut from each side of its 180-pixel images.
BORDER_FRACTION = 25 / 180


@dataclass(frozen=True)
class VisualizeRequest:
    model_path: Path  # a trained ConvNet (.keras)
    kernels: bool = True  # the first convolution layer's kernels
    image: np.ndarray | None = None  # pixels (height, width, channels); for activation grids
    activation_layers: tuple[str, ...] | None = None  # default: every convolution layer
    features: bool = True  # the inputs each filter of feature_layer likes best
    feature_layer: str | None = None  # default: the last convolution layer
    filters: tuple[int, ...] | None = None  # default: the first max_filters of feature_layer
    max_filters: int = 16
    feature_steps: int = 30
    feature_learning_rate: float = 10.0
    feature_size: int = 128  # side of the optimised images
    max_tiles: int = 64  # feature maps drawn per activation grid


@dataclass(frozen=True)
class Grid:
    name: str  # "kernels", "activations" or "features"
    layer: str
    pixels: np.ndarray  # float32 (height, width, 1 or 3) in [0, 255]
    tiles: int
    columns: int


@dataclass(frozen=True)
class VisualizeResult:
    grids: tuple[Grid, ...]
    feature_objective: tuple[float, ...]  # per optimised filter: its mean activation at the end
    cancelled: bool
    traces: int  # times the gradient-ascent step was compiled: 1 (0 without features)


def visualize(
    request: VisualizeRequest,
    *,
    on_step: OnStep = ignore_step,
    stop_requested: StopRequested = never_stop,
) -> VisualizeResult:
    """Raises EngineError: model_invalid, model_unsuitable, layer_unknown, image_unsuitable."""
    configure_devices()
    network = load_network(TrainedNetwork(request.model_path))
    convs = network.required_conv_layers()
    grids: list[Grid] = []
    if request.kernels:
        grids.append(kernel_grid(network.model.get_layer(convs[0])))
    if request.image is not None:
        layers = request.activation_layers or tuple(convs)
        grids += activation_grids(network, request.image, layers, request.max_tiles)
    objective: tuple[float, ...] = ()
    cancelled, traces = False, 0
    if request.features:
        layer = request.feature_layer or convs[-1]
        ascent = FilterAscent(network, layer, size=request.feature_size)
        filters = request.filters or tuple(range(min(request.max_filters, ascent.filter_count)))
        if max(filters) >= ascent.filter_count:
            raise EngineError(
                "layer_unknown", f"layer {layer!r} has {ascent.filter_count} filters, not {filters}"
            )
        images, objective, cancelled = ascent.run(
            filters,
            steps=request.feature_steps,
            learning_rate=request.feature_learning_rate,
            on_step=on_step,
            stop_requested=stop_requested,
        )
        pixels, columns = tile_grid(_deprocess(images), normalise="none")
        grids.append(Grid("features", layer, pixels, len(filters), columns))
        traces = ascent.traces
    return VisualizeResult(
        grids=tuple(grids), feature_objective=objective, cancelled=cancelled, traces=traces
    )


def kernel_grid(layer: keras.layers.Layer) -> Grid:
    """One tile per filter: its kernel as an RGB or grey image (other depths: their mean)."""
    kernel = np.asarray(layer.kernel, dtype=np.float32)  # (height, width, in, out)
    if kernel.shape[2] not in (1, 3):
        kernel = kernel.mean(axis=2, keepdims=True)
    tiles = np.moveaxis(kernel, 3, 0)
    pixels, columns = tile_grid(tiles, normalise="together")
    return Grid("kernels", layer.name, pixels, len(tiles), columns)


def activation_grids(
    network: Network, image: np.ndarray, layers: Sequence[str], max_tiles: int
) -> list[Grid]:
    """One grid per layer: its feature maps for the image, each stretched to full contrast."""
    outputs = [network.spatial_output(name) for name in layers]
    extractor = keras.Model(network.model.inputs[0], outputs)
    sample = to_model_input(image, tuple(network.model.inputs[0].shape[1:]))
    maps = extractor(sample[np.newaxis], training=False)
    if not isinstance(maps, list | tuple):
        maps = [maps]
    grids = []
    for name, feature_map in zip(layers, maps, strict=True):
        tiles = np.moveaxis(np.asarray(feature_map[0], np.float32), 2, 0)[:max_tiles, ..., None]
        pixels, columns = tile_grid(tiles, normalise="each")
        grids.append(Grid("activations", name, pixels, len(tiles), columns))
    return grids


class FilterAscent:
    """Gradient ascent on many filters' mean activations at once, one image per filter."""

    def __init__(self, network: Network, layer: str, *, size: int) -> None:
        self._network = network
        try:
            self._extractor = network.features([layer])
            self._size = (size, size)
        except EngineError as error:
            if error.code != "model_unsuitable":
                raise
            # Layers that need the trained size are visualised at that size.
            fixed = network.model.inputs[0].shape
            self._extractor = keras.Model(
                network.model.inputs[0], network.model.get_layer(layer).output
            )
            self._size = (int(fixed[1]), int(fixed[2]))
        probe = self._extractor(tf.zeros([1, *self._size, network.channels]))
        self.filter_count = int(probe.shape[-1])
        # Border activations see the zero padding; the objective leaves them out when it can.
        self._crop = 2 if min(probe.shape[1:3]) > 4 else 0
        self._step = tf.function(
            self._ascent_step,
            input_signature=(
                tf.TensorSpec([None, *self._size, network.channels], tf.float32),
                tf.TensorSpec([None], tf.int32),
                tf.TensorSpec([], tf.float32),
            ),
        )

    @property
    def traces(self) -> int:
        return trace_count(self._step)

    def run(
        self,
        filters: Sequence[int],
        *,
        steps: int,
        learning_rate: float,
        on_step: OnStep,
        stop_requested: StopRequested,
        seed: int = 0,
    ) -> tuple[np.ndarray, tuple[float, ...], bool]:
        """The optimised network inputs (filters, height, width, channels) and final objectives."""
        noise = tf.random.stateless_uniform(
            [len(filters), *self._size, self._network.channels], seed=[seed, 0]
        )
        # The Keras example's start: faint noise around mid-grey.
        image = self._network.preprocess(127.5 + (noise - 0.5) * 0.25 * 127.5)
        indices = tf.constant(filters, tf.int32)
        rate = tf.constant(learning_rate, tf.float32)
        objective = tf.zeros([len(filters)])
        cancelled = False
        for step in range(1, steps + 1):
            if stop_requested():
                cancelled = True
                break
            objective, image = self._step(image, indices, rate)
            on_step(step, steps, {"objective": float(tf.reduce_mean(objective))})
        return np.asarray(image), tuple(float(v) for v in np.asarray(objective)), cancelled

    def _objectives(self, images: tf.Tensor, filters: tf.Tensor) -> tf.Tensor:
        maps = tf.cast(self._extractor(images), tf.float32)
        if self._crop:
            maps = maps[:, self._crop : -self._crop, self._crop : -self._crop, :]
        # Image i's objective is the mean of filter i's map.
        mask = tf.one_hot(filters, tf.shape(maps)[3])[:, tf.newaxis, tf.newaxis, :]
        return tf.reduce_mean(tf.reduce_sum(maps * mask, axis=3), axis=[1, 2])

    def _ascent_step(
        self, images: tf.Tensor, filters: tf.Tensor, learning_rate: tf.Tensor
    ) -> tuple[tf.Tensor, tf.Tensor]:
        with tf.GradientTape() as tape:
            tape.watch(images)
            objectives = self._objectives(images, filters)
            # Each image's gradient depends only on its own objective: the sum separates them.
            total = tf.reduce_sum(objectives)
        gradients = tape.gradient(total, images)
        gradients = tf.math.l2_normalize(gradients, axis=[1, 2, 3])
        return objectives, images + learning_rate * gradients


def _deprocess(images: np.ndarray) -> np.ndarray:
    """The Keras example's display: standardise, shrink contrast, cut the border, centre on grey."""
    images = images - images.mean(axis=(1, 2, 3), keepdims=True)
    images = images / (images.std(axis=(1, 2, 3), keepdims=True) + 1e-5) * 0.15
    border = int(images.shape[1] * BORDER_FRACTION)
    if border and images.shape[1] > 2 * border and images.shape[2] > 2 * border:
        images = images[:, border:-border, border:-border, :]
    return np.clip(images + 0.5, 0.0, 1.0) * 255.0


def tile_grid(
    tiles: np.ndarray, *, normalise: str, columns: int | None = None
) -> tuple[np.ndarray, int]:
    """Lay tiles (count, height, width, channels) out in a near-square grid, white between.

    normalise: "each" stretches every tile to [0, 255], "together" stretches all by one range,
    "none" takes values already in [0, 255].
    """
    tiles = np.asarray(tiles, dtype=np.float32)
    count, height, width, channels = tiles.shape
    if normalise == "each":
        low = tiles.min(axis=(1, 2, 3), keepdims=True)
        high = tiles.max(axis=(1, 2, 3), keepdims=True)
        tiles = (tiles - low) / np.maximum(high - low, 1e-12) * 255.0
    elif normalise == "together":
        tiles = (tiles - tiles.min()) / max(float(tiles.max() - tiles.min()), 1e-12) * 255.0
    scale = max(1, math.ceil(MIN_TILE_SIDE / max(height, width)))
    tiles = tiles.repeat(scale, axis=1).repeat(scale, axis=2)
    height, width = height * scale, width * scale
    columns = columns or math.ceil(math.sqrt(count))
    rows = math.ceil(count / columns)
    grid = np.full(
        (rows * (height + PADDING) + PADDING, columns * (width + PADDING) + PADDING, channels),
        255.0,
        dtype=np.float32,
    )
    for index, tile in enumerate(tiles):
        top = PADDING + (index // columns) * (height + PADDING)
        left = PADDING + (index % columns) * (width + PADDING)
        grid[top : top + height, left : left + width] = tile
    return grid, columns

"""`style_transfer`: repaint a content image in the style of another (Gatys et al., as the
TensorFlow tutorial: VGG19 features, Gram matrices, Adam on the image's pixels)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf

from neuroyard_worker.engine.devices import configure_devices
from neuroyard_worker.engine.errors import EngineError
from neuroyard_worker.engine.images import fit_longest_side, resized, with_channels
from neuroyard_worker.engine.networks import Network, NetworkSource, load_network
from neuroyard_worker.engine.progress import (
    OnStep,
    StopRequested,
    ignore_step,
    never_stop,
    trace_count,
)

VGG_CONTENT_LAYERS = ("block5_conv2",)
VGG_STYLE_LAYERS = ("block1_conv1", "block2_conv1", "block3_conv1", "block4_conv1", "block5_conv1")
MAX_DEFAULT_STYLE_LAYERS = 5
VGG_CONTENT_WEIGHT, VGG_STYLE_WEIGHT = 1e4, 1e-2
# VGG19 sees pixels spanning ~255 around zero, a trained network pixels in [0, 1]: its features
# are ~127.5 times smaller, its content loss 127.5**2 and its Gram (style) loss 127.5**4 times.
TRAINED_INPUT_SCALE = 127.5


@dataclass(frozen=True)
class StyleRequest:
    content: np.ndarray  # float32 pixels (height, width, channels) in [0, 255]
    style: np.ndarray  # the same, any size
    network: NetworkSource
    content_layers: tuple[str, ...] | None = None  # default: block5_conv2, or the last conv
    style_layers: tuple[str, ...] | None = None  # default: blockN_conv1, or up to 5 convs
    content_weight: float | None = None  # default: 1e4 for VGG19 (the tutorial's); see below
    style_weight: float | None = None  # default: 1e-2 for VGG19
    total_variation_weight: float = 30.0
    learning_rate: float = 0.02
    steps: int = 1000
    output_size: int = 512  # longest side of the output (and of the style image as used)
    frame_every: int = 100  # keep the image every this many steps; 0: no frames
    mixed_precision: bool = False  # float16 compute on GPUs; losses stay float32
    xla: bool = False  # compile the step with XLA


@dataclass(frozen=True)
class StyleResult:
    image: np.ndarray  # float32 pixels, longest side output_size, the content's channels
    frames: tuple[tuple[int, np.ndarray], ...]  # (step, pixels)
    losses: tuple[dict[str, float], ...]  # per step: content, style, total_variation, total
    content_layers: tuple[str, ...]
    style_layers: tuple[str, ...]
    weights: str  # "imagenet", "random" or "trained"
    cancelled: bool
    traces: int  # times the step was compiled: 1


def style_transfer(
    request: StyleRequest,
    *,
    on_step: OnStep = ignore_step,
    stop_requested: StopRequested = never_stop,
) -> StyleResult:
    """Raises EngineError: model_invalid, model_unsuitable, layer_unknown, weights_invalid."""
    configure_devices(mixed_precision=request.mixed_precision)
    network = load_network(request.network)
    content_layers = request.content_layers or default_content_layers(network)
    style_layers = request.style_layers or default_style_layers(network)
    channels = request.content.shape[2]
    size = fit_longest_side(request.content.shape[:2], request.output_size)
    style_size = fit_longest_side(request.style.shape[:2], request.output_size)
    if min(size) < network.min_side or min(style_size) < network.min_side:
        raise EngineError(
            "image_unsuitable",
            f"{network.name} needs images of at least {network.min_side} pixels a side; "
            f"at output_size {request.output_size} the images are {size} and {style_size}",
        )
    step = StyleStep(
        network,
        content_layers,
        style_layers,
        content=_to_unit(resized(with_channels(request.content, network.channels), size)),
        style=_to_unit(resized(with_channels(request.style, network.channels), style_size)),
        content_weight=request.content_weight or default_weights(network)[0],
        style_weight=request.style_weight or default_weights(network)[1],
        total_variation_weight=request.total_variation_weight,
        learning_rate=request.learning_rate,
        xla=request.xla,
    )
    losses: list[dict[str, float]] = []
    frames: list[tuple[int, np.ndarray]] = []
    cancelled = False
    for number in range(1, request.steps + 1):
        if stop_requested():
            cancelled = True
            break
        values = {name: float(value) for name, value in step().items()}
        losses.append(values)
        on_step(number, request.steps, values)
        if request.frame_every and number % request.frame_every == 0 and number < request.steps:
            frames.append((number, with_channels(step.pixels(), channels)))
    return StyleResult(
        image=with_channels(step.pixels(), channels),
        frames=tuple(frames),
        losses=tuple(losses),
        content_layers=tuple(content_layers),
        style_layers=tuple(style_layers),
        weights=network.weights,
        cancelled=cancelled,
        traces=step.traces,
    )


def default_content_layers(network: Network) -> tuple[str, ...]:
    if network.name == "vgg19":
        return VGG_CONTENT_LAYERS
    return (network.required_conv_layers()[-1],)


def default_style_layers(network: Network) -> tuple[str, ...]:
    if network.name == "vgg19":
        return VGG_STYLE_LAYERS
    convs = network.required_conv_layers()
    if len(convs) <= MAX_DEFAULT_STYLE_LAYERS:
        return tuple(convs)
    picks = np.linspace(0, len(convs) - 1, MAX_DEFAULT_STYLE_LAYERS).round().astype(int)
    return tuple(convs[i] for i in picks)


def default_weights(network: Network) -> tuple[float, float]:
    """(content weight, style weight) balanced as the tutorial's are for VGG19."""
    if network.weights != "trained":
        return VGG_CONTENT_WEIGHT, VGG_STYLE_WEIGHT
    return (
        VGG_CONTENT_WEIGHT * TRAINED_INPUT_SCALE**2,
        VGG_STYLE_WEIGHT * TRAINED_INPUT_SCALE**4,
    )


def gram_matrix(features: tf.Tensor) -> tf.Tensor:
    """Channel correlations of feature maps (batch, height, width, channels), in float32."""
    features = tf.cast(features, tf.float32)
    result = tf.linalg.einsum("bijc,bijd->bcd", features, features)
    locations = tf.cast(tf.shape(features)[1] * tf.shape(features)[2], tf.float32)
    return result / locations


class StyleStep:
    """One Adam step on the image's pixels in [0, 1], compiled once; one optimizer per job."""

    def __init__(
        self,
        network: Network,
        content_layers: Sequence[str],
        style_layers: Sequence[str],
        *,
        content: np.ndarray,
        style: np.ndarray,
        content_weight: float,
        style_weight: float,
        total_variation_weight: float,
        learning_rate: float,
        xla: bool = False,
    ) -> None:
        self._features = network.features([*style_layers, *content_layers])
        self._preprocess = network.preprocess
        self._style_count = len(style_layers)
        self._content_weight = content_weight / len(content_layers)
        self._style_weight = style_weight / len(style_layers)
        self._variation_weight = total_variation_weight
        style_maps = self._extract(tf.constant(style[np.newaxis]))[: self._style_count]
        self._style_targets = [gram_matrix(m) for m in style_maps]
        self._content_targets = self._extract(tf.constant(content[np.newaxis]))[self._style_count :]
        self.image = tf.Variable(content[np.newaxis], dtype=tf.float32, name="image")
        # The tutorial's Adam: a high beta_1 and epsilon smooth the steps on raw pixels.
        optimizer = keras.optimizers.Adam(learning_rate, beta_1=0.99, epsilon=1e-1)
        if keras.config.dtype_policy().name == "mixed_float16":
            # Scales the loss up for float16 gradients and back down before Adam, as fit() does.
            optimizer = keras.optimizers.LossScaleOptimizer(optimizer)
        self._optimizer = optimizer
        self._optimizer.build([self.image])
        self._step = tf.function(self._train_step, input_signature=(), jit_compile=xla)

    def __call__(self) -> dict[str, tf.Tensor]:
        """Update the image once; the losses before the update."""
        losses: dict[str, tf.Tensor] = self._step()
        return losses

    def pixels(self) -> np.ndarray:
        return np.asarray(self.image[0] * 255.0, dtype=np.float32)

    @property
    def traces(self) -> int:
        return trace_count(self._step)

    def _extract(self, image: tf.Tensor) -> list[tf.Tensor]:
        maps = self._features(self._preprocess(image * 255.0))
        if not isinstance(maps, list | tuple):
            maps = [maps]
        return [tf.cast(m, tf.float32) for m in maps]

    def _losses(self, image: tf.Tensor) -> dict[str, tf.Tensor]:
        maps = self._extract(image)
        style = tf.add_n(
            [
                tf.reduce_mean((gram_matrix(m) - target) ** 2)
                for m, target in zip(maps[: self._style_count], self._style_targets, strict=True)
            ]
        )
        content = tf.add_n(
            [
                tf.reduce_mean((m - target) ** 2)
                for m, target in zip(maps[self._style_count :], self._content_targets, strict=True)
            ]
        )
        variation = tf.reduce_sum(tf.image.total_variation(image))
        terms = {
            "content": content * self._content_weight,
            "style": style * self._style_weight,
            "total_variation": variation * self._variation_weight,
        }
        return terms | {"total": tf.add_n(list(terms.values()))}

    def _train_step(self) -> dict[str, tf.Tensor]:
        with tf.GradientTape() as tape:
            losses = self._losses(self.image)
            scaled = self._optimizer.scale_loss(losses["total"])
        gradient = tape.gradient(scaled, self.image)
        self._optimizer.apply_gradients([(gradient, self.image)])
        self.image.assign(tf.clip_by_value(self.image, 0.0, 1.0))
        return losses


def _to_unit(pixels: np.ndarray) -> np.ndarray:
    return (pixels / 255.0).astype(np.float32)

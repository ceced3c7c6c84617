"""The network an image job looks through: a Keras application or a model trained in Neuroyard.

Either way the job gets a `Network`: the Keras model, how pixels become its input, and feature
extractors for chosen layers that take images of any size.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import keras
import tensorflow as tf

from neuroyard_worker.engine.backbones import BackboneName, build_backbone
from neuroyard_worker.engine.errors import EngineError
from neuroyard_worker.engine.model_file import load_model_file

_CONV_LAYERS = (
    keras.layers.Conv2D,
    keras.layers.SeparableConv2D,
    keras.layers.DepthwiseConv2D,
    keras.layers.Conv2DTranspose,
)
# The side a network is given when its input has no fixed size.
DEFAULT_MIN_SIDE = 32


@dataclass(frozen=True)
class KerasApplication:
    name: BackboneName
    weights_file: Path | None = None  # Keras' ImageNet weights file; None: random weights


@dataclass(frozen=True)
class TrainedNetwork:
    path: Path  # a .keras file: trained in Neuroyard or uploaded


NetworkSource = KerasApplication | TrainedNetwork


@dataclass(frozen=True)
class Network:
    model: keras.Model
    name: str
    weights: Literal["imagenet", "random", "trained"]
    preprocess: Callable[[tf.Tensor], tf.Tensor]  # pixels in [0, 255] -> network input
    channels: int  # 1 (grey) or 3 (RGB)
    min_side: int  # the smallest image side its feature extractors take

    def conv_layers(self) -> list[str]:
        return [layer.name for layer in self.model.layers if isinstance(layer, _CONV_LAYERS)]

    def required_conv_layers(self) -> list[str]:
        """The convolution layers; EngineError model_unsuitable when there are none."""
        convs = self.conv_layers()
        if not convs:
            raise EngineError("model_unsuitable", f"{self.name} has no convolution layers")
        return convs

    def features(self, layer_names: Sequence[str]) -> keras.Model:
        """A model from (preprocessed) images of any size to the named layers' feature maps."""
        outputs = [self.spatial_output(name) for name in layer_names]
        inputs = self.model.inputs[0]
        truncated = keras.Model(inputs, outputs, name=f"{self.name}_features")
        if inputs.shape[1] is None and inputs.shape[2] is None:
            return truncated
        any_size = keras.Input(shape=(None, None, self.channels), name="image")
        try:
            # The same layer objects on a new input: shared weights, no fixed size.
            flexible = keras.models.clone_model(
                truncated, input_tensors=any_size, clone_function=lambda layer: layer
            )
            # A Reshape or the like only fails on real data: try a size it was not built for.
            flexible(tf.zeros([1, self.min_side + 5, self.min_side + 3, self.channels]))
        except (ValueError, TypeError, tf.errors.InvalidArgumentError) as error:
            raise EngineError(
                "model_unsuitable",
                f"the layers up to {', '.join(layer_names)} need images of exactly "
                f"{tuple(inputs.shape[1:3])} pixels: {str(error).strip().splitlines()[0]}",
            ) from None
        return flexible

    def spatial_output(self, name: str) -> keras.KerasTensor:
        """The named layer's output; EngineError layer_unknown unless it is feature maps."""
        try:
            layer = self.model.get_layer(name)
        except ValueError:
            known = ", ".join(self.conv_layers()) or "none"
            raise EngineError(
                "layer_unknown",
                f"{self.name} has no layer named {name!r} (its convolution layers: {known})",
            ) from None
        if len(layer.output.shape) != 4:
            raise EngineError(
                "layer_unknown",
                f"layer {name!r} of {self.name} gives {tuple(layer.output.shape)}, "
                "not feature maps (height, width, channels)",
            )
        output: keras.KerasTensor = layer.output
        return output


def load_network(source: NetworkSource) -> Network:
    if isinstance(source, KerasApplication):
        backbone = build_backbone(source.name, weights_file=source.weights_file)
        return Network(
            model=backbone.model,
            name=source.name,
            weights=backbone.weights,
            preprocess=backbone.preprocess,
            channels=3,
            min_side=backbone.min_side,
        )
    model = load_trained_model(source.path)
    shape = tuple(model.inputs[0].shape)
    if len(shape) != 4 or shape[3] not in (1, 3):
        raise EngineError(
            "model_unsuitable",
            f"the model takes inputs of shape {shape[1:]}, not images (height, width, 1 or 3)",
        )
    fixed_sides = [side for side in shape[1:3] if side is not None]
    return Network(
        model=model,
        name=model.name,
        weights="trained",
        preprocess=_unit_range,
        channels=int(shape[3]),
        min_side=min(fixed_sides) if fixed_sides else DEFAULT_MIN_SIDE,
    )


def load_trained_model(path: Path) -> keras.Model:
    """A .keras model, checked as an upload is and loaded without running any of its code."""
    return load_model_file(path)


def _unit_range(pixels: tf.Tensor) -> tf.Tensor:
    # Neuroyard's image datasets hold pixels scaled to [0, 1]; trained models expect that.
    return pixels / 255.0

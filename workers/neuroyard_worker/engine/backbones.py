"""Keras applications (VGG19, InceptionV3, MobileNetV2, ResNet50) built with weights from a local
file, never the net.

Given Keras' weights file the network is ImageNet's; given none, it has random weights and says
so. Nothing here downloads: the runner gets the file first (neuroyard_core.pretrained_download).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import keras
import tensorflow as tf

from neuroyard_worker.engine.errors import EngineError

BackboneName = Literal["inception_v3", "vgg19", "mobilenet_v2", "resnet50"]

# The "caffe" preprocessing VGG was trained with: BGR order, ImageNet mean subtracted.
_IMAGENET_MEAN_BGR = (103.939, 116.779, 123.68)


@dataclass(frozen=True)
class Backbone:
    model: keras.Model  # include_top=False, input (None, None, 3): any image size
    weights: Literal["imagenet", "random"]
    preprocess: Callable[[tf.Tensor], tf.Tensor]  # RGB pixels in [0, 255] -> network input
    min_side: int  # the smallest image side the network takes


def build_backbone(name: BackboneName, *, weights_file: Path | None) -> Backbone:
    """Built in the global dtype policy (see devices.configure_devices for mixed precision).

    `weights_file`: Keras' ImageNet weights file; None: random weights.
    """
    path = weights_file
    constructor, preprocess, min_side = _APPLICATIONS[name]
    try:
        # A local path or None: keras.applications downloads only for weights="imagenet".
        model = constructor(
            include_top=False,
            weights=str(path) if path is not None else None,
            input_shape=(None, None, 3),
        )
    except (ValueError, OSError) as error:
        raise EngineError(
            "weights_invalid", f"{path} does not hold {name}'s weights: {error}"
        ) from None
    model.trainable = False
    return Backbone(
        model=model,
        weights="imagenet" if path is not None else "random",
        preprocess=preprocess,
        min_side=min_side,
    )


def _caffe(pixels: tf.Tensor) -> tf.Tensor:
    return pixels[..., ::-1] - tf.constant(_IMAGENET_MEAN_BGR, dtype=pixels.dtype)


def _minus_one_to_one(pixels: tf.Tensor) -> tf.Tensor:
    return pixels / 127.5 - 1.0


_APPLICATIONS: dict[
    str, tuple[Callable[..., keras.Model], Callable[[tf.Tensor], tf.Tensor], int]
] = {
    "vgg19": (keras.applications.VGG19, _caffe, 32),
    "inception_v3": (keras.applications.InceptionV3, _minus_one_to_one, 75),
    "mobilenet_v2": (keras.applications.MobileNetV2, _minus_one_to_one, 32),
    "resnet50": (keras.applications.ResNet50, _caffe, 32),
}

"""Transfer learning: a network that starts from a trained (or uploaded) model or from a Keras
application, with layers frozen and, usually, a new head sized to the new dataset.

`TransferBuilder` is what `train` calls in place of `build_model` when a job has a TransferRequest;
everything else about training (checkpoints, callbacks, reporting) is the same.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import keras
import numpy as np
import tensorflow as tf

from neuroyard_core.pretrained import WEIGHTS_FILES, weights_path
from neuroyard_core.spec import NetworkSpec
from neuroyard_core.spec.compilation import AdamSpec
from neuroyard_core.spec.shapes import format_shape
from neuroyard_core.spec.transfer import BACKBONES
from neuroyard_worker.engine.backbones import BackboneName, build_backbone
from neuroyard_worker.engine.build import apply_layers, keras_optimizer
from neuroyard_worker.engine.describe import flat_layers
from neuroyard_worker.engine.errors import EngineError
from neuroyard_worker.engine.model_file import load_model_file

Task = Literal["classification", "regression"]


@dataclass(frozen=True)
class TransferRequest:
    base: Path | BackboneName  # a .keras file (trained or uploaded), or a Keras application
    task: Task
    outputs: int  # the dataset's classes, or its target values per sample
    weights_dir: Path | None = None  # where a backbone's ImageNet weights may be
    head: Literal["replace", "keep"] = "replace"
    trainable_layers: int | None = None  # of the base, counted from its end
    freeze_until: str | None = None  # freeze the base up to and including this layer
    head_dropout: float = 0.0
    learning_rate: float | None = None  # Adam's, when no head spec gives a compile section
    input_range: tuple[float, float] = (0.0, 1.0)  # the samples' values: pixels for a backbone


@dataclass(frozen=True)
class TransferReport:
    base: str  # the backbone's name, or "model"
    weights: Literal["imagenet", "random", "trained"]
    frozen_layers: int
    trainable_layers: int  # of the base; the new head always trains
    head: list[str]  # the names of the new layers
    note: str  # said plainly in the job's result


class TransferBuilder:
    """Builds and compiles the network; the report of the last build is in `report`."""

    def __init__(
        self, request: TransferRequest, *, head: NetworkSpec | None, input_shape: tuple[int, ...]
    ) -> None:
        self.request = request
        self.head_spec = head
        self.input_shape = input_shape
        self.report: TransferReport | None = None

    def __call__(self) -> keras.Model:
        request = self.request
        if isinstance(request.base, Path):
            inputs, features, base_layers, report = _from_model(request, self.input_shape)
        else:
            inputs, features, base_layers, report = _from_backbone(request, self.input_shape)
        frozen = _freeze(base_layers, request)
        head_names: list[str] = []
        if features is not None:
            outputs, head_names = self._head(features, report.base)
        else:
            outputs = inputs[1]
        model = keras.Model(inputs[0], outputs, name="transfer")
        model.compile(**self._compile_arguments())
        self.report = TransferReport(
            base=report.base,
            weights=report.weights,
            frozen_layers=frozen,
            trainable_layers=len(base_layers) - frozen,
            head=head_names,
            note=report.note,
        )
        return model

    def _head(self, features: Any, base: str) -> tuple[Any, list[str]]:
        pooled = _pooled(features)
        size = int(pooled.shape[-1])
        spec = self.head_spec
        if spec is None:
            x = pooled
            names = []
            if self.request.head_dropout > 0:
                x = keras.layers.Dropout(self.request.head_dropout, name="head_dropout")(x)
                names.append("head_dropout")
            classify = self.request.task == "classification"
            output = keras.layers.Dense(
                self.request.outputs,
                activation="softmax" if classify else "linear",
                name="head_output",
            )(x)
            return output, [*names, "head_output"]
        if tuple(spec.layers[0].shape) != (size,):  # type: ignore[union-attr]
            raise EngineError(
                "spec_incompatible",
                f"the head spec's Input takes {format_shape(tuple(spec.layers[0].shape))}, "  # type: ignore[union-attr]
                f"but {base} gives {size} features per sample; make its shape [{size}]",
            )
        return apply_layers(spec, pooled), spec.layer_names()[1:]

    def _compile_arguments(self) -> dict[str, Any]:
        if self.head_spec is not None:
            compiled = self.head_spec.compile
            return {
                "optimizer": keras_optimizer(compiled.optimizer),
                "loss": compiled.loss,
                "metrics": list(compiled.metrics),
            }
        rate = self.request.learning_rate or 0.001
        optimizer = keras_optimizer(AdamSpec(type="adam", learning_rate=rate))
        if self.request.task == "classification":
            return {
                "optimizer": optimizer,
                "loss": "sparse_categorical_crossentropy",
                "metrics": ["accuracy"],
            }
        return {"optimizer": optimizer, "loss": "mse", "metrics": ["mae"]}


def default_loss(task: Task) -> str:
    return "sparse_categorical_crossentropy" if task == "classification" else "mse"


def transfer_digest(request: TransferRequest, head_spec: NetworkSpec | None) -> str:
    """Identifies what a checkpoint was written for: the same request and head spec."""
    described = asdict(request) | {"base": str(request.base)}
    if head_spec is not None:
        described["head_spec"] = head_spec.model_dump(mode="json")
    canonical = json.dumps(described, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class _Base:
    base: str
    weights: Literal["imagenet", "random", "trained"]
    note: str


def _from_model(
    request: TransferRequest, input_shape: tuple[int, ...]
) -> tuple[tuple[Any, Any], Any, list[keras.layers.Layer], _Base]:
    assert isinstance(request.base, Path)
    model = load_model_file(request.base)
    if len(model.inputs) != 1 or len(model.outputs) != 1:
        raise EngineError("model_unsuitable", "only a model with one input and one output")
    takes = tuple(model.inputs[0].shape[1:])
    if len(takes) != len(input_shape) or any(
        d is not None and d != s for d, s in zip(takes, input_shape, strict=True)
    ):
        raise EngineError(
            "spec_incompatible",
            f"the model takes samples of shape {takes}, but the dataset's samples have shape "
            f"{format_shape(input_shape)}",
        )
    note = "Started from the model's trained weights."
    layers = [layer for layer in flat_layers(model) if not _is_input(layer)]
    if request.head == "keep":
        model.trainable = True
        return (model.inputs[0], model.outputs[0]), None, layers, _Base("model", "trained", note)
    weighted = [layer for layer in model.layers if layer.weights and not _is_input(layer)]
    if not weighted:
        raise EngineError("model_unsuitable", "the model has no layer with weights to replace")
    old_head = weighted[-1]
    features = old_head.input
    if isinstance(features, list | tuple):
        raise EngineError(
            "model_unsuitable",
            f"the model's last layer with weights, '{old_head.name}', takes several inputs; "
            "keep the head (head 'keep') or give a model whose last weighted layer takes one",
        )
    keep_until = flat_layers(model).index(_first_flat(old_head))
    base_layers = [layer for layer in flat_layers(model)[:keep_until] if not _is_input(layer)]
    model.trainable = True
    note += f" Its last layer '{old_head.name}' and what followed it were replaced by a new head."
    return (model.inputs[0], None), features, base_layers, _Base("model", "trained", note)


def _from_backbone(
    request: TransferRequest, input_shape: tuple[int, ...]
) -> tuple[tuple[Any, Any], Any, list[keras.layers.Layer], _Base]:
    name = str(request.base)
    if len(input_shape) != 3 or input_shape[-1] not in (1, 3):
        raise EngineError(
            "spec_incompatible",
            f"{name} takes images; the dataset's samples have shape {format_shape(input_shape)}",
        )
    weights_file = weights_path(name, request.weights_dir)
    backbone = build_backbone(name, weights_file=weights_file)  # type: ignore[arg-type]
    backbone.model.trainable = True
    inputs = keras.Input(input_shape, name="image")
    x = inputs
    height, width, channels = input_shape
    side = BACKBONES[name].min_side
    if min(height, width) < side:
        scale = side / min(height, width)
        x = keras.layers.Resizing(
            math.ceil(height * scale), math.ceil(width * scale), name="enlarge"
        )(x)
    x = _preprocessing(backbone.preprocess, channels, request.input_range)(x)
    features = backbone.model(x)
    filename = WEIGHTS_FILES[name].filename
    if backbone.weights == "imagenet":
        note = f"{name} started from its ImageNet weights ({filename})."
    else:
        note = (
            f"No ImageNet weights for {name} were found in NEUROYARD_WEIGHTS_DIR (the file "
            f"{filename}): the backbone started from RANDOM weights, so nothing learned on "
            "ImageNet was transferred. Its frozen layers keep those random weights and give "
            "features of little use: expect results near chance unless the backbone trains "
            "too (params.trainable_layers)."
        )
    layers = [layer for layer in flat_layers(backbone.model) if not _is_input(layer)]
    return (inputs, None), features, layers, _Base(name, backbone.weights, note)


def _preprocessing(preprocess: Any, channels: int, value_range: tuple[float, float]) -> Any:
    """The backbone's pixel preprocessing as a fixed 1x1 convolution, so that the saved model
    loads in safe mode (a Lambda would not): samples in `value_range` with 1 or 3 channels are
    mapped to RGB pixels in [0, 255], then through `preprocess`, which is affine per pixel (a
    scale, a channel swap, a mean), so probing it with the unit colours recovers it exactly."""
    low, high = value_range
    span = high - low if high > low else 1.0
    probes = np.concatenate([np.zeros((1, 3)), 255.0 * np.eye(3)]).astype(np.float32)
    answers = np.asarray(preprocess(tf.constant(probes.reshape(1, 4, 1, 3)))).reshape(4, 3)
    offset = answers[0]  # what black becomes
    colour = (answers[1:] - offset) / 255.0  # row i: what one unit of channel i adds
    to_rgb = np.ones((1, 3)) if channels == 1 else np.eye(3)
    kernel = (255.0 / span) * to_rgb @ colour  # (channels, 3)
    bias = offset - (255.0 * low / span) * to_rgb.sum(axis=0) @ colour
    layer = keras.layers.Conv2D(3, 1, name="preprocess", trainable=False)
    layer.build((None, None, None, channels))
    layer.set_weights([kernel.reshape(1, 1, channels, 3).astype(np.float32), bias.astype("f4")])
    return layer


def _freeze(layers: list[keras.layers.Layer], request: TransferRequest) -> int:
    """Freeze the first layers of the base; returns how many."""
    names = [layer.name for layer in layers]
    if request.freeze_until is not None:
        if request.freeze_until not in names:
            shown = ", ".join(names[:40]) + (", ..." if len(names) > 40 else "")
            raise EngineError(
                "layer_unknown", f"there is no layer '{request.freeze_until}'; layers: {shown}"
            )
        frozen = names.index(request.freeze_until) + 1
    elif request.trainable_layers is not None:
        frozen = max(0, len(layers) - request.trainable_layers)
    else:
        frozen = len(layers) if request.head == "replace" else 0
    for index, layer in enumerate(layers):
        layer.trainable = index >= frozen
    return frozen


def _pooled(features: Any) -> Any:
    rank = len(features.shape)
    if rank == 4:
        return keras.layers.GlobalAveragePooling2D(name="head_pool")(features)
    if rank == 3:
        return keras.layers.GlobalAveragePooling1D(name="head_pool")(features)
    if rank == 2:
        return features
    return keras.layers.Flatten(name="head_pool")(features)


def _is_input(layer: keras.layers.Layer) -> bool:
    return isinstance(layer, keras.layers.InputLayer)


def _first_flat(layer: keras.layers.Layer) -> keras.layers.Layer:
    """A nested model stands in the flat list by its first real layer."""
    if isinstance(layer, keras.Model):
        return next(inner for inner in flat_layers(layer) if not _is_input(inner))
    return layer

"""Shape and parameter rules for the layers of layers_core."""

from __future__ import annotations

import math

from neuroyard_core.spec.layer_base import LayerSpec
from neuroyard_core.spec.layers_core import (
    ELEMENTWISE_MERGES,
    ActivationSpec,
    BatchNormalizationSpec,
    ConcatenateSpec,
    DenseSpec,
    DropoutSpec,
    FlattenSpec,
    InputSpec,
    LayerNormalizationSpec,
    RescalingSpec,
    ReshapeSpec,
)
from neuroyard_core.spec.shape_math import (
    LayerOutput,
    Shape,
    ShapeProblem,
    Tensor,
    format_shape,
)


def core_output(layer: LayerSpec, inputs: list[Tensor]) -> LayerOutput | None:
    """The layer's output, or None if it is not one of the core layers."""
    if isinstance(layer, InputSpec):
        text = layer.dtype == "string"
        return LayerOutput(Tensor(tuple(layer.shape), "string" if text else "number"), 0)
    if isinstance(layer, ConcatenateSpec):
        return LayerOutput(Tensor(_concatenated([t.shape for t in inputs], layer.axis)), 0)
    if isinstance(layer, ELEMENTWISE_MERGES):
        return LayerOutput(Tensor(_same_shapes([t.shape for t in inputs])), 0)
    shape = inputs[0].shape
    if isinstance(layer, DenseSpec):
        bias = layer.units if layer.use_bias else 0
        return LayerOutput(Tensor((*shape[:-1], layer.units)), shape[-1] * layer.units + bias)
    if isinstance(layer, FlattenSpec):
        return LayerOutput(Tensor((math.prod(shape),)), 0)
    if isinstance(layer, ReshapeSpec):
        return LayerOutput(Tensor(_reshaped(shape, tuple(layer.target_shape))), 0)
    if isinstance(layer, DropoutSpec | ActivationSpec | RescalingSpec):
        return LayerOutput(Tensor(shape), 0)
    if isinstance(layer, BatchNormalizationSpec):
        # gamma and beta are trained; the moving mean and variance are only averaged.
        channels = shape[-1]
        learned = channels * (int(layer.center) + int(layer.scale))
        return LayerOutput(Tensor(shape), learned + 2 * channels, 2 * channels)
    if isinstance(layer, LayerNormalizationSpec):
        return LayerOutput(Tensor(shape), shape[-1] * (int(layer.center) + int(layer.scale)))
    return None


def _reshaped(input_shape: Shape, target: Shape) -> Shape:
    values = math.prod(input_shape)
    known = math.prod(d for d in target if d != -1)
    if -1 in target:
        if values % known:
            raise ShapeProblem(
                f"cannot reshape {format_shape(input_shape)} ({values} values) to "
                f"{format_shape(target)}: {values} is not a multiple of {known}"
            )
        return tuple(values // known if d == -1 else d for d in target)
    if known != values:
        raise ShapeProblem(
            f"cannot reshape {format_shape(input_shape)} ({values} values) to "
            f"{format_shape(target)} ({known} values)"
        )
    return target


def _same_shapes(shapes: list[Shape]) -> Shape:
    if any(shape != shapes[0] for shape in shapes[1:]):
        listed = ", ".join(format_shape(shape) for shape in shapes)
        raise ShapeProblem(
            f"needs inputs of one shape, got {listed}; use Concatenate to join different shapes"
        )
    return shapes[0]


def _concatenated(shapes: list[Shape], axis: int) -> Shape:
    rank = len(shapes[0])
    # Keras counts the batch axis: axis 1 is a sample's first axis, -1 its last.
    sample_axis = axis - 1 if axis > 0 else rank + axis
    if axis == 0 or not 0 <= sample_axis < rank:
        raise ShapeProblem(
            f"axis {axis} is not an axis of its inputs' samples of rank {rank}; "
            f"use -1 (the last axis) or 1 to {rank}"
        )
    if any(len(shape) != rank for shape in shapes) or any(
        shape[:sample_axis] + shape[sample_axis + 1 :]
        != shapes[0][:sample_axis] + shapes[0][sample_axis + 1 :]
        for shape in shapes
    ):
        listed = ", ".join(format_shape(shape) for shape in shapes)
        raise ShapeProblem(
            f"can join inputs only along axis {axis}; their other axes must match, got {listed}"
        )
    joined = sum(shape[sample_axis] for shape in shapes)
    return shapes[0][:sample_axis] + (joined,) + shapes[0][sample_axis + 1 :]

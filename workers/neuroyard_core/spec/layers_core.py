"""Spec layers for any input: dense, reshaping, regularising, normalising and merging layers."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from neuroyard_core.spec.field_types import (
    FiniteFloat,
    Flag,
    PositiveFloat,
    PositiveInt,
    Shape,
    TargetShape,
    UnitInterval,
)
from neuroyard_core.spec.layer_base import ActivationName, LayerSpec

InputDtype = Literal["float32", "int32", "string"]


class InputSpec(LayerSpec):
    type: Literal["Input"]
    shape: Shape
    dtype: InputDtype = "float32"


class DenseSpec(LayerSpec):
    type: Literal["Dense"]
    units: PositiveInt
    activation: ActivationName = "linear"
    use_bias: Flag = True


class FlattenSpec(LayerSpec):
    type: Literal["Flatten"]


class ReshapeSpec(LayerSpec):
    type: Literal["Reshape"]
    target_shape: TargetShape


class DropoutSpec(LayerSpec):
    type: Literal["Dropout"]
    rate: UnitInterval


class ActivationSpec(LayerSpec):
    type: Literal["Activation"]
    activation: ActivationName


class RescalingSpec(LayerSpec):
    """`x * scale + offset`: e.g. scale 1/255 turns pixels 0..255 into 0..1."""

    type: Literal["Rescaling"]
    scale: FiniteFloat
    offset: FiniteFloat = 0.0


class BatchNormalizationSpec(LayerSpec):
    type: Literal["BatchNormalization"]
    momentum: UnitInterval = 0.99
    epsilon: PositiveFloat = 0.001
    center: Flag = True
    scale: Flag = True


class LayerNormalizationSpec(LayerSpec):
    type: Literal["LayerNormalization"]
    epsilon: PositiveFloat = 0.001
    center: Flag = True
    scale: Flag = True


class ConcatenateSpec(LayerSpec):
    type: Literal["Concatenate"]
    # As in Keras, counted with the batch axis: -1 is the last axis, 1 the first of a sample.
    axis: Annotated[int, Field(strict=True)] = -1


class AddSpec(LayerSpec):
    type: Literal["Add"]


class SubtractSpec(LayerSpec):
    type: Literal["Subtract"]


class MultiplySpec(LayerSpec):
    type: Literal["Multiply"]


class AverageSpec(LayerSpec):
    type: Literal["Average"]


class MaximumSpec(LayerSpec):
    type: Literal["Maximum"]


class MinimumSpec(LayerSpec):
    type: Literal["Minimum"]


# Element-wise merges: every input has the same shape, and so has the output.
ELEMENTWISE_MERGES = (
    AddSpec,
    SubtractSpec,
    MultiplySpec,
    AverageSpec,
    MaximumSpec,
    MinimumSpec,
)
MERGES = (ConcatenateSpec, *ELEMENTWISE_MERGES)

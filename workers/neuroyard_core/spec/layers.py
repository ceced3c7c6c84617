"""The layer vocabulary of the spec language: one pydantic model per Keras layer type.

Arguments mirror the Keras constructor arguments of the same name, so a spec reads like Keras.
The models live in layers_core, layers_image and layers_sequence; this module joins them.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from neuroyard_core.spec.field_types import models_by_tag
from neuroyard_core.spec.layer_base import LayerSpec
from neuroyard_core.spec.layers_core import (
    ActivationSpec,
    AddSpec,
    AverageSpec,
    BatchNormalizationSpec,
    ConcatenateSpec,
    DenseSpec,
    DropoutSpec,
    FlattenSpec,
    InputSpec,
    LayerNormalizationSpec,
    MaximumSpec,
    MinimumSpec,
    MultiplySpec,
    RescalingSpec,
    ReshapeSpec,
    SubtractSpec,
)
from neuroyard_core.spec.layers_image import (
    AveragePooling1DSpec,
    AveragePooling2DSpec,
    Conv1DSpec,
    Conv2DSpec,
    GlobalAveragePooling1DSpec,
    GlobalAveragePooling2DSpec,
    GlobalMaxPooling1DSpec,
    GlobalMaxPooling2DSpec,
    MaxPooling1DSpec,
    MaxPooling2DSpec,
    RandomFlipSpec,
    RandomRotationSpec,
    RandomZoomSpec,
)
from neuroyard_core.spec.layers_sequence import (
    AnyRecurrentSpec,
    BidirectionalSpec,
    EmbeddingSpec,
    GRUSpec,
    LSTMSpec,
    SimpleRNNSpec,
    TextVectorizationSpec,
)

AnyLayerSpec = Annotated[
    InputSpec
    | DenseSpec
    | FlattenSpec
    | ReshapeSpec
    | DropoutSpec
    | ActivationSpec
    | RescalingSpec
    | BatchNormalizationSpec
    | LayerNormalizationSpec
    | ConcatenateSpec
    | AddSpec
    | SubtractSpec
    | MultiplySpec
    | AverageSpec
    | MaximumSpec
    | MinimumSpec
    | Conv1DSpec
    | Conv2DSpec
    | MaxPooling1DSpec
    | AveragePooling1DSpec
    | MaxPooling2DSpec
    | AveragePooling2DSpec
    | GlobalAveragePooling1DSpec
    | GlobalMaxPooling1DSpec
    | GlobalAveragePooling2DSpec
    | GlobalMaxPooling2DSpec
    | RandomFlipSpec
    | RandomRotationSpec
    | RandomZoomSpec
    | TextVectorizationSpec
    | EmbeddingSpec
    | SimpleRNNSpec
    | LSTMSpec
    | GRUSpec
    | BidirectionalSpec,
    Field(discriminator="type"),
]

LAYER_TYPES: dict[str, type[BaseModel]] = models_by_tag(AnyLayerSpec)

__all__ = [
    "AnyLayerSpec",
    "LAYER_TYPES",
    "LayerSpec",
    "ActivationSpec",
    "AddSpec",
    "AnyRecurrentSpec",
    "AveragePooling1DSpec",
    "AveragePooling2DSpec",
    "AverageSpec",
    "BatchNormalizationSpec",
    "BidirectionalSpec",
    "ConcatenateSpec",
    "Conv1DSpec",
    "Conv2DSpec",
    "DenseSpec",
    "DropoutSpec",
    "EmbeddingSpec",
    "FlattenSpec",
    "GRUSpec",
    "GlobalAveragePooling1DSpec",
    "GlobalAveragePooling2DSpec",
    "GlobalMaxPooling1DSpec",
    "GlobalMaxPooling2DSpec",
    "InputSpec",
    "LSTMSpec",
    "LayerNormalizationSpec",
    "MaxPooling1DSpec",
    "MaxPooling2DSpec",
    "MaximumSpec",
    "MinimumSpec",
    "MultiplySpec",
    "RandomFlipSpec",
    "RandomRotationSpec",
    "RandomZoomSpec",
    "RescalingSpec",
    "ReshapeSpec",
    "SimpleRNNSpec",
    "SubtractSpec",
    "TextVectorizationSpec",
]

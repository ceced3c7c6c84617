"""Per-layer shape inference and parameter counts, computed exactly as Keras computes them."""

from __future__ import annotations

from neuroyard_core.spec.layer_base import LayerSpec
from neuroyard_core.spec.layers_core import InputSpec
from neuroyard_core.spec.layers_sequence import TextVectorizationSpec
from neuroyard_core.spec.shape_math import (
    LayerOutput,
    Shape,
    ShapeProblem,
    Tensor,
    format_shape,
)
from neuroyard_core.spec.shapes_core import core_output
from neuroyard_core.spec.shapes_image import image_output
from neuroyard_core.spec.shapes_sequence import sequence_output

__all__ = ["LayerOutput", "Shape", "ShapeProblem", "Tensor", "format_shape", "layer_output"]


def layer_output(layer: LayerSpec, inputs: list[Tensor]) -> LayerOutput:
    """The layer's output and parameter count, given what its input layers output."""
    if not isinstance(layer, InputSpec | TextVectorizationSpec) and any(
        tensor.dtype == "string" for tensor in inputs
    ):
        raise ShapeProblem(
            "takes numbers, but its input is text; turn text into token numbers first "
            "with a TextVectorization layer"
        )
    for rule in (core_output, image_output, sequence_output):
        output = rule(layer, inputs)
        if output is not None:
            return output
    raise NotImplementedError(f"no shape rule for {type(layer).__name__}")

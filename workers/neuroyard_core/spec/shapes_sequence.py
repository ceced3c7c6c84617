"""Shape and parameter rules for the layers of layers_sequence."""

from __future__ import annotations

from neuroyard_core.spec.layer_base import LayerSpec
from neuroyard_core.spec.layers_sequence import (
    BidirectionalSpec,
    EmbeddingSpec,
    GRUSpec,
    LSTMSpec,
    RecurrentSpec,
    TextVectorizationSpec,
)
from neuroyard_core.spec.shape_math import (
    LayerOutput,
    ShapeProblem,
    Tensor,
    format_shape,
    sequence_shape,
)


def sequence_output(layer: LayerSpec, inputs: list[Tensor]) -> LayerOutput | None:
    """The layer's output, or None if it is not one of the text and sequence layers."""
    tensor = inputs[0]
    if isinstance(layer, TextVectorizationSpec):
        if tensor.dtype != "string" or tensor.shape != (1,):
            raise ShapeProblem(
                "needs text: an Input with dtype 'string' and shape [1] (one text per sample), "
                f"got {'text' if tensor.dtype == 'string' else 'numbers'} of shape "
                f"{format_shape(tensor.shape)}"
            )
        shape = (layer.output_sequence_length,)
        return LayerOutput(Tensor(shape, tokens=layer.vocabulary_size()), 0)
    if isinstance(layer, EmbeddingSpec):
        if tensor.tokens is not None and layer.input_dim < tensor.tokens:
            raise ShapeProblem(
                f"input_dim {layer.input_dim} is less than the {tensor.tokens} token numbers "
                "its input can hold; make input_dim at least the vocabulary size"
            )
        return LayerOutput(
            Tensor((*tensor.shape, layer.output_dim)), layer.input_dim * layer.output_dim
        )
    if isinstance(layer, RecurrentSpec):
        return _recurrent(layer, tensor, copies=1)
    if isinstance(layer, BidirectionalSpec):
        output = _recurrent(layer.layer, tensor, copies=2)
        if layer.merge_mode != "concat":
            return output
        *steps, units = output.shape
        return LayerOutput(Tensor((*steps, 2 * units)), output.params)
    return None


def _recurrent(layer: RecurrentSpec, tensor: Tensor, *, copies: int) -> LayerOutput:
    steps, features = sequence_shape(tensor.shape)
    units = layer.units
    weights = units * (features + units)  # input kernel and recurrent kernel, per gate
    if isinstance(layer, LSTMSpec):
        params = 4 * (weights + (units if layer.use_bias else 0))
    elif isinstance(layer, GRUSpec):
        # Keras' default reset_after=True keeps separate input and recurrent biases.
        params = 3 * (weights + (2 * units if layer.use_bias else 0))
    else:
        params = weights + (units if layer.use_bias else 0)
    shape = (steps, units) if layer.return_sequences else (units,)
    return LayerOutput(Tensor(shape), copies * params)

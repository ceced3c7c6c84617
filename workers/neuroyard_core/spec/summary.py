"""`summarize`: a spec's per-layer shapes and parameter counts, without Keras.

This is also the guard against networks too large for a worker: it runs before any model is built.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from neuroyard_core.spec.errors import SpecError, layer_label, layer_loc
from neuroyard_core.spec.memory import BATCH_SIZES, MemoryEstimate, estimate_memory
from neuroyard_core.spec.network import NetworkSpec
from neuroyard_core.spec.shapes import Shape, ShapeProblem, Tensor, format_shape, layer_output

MAX_PARAMS = 50_000_000
# Values in one layer's output for one sample; a batch of these has to fit in a worker's memory.
MAX_LAYER_ELEMENTS = 50_000_000
# Values in all layers' outputs for one sample: what a training step keeps for backpropagation.
MAX_TOTAL_ELEMENTS = 200_000_000


@dataclass(frozen=True)
class LayerSummary:
    name: str
    type: str
    output_shape: Shape  # one sample: no batch axis
    params: int
    inputs: tuple[str, ...] = ()  # the names of the layers it takes
    non_trainable_params: int = 0


@dataclass(frozen=True)
class SpecSummary:
    layers: list[LayerSummary]  # one per spec layer, in the spec's order, Input included
    total_params: int
    trainable_params: int
    non_trainable_params: int
    input_shape: Shape
    output_shape: Shape
    memory: MemoryEstimate


def summarize(
    spec: NetworkSpec,
    *,
    max_params: int = MAX_PARAMS,
    max_layer_elements: int = MAX_LAYER_ELEMENTS,
    max_total_elements: int = MAX_TOTAL_ELEMENTS,
    batch_sizes: tuple[int, ...] = BATCH_SIZES,
) -> SpecSummary:
    """Infer every layer's output shape and count parameters; raises SpecError naming the layer
    whose input does not fit it, or that makes the network too large."""
    names = spec.layer_names()
    graph = spec.graph
    tensors: dict[int, Tensor] = {}
    summaries: dict[int, LayerSummary] = {}
    total = non_trainable = elements_total = 0
    for index in graph.order:
        layer = spec.layers[index]
        label = layer_label(index, layer.type, layer.name)
        inputs = [tensors[source] for source in graph.inputs[index]]
        try:
            output = layer_output(layer, inputs)
        except ShapeProblem as problem:
            raise SpecError.single(layer_loc(index), f"{label}: {problem}") from None
        elements = math.prod(output.shape)
        if elements > max_layer_elements:
            raise SpecError.single(
                layer_loc(index),
                f"{label}: its output {format_shape(output.shape)} holds {elements:,} values "
                f"per sample; the limit is {max_layer_elements:,}",
            )
        elements_total += elements
        if elements_total > max_total_elements:
            raise SpecError.single(
                layer_loc(index),
                f"{label}: with this layer the outputs of all layers hold {elements_total:,} "
                f"values per sample; the limit is {max_total_elements:,}",
            )
        total += output.params
        non_trainable += output.non_trainable_params
        if total > max_params:
            raise SpecError.single(
                layer_loc(index),
                f"{label}: with this layer the network has {total:,} parameters; "
                f"the limit is {max_params:,}",
            )
        tensors[index] = output.tensor
        summaries[index] = LayerSummary(
            name=names[index],
            type=layer.type,
            output_shape=output.shape,
            params=output.params,
            inputs=tuple(names[source] for source in graph.inputs[index]),
            non_trainable_params=output.non_trainable_params,
        )
    layers = [summaries[index] for index in range(len(spec.layers))]
    memory = estimate_memory(
        total_params=total,
        trainable_params=total - non_trainable,
        optimizer_slots=spec.compile.optimizer.slots(),
        activation_values_per_sample=elements_total,
        batch_sizes=batch_sizes,
    )
    return SpecSummary(
        layers=layers,
        total_params=total,
        trainable_params=total - non_trainable,
        non_trainable_params=non_trainable,
        input_shape=layers[0].output_shape,
        output_shape=layers[graph.output].output_shape,
        memory=memory,
    )

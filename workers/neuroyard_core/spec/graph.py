"""Which layer takes which: a Sequential list, or a graph of named layers with `inputs`.

In a graph, a layer without `inputs` takes the layer listed before it, so a chain is written as
in a Sequential list and only branches and merges name their inputs. The last layer listed is
the network's output.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from neuroyard_core.spec.errors import SpecIssue, layer_label, layer_loc
from neuroyard_core.spec.layer_base import LayerSpec
from neuroyard_core.spec.layers_core import MERGES, InputSpec, SubtractSpec

_NAMES_SHOWN = 12


@dataclass(frozen=True)
class LayerGraph:
    inputs: tuple[tuple[int, ...], ...]  # for each layer, the positions of the layers it takes
    order: tuple[int, ...]  # every layer's position, each after those of its inputs

    @property
    def output(self) -> int:
        return len(self.inputs) - 1


def is_graph(layers: Sequence[LayerSpec]) -> bool:
    return any(layer.inputs is not None for layer in layers)


def layer_graph(
    layers: Sequence[LayerSpec], names: Sequence[str]
) -> tuple[LayerGraph | None, list[SpecIssue]]:
    """The graph, or the issues that keep the layers from forming one (each naming its layer).

    `names` are the layers' unique names (NetworkSpec.layer_names)."""
    index_of = {name: index for index, name in enumerate(names)}
    inputs: list[tuple[int, ...]] = []
    issues: list[SpecIssue] = []
    for index, layer in enumerate(layers):
        taken, layer_issues = _inputs_of(index, layer, layers, index_of)
        inputs.append(taken)
        issues += layer_issues
    if issues:
        return None, issues
    order, cycle = _topological_order(inputs)
    if cycle is not None:
        first = min(cycle)
        start = cycle.index(first)
        loop = cycle[start:] + cycle[:start] + [first]
        return None, [
            SpecIssue(
                loc=f"{layer_loc(first)}.inputs",
                message=f"{_label(layers, first)}: is part of a cycle "
                f"({' -> '.join(names[i] for i in loop)}); a layer cannot take its own output, "
                "not even through other layers",
            )
        ]
    used = _reaching(len(layers) - 1, inputs)
    issues = [
        SpecIssue(
            loc=layer_loc(index),
            message=f"{_label(layers, index)}: its output is not used: no layer takes it, and "
            "only the last layer listed is the network's output",
        )
        for index in range(len(layers))
        if index not in used
    ]
    if issues:
        return None, issues
    return LayerGraph(inputs=tuple(inputs), order=tuple(order)), []


def _inputs_of(
    index: int, layer: LayerSpec, layers: Sequence[LayerSpec], index_of: dict[str, int]
) -> tuple[tuple[int, ...], list[SpecIssue]]:
    label = _label(layers, index)
    loc = f"{layer_loc(index)}.inputs"
    if isinstance(layer, InputSpec):
        if layer.inputs is not None:
            return (), [SpecIssue(loc=loc, message=f"{label}: an Input layer takes no inputs")]
        return (), []
    if layer.inputs is None:
        # The first layer is an Input; parse_spec says so if it is not.
        return ((index - 1,) if index > 0 else ()), _arity_issues(index, layers, 1)
    taken: list[int] = []
    issues: list[SpecIssue] = []
    for position, name in enumerate(layer.inputs):
        if name not in index_of:
            known = sorted(index_of, key=index_of.__getitem__)
            shown = ", ".join(known[:_NAMES_SHOWN]) + (", ..." if len(known) > _NAMES_SHOWN else "")
            issues.append(
                SpecIssue(
                    loc=f"{loc}[{position}]",
                    message=f"{label}: input '{name}' is not the name of a layer; "
                    f"the layers are: {shown}",
                )
            )
        elif index_of[name] == index:
            issues.append(
                SpecIssue(loc=f"{loc}[{position}]", message=f"{label}: takes its own output")
            )
        else:
            taken.append(index_of[name])
    return tuple(taken), issues + _arity_issues(index, layers, len(layer.inputs))


def _arity_issues(index: int, layers: Sequence[LayerSpec], count: int) -> list[SpecIssue]:
    layer = layers[index]
    label = _label(layers, index)
    loc = f"{layer_loc(index)}.inputs"
    if isinstance(layer, SubtractSpec) and count != 2:
        return [SpecIssue(loc=loc, message=f"{label}: takes exactly 2 inputs, got {count}")]
    if isinstance(layer, MERGES) and count < 2:
        return [
            SpecIssue(
                loc=loc,
                message=f"{label}: merges the outputs of several layers; "
                'name them in "inputs", e.g. "inputs": ["left", "right"]',
            )
        ]
    if not isinstance(layer, MERGES) and count != 1:
        return [
            SpecIssue(
                loc=loc,
                message=f"{label}: takes one input, got {count}; merge them first with a "
                "Concatenate or Add layer",
            )
        ]
    return []


def _topological_order(inputs: list[tuple[int, ...]]) -> tuple[list[int], list[int] | None]:
    """Kahn's algorithm, taking ready layers in the order they are listed; on a cycle, the
    layers of one cycle in the order data would flow around it."""
    waiting = [len(set(taken)) for taken in inputs]
    takers: list[list[int]] = [[] for _ in inputs]
    for index, taken in enumerate(inputs):
        for source in set(taken):
            takers[source].append(index)
    ready = [index for index, count in enumerate(waiting) if count == 0]
    order: list[int] = []
    while ready:
        index = min(ready)
        ready.remove(index)
        order.append(index)
        for taker in takers[index]:
            waiting[taker] -= 1
            if waiting[taker] == 0:
                ready.append(taker)
    if len(order) == len(inputs):
        return order, None
    return order, _a_cycle(inputs, set(order))


def _a_cycle(inputs: list[tuple[int, ...]], ordered: set[int]) -> list[int]:
    # Every unordered layer waits on another unordered one, so walking back through unordered
    # inputs must come round to a layer already visited.
    current = min(index for index in range(len(inputs)) if index not in ordered)
    path: list[int] = []
    while current not in path:
        path.append(current)
        current = next(source for source in inputs[current] if source not in ordered)
    loop = path[path.index(current) :]
    loop.reverse()  # walked against the flow of data
    return loop


def _reaching(output: int, inputs: list[tuple[int, ...]]) -> set[int]:
    seen = {output}
    stack = [output]
    while stack:
        for source in inputs[stack.pop()]:
            if source not in seen:
                seen.add(source)
                stack.append(source)
    return seen


def _label(layers: Sequence[LayerSpec], index: int) -> str:
    layer = layers[index]
    return layer_label(index, getattr(layer, "type", None), layer.name)

"""NetworkSpec, the parsed form of a spec document, and `parse_spec`, the only way to get one."""

from __future__ import annotations

from functools import cached_property

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from neuroyard_core.spec.callbacks import AnyCallbackSpec, ReduceLROnPlateauSpec, monitored_names
from neuroyard_core.spec.compilation import CompileSpec
from neuroyard_core.spec.errors import SpecError, SpecIssue, layer_label, layer_loc
from neuroyard_core.spec.field_types import show
from neuroyard_core.spec.graph import LayerGraph, layer_graph
from neuroyard_core.spec.layers import AnyLayerSpec, InputSpec
from neuroyard_core.spec.validation_messages import issues_from_validation_error

# Far beyond any network a person writes by hand; keeps a hostile spec from costing much.
MAX_LAYERS = 500
MAX_CALLBACKS = 8


class NetworkSpec(BaseModel):
    """A Keras network: `layers[0]` is its Input; without any `inputs`, a Sequential list."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    layers: list[AnyLayerSpec] = Field(min_length=1, max_length=MAX_LAYERS)
    compile: CompileSpec
    callbacks: list[AnyCallbackSpec] = Field(default=[], max_length=MAX_CALLBACKS)

    def layer_names(self) -> list[str]:
        """Each layer's name: its own, else `<type>_<index>` ("dense_2"), made unique."""
        return list(self._names)

    @cached_property
    def _names(self) -> tuple[str, ...]:
        taken = {layer.name for layer in self.layers if layer.name is not None}
        names = []
        for index, layer in enumerate(self.layers):
            if layer.name is not None:
                names.append(layer.name)
                continue
            name = base = f"{layer.type.lower()}_{index}"
            suffix = 1
            while name in taken:  # someone named another layer "dense_2" explicitly
                suffix += 1
                name = f"{base}_{suffix}"
            taken.add(name)
            names.append(name)
        return tuple(names)

    @cached_property
    def graph(self) -> LayerGraph:
        """Which layer takes which; parse_spec has checked that they form a graph."""
        graph, issues = layer_graph(self.layers, self.layer_names())
        if graph is None:
            raise SpecError(issues)
        return graph


def parse_spec(data: object) -> NetworkSpec:
    """Validate a spec document (decoded JSON); raises SpecError listing every problem found."""
    if not isinstance(data, dict):
        raise SpecError.single("", f"a network spec must be a JSON object, got {show(data)}")
    try:
        spec = NetworkSpec.model_validate(data)
    except ValidationError as error:
        raise SpecError(issues_from_validation_error(error, data, NetworkSpec)) from None
    issues = _layer_sequence_issues(spec) + _callback_issues(spec)
    if issues:
        raise SpecError(issues)
    return spec


def _layer_sequence_issues(spec: NetworkSpec) -> list[SpecIssue]:
    issues = []
    if not isinstance(spec.layers[0], InputSpec):
        issues.append(
            SpecIssue(
                loc=layer_loc(0),
                message=f"{_label(spec, 0)}: the first layer must be an Input layer "
                'giving the shape of one sample, e.g. {"type": "Input", "shape": [64]}',
            )
        )
    for index, layer in enumerate(spec.layers[1:], start=1):
        if isinstance(layer, InputSpec):
            issues.append(
                SpecIssue(
                    loc=layer_loc(index),
                    message=f"{_label(spec, index)}: only the first layer may be an Input layer; "
                    "a network takes one array of samples",
                )
            )
    first_use: dict[str, int] = {}
    for index, layer in enumerate(spec.layers):
        if layer.name is None:
            continue
        if layer.name in first_use:
            issues.append(
                SpecIssue(
                    loc=f"{layer_loc(index)}.name",
                    message=f"{_label(spec, index)}: the name '{layer.name}' is already used by "
                    f"layers[{first_use[layer.name]}]; layer names must be unique",
                )
            )
        else:
            first_use[layer.name] = index
    if issues:
        return issues  # the graph is not worth checking without unique names and one Input
    try:
        spec.graph  # noqa: B018 - built once here, and kept for summarising and building
    except SpecError as error:
        return error.errors
    return []


def _callback_issues(spec: NetworkSpec) -> list[SpecIssue]:
    issues = []
    allowed = monitored_names(list(spec.compile.metrics))
    first_of_type: dict[str, int] = {}
    for index, callback in enumerate(spec.callbacks):
        loc = f"callbacks[{index}]"
        label = f"{loc} ({callback.type})"
        if callback.type in first_of_type:
            issues.append(
                SpecIssue(
                    loc=loc,
                    message=f"{label}: callbacks[{first_of_type[callback.type]}] is one "
                    "already; give each type of callback once",
                )
            )
        first_of_type.setdefault(callback.type, index)
        if callback.monitor not in allowed:
            issues.append(
                SpecIssue(
                    loc=f"{loc}.monitor",
                    message=f"{label}: cannot monitor {show(callback.monitor)}: training logs "
                    f"only {', '.join(allowed)} (the loss and the compiled metrics, and with "
                    "validation data the same with 'val_' before them)",
                )
            )
        if isinstance(callback, ReduceLROnPlateauSpec) and isinstance(
            spec.compile.optimizer.learning_rate, BaseModel
        ):
            issues.append(
                SpecIssue(
                    loc=loc,
                    message=f"{label}: cannot lower a learning rate that follows a schedule; "
                    "give compile.optimizer.learning_rate as a number, or drop this callback",
                )
            )
    return issues


def _label(spec: NetworkSpec, index: int) -> str:
    layer = spec.layers[index]
    return layer_label(index, layer.type, layer.name)

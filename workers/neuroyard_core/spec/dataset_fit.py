"""`check_against_dataset`: whether a valid network can be trained on a given dataset."""

from __future__ import annotations

from neuroyard_core.spec.errors import SpecError, SpecIssue, layer_label
from neuroyard_core.spec.keras_names import LOSS_TASKS, Task
from neuroyard_core.spec.layers import EmbeddingSpec, InputSpec
from neuroyard_core.spec.network import NetworkSpec
from neuroyard_core.spec.shapes import format_shape
from neuroyard_core.spec.summary import SpecSummary

# Losses that expect one-hot label vectors; classification datasets hold class indices.
_ONE_HOT_LOSSES = frozenset({"categorical_crossentropy", "categorical_hinge"})


def check_against_dataset(
    summary: SpecSummary,
    spec: NetworkSpec,
    *,
    input_shape: tuple[int, ...],
    num_classes: int | None,
    task: Task | str,
    value_range: tuple[float, float] | None = None,
    text: bool = False,
) -> None:
    """Raise SpecError listing every reason `spec` cannot train on a dataset whose samples have
    `input_shape`, for `task` ("classification" with labels 0..num_classes-1, or "regression"),
    with sample values in `value_range` when known, texts when `text`."""
    if task not in ("classification", "regression"):
        raise ValueError(f"task must be 'classification' or 'regression', got {task!r}")
    issues: list[SpecIssue] = []
    first = spec.layers[0]
    input_label = layer_label(0, first.type, first.name)
    if tuple(summary.input_shape) != tuple(input_shape):
        issues.append(
            SpecIssue(
                loc="layers[0].shape",
                message=f"{input_label}: the network takes samples of shape "
                f"{format_shape(summary.input_shape)}, but the dataset's samples have shape "
                f"{format_shape(tuple(input_shape))}",
            )
        )
    if isinstance(first, InputSpec) and (first.dtype == "string") != text:
        takes, holds = ("texts", "numbers") if first.dtype == "string" else ("numbers", "texts")
        issues.append(
            SpecIssue(
                loc="layers[0].dtype",
                message=f"{input_label}: the network takes {takes}, but the dataset holds {holds}",
            )
        )
    if value_range is not None:
        issues += _token_range_issues(spec, value_range)
    loss = spec.compile.loss
    if task == "regression" and LOSS_TASKS[loss] == "classification":
        issues.append(
            SpecIssue(
                loc="compile.loss",
                message=f"compile: the loss '{loss}' is for classification, but the dataset is "
                "a regression dataset; use a regression loss such as 'mse' or 'mae'",
            )
        )
    if task == "classification":
        issues += _classification_output_issues(summary, spec, num_classes)
    if issues:
        raise SpecError(issues)


def _token_range_issues(spec: NetworkSpec, value_range: tuple[float, float]) -> list[SpecIssue]:
    """An Embedding that takes the samples themselves must have a row for every value in them."""
    low, high = value_range
    issues = []
    for index, layer in enumerate(spec.layers):
        takes_samples = spec.graph.inputs[index] == (0,)
        if (
            isinstance(layer, EmbeddingSpec)
            and takes_samples
            and (low < 0 or high >= layer.input_dim)
        ):
            issues.append(
                SpecIssue(
                    loc=f"layers[{index}].input_dim",
                    message=f"{layer_label(index, layer.type, layer.name)}: the dataset's values "
                    f"run from {low:g} to {high:g}, but token numbers must be 0 to "
                    f"{layer.input_dim - 1} (input_dim {layer.input_dim})",
                )
            )
    return issues


def _classification_output_issues(
    summary: SpecSummary, spec: NetworkSpec, num_classes: int | None
) -> list[SpecIssue]:
    loss = spec.compile.loss
    last = len(summary.layers) - 1
    output_loc = f"layers[{last}]"
    output_label = layer_label(last, summary.layers[last].type, spec.layers[last].name)
    units = summary.output_shape[-1]
    if loss in _ONE_HOT_LOSSES:
        return [
            SpecIssue(
                loc="compile.loss",
                message=f"compile: the loss '{loss}' needs one-hot labels, but the dataset "
                "labels each sample with a class number; use 'sparse_categorical_crossentropy'",
            )
        ]
    if loss == "sparse_categorical_crossentropy" and num_classes not in (None, units):
        return [
            SpecIssue(
                loc=output_loc,
                message=f"{output_label}: the dataset has {num_classes} classes, so the last "
                f"layer needs {num_classes} units (one score per class), not {units}",
            )
        ]
    if loss == "binary_crossentropy":
        if units != 1:
            return [
                SpecIssue(
                    loc=output_loc,
                    message=f"{output_label}: 'binary_crossentropy' needs a last layer with "
                    f"1 unit (the probability of class 1), not {units}",
                )
            ]
        if num_classes is not None and num_classes != 2:
            return [
                SpecIssue(
                    loc="compile.loss",
                    message=f"compile: 'binary_crossentropy' is for 2 classes, but the dataset "
                    f"has {num_classes}; use 'sparse_categorical_crossentropy'",
                )
            ]
    return []

"""Check, before training starts, that the arrays fit the network and its loss.

Keras would find most of these too, but as a TensorFlow error deep in a traceback.
"""

from __future__ import annotations

from typing import NoReturn

from neuroyard_core.spec import NetworkSpec, SpecSummary
from neuroyard_core.spec.shapes import format_shape
from neuroyard_worker.engine.data import ArraySplits, SplitShape, array_shapes
from neuroyard_worker.engine.errors import EngineError

_ONE_HOT_LOSSES = frozenset({"categorical_crossentropy", "categorical_hinge"})


def check_arrays_fit(splits: ArraySplits, spec: NetworkSpec, summary: SpecSummary) -> None:
    """Raise EngineError("spec_incompatible") if the network cannot train on `splits`."""
    check_shapes_fit(array_shapes(splits), spec, summary)


def check_shapes_fit(shapes: list[SplitShape], spec: NetworkSpec, summary: SpecSummary) -> None:
    """The same check from what is known of each split (shapes, label range), without its data."""
    check_io_fit(
        shapes,
        loss=spec.compile.loss,
        input_shape=summary.input_shape,
        output_shape=summary.output_shape,
    )


def check_io_fit(
    shapes: list[SplitShape],
    *,
    loss: str,
    input_shape: tuple[int, ...],
    output_shape: tuple[int, ...],
) -> None:
    """The same check for any network with these input and output shapes and this loss."""
    for split in shapes:
        if split.sample_shape != input_shape:
            _incompatible(
                f"the network takes samples of shape {format_shape(input_shape)}, but "
                f"'{split.x_name}' holds samples of shape {format_shape(split.sample_shape)}"
            )
        _check_targets(split, loss, output_shape)


def _check_targets(split: SplitShape, loss: str, output_shape: tuple[int, ...]) -> None:
    name, target_shape = split.y_name, split.target_shape
    if loss == "sparse_categorical_crossentropy":
        # One class number per output position; the output's last axis scores the classes.
        classes = output_shape[-1]
        if target_shape not in (output_shape[:-1], (*output_shape[:-1], 1)):
            _incompatible(
                f"'{loss}' needs a class number for each of the network's "
                f"{format_shape(output_shape)} outputs but the last axis, but '{name}' holds "
                f"targets of shape {format_shape(target_shape)}"
            )
        if not split.y_integral:
            _incompatible(f"'{loss}' needs whole class numbers, but '{name}' has fractions")
        low, high = split.y_min, split.y_max
        if low < 0 or high >= classes:
            _incompatible(
                f"'{name}' holds class numbers from {low:g} to {high:g}, but the last layer has "
                f"{classes} units, so class numbers must be 0 to {classes - 1}"
            )
        return
    if loss == "binary_crossentropy" and (split.y_min < 0 or split.y_max > 1):
        _incompatible(f"'{loss}' needs targets between 0 and 1; '{name}' has other values")
    # Every other loss compares the target with the output element by element; Keras accepts
    # one value per sample for a one-unit output.
    if target_shape != output_shape and not (target_shape == () and output_shape == (1,)):
        hint = " (one-hot labels)" if loss in _ONE_HOT_LOSSES else ""
        _incompatible(
            f"'{loss}' compares each target with the network's output of shape "
            f"{format_shape(output_shape)}{hint}, but '{name}' holds targets of shape "
            f"{format_shape(target_shape)}"
        )


def _incompatible(message: str) -> NoReturn:
    raise EngineError("spec_incompatible", message)

"""Checks of a job against its dataset that the web runs at submission and the engine again
before it trains: one rule each, so both sides refuse the same jobs in the same words."""

from __future__ import annotations

import math
from typing import Any

from neuroyard_core.errors import CodedError
from neuroyard_core.jobs.facts import DatasetFacts, dataset_check_ready
from neuroyard_core.spec import (
    NetworkSpec,
    SpecError,
    SpecSummary,
    check_against_dataset,
    parse_spec,
    summarize,
)


def spec_check_dataset(*, spec: Any, dataset: DatasetFacts) -> None:
    """SpecError spec_incompatible unless the spec parses and fits the ready dataset."""
    dataset_check_ready(dataset)
    try:
        parsed = parse_spec(spec)
        summary = summarize(parsed)
    except SpecError as exc:
        raise SpecError(exc.errors, code="spec_incompatible") from None
    spec_check_fit(parsed, summary, dataset)


def spec_check_fit(parsed: NetworkSpec, summary: SpecSummary, dataset: DatasetFacts) -> None:
    value_range = dataset.stats.get("value_range")
    try:
        check_against_dataset(
            summary,
            parsed,
            input_shape=tuple(dataset.stats["input_shape"]),
            num_classes=dataset.stats.get("num_classes"),
            task=dataset.task,
            value_range=tuple(value_range) if value_range else None,
        )
    except SpecError as exc:
        raise SpecError(exc.errors, code="spec_incompatible") from None


def check_validation_split(samples: int, validation_split: float) -> None:
    """Keras keeps the first floor(n * (1 - split)) samples for training and validates on the
    rest: both need at least one."""
    if validation_split == 0.0:
        return
    train_samples = math.floor(samples * (1.0 - validation_split))
    if train_samples == 0 or train_samples == samples:
        raise CodedError(
            "invalid_params",
            f"validation_split {validation_split} of {samples} samples leaves "
            f"{train_samples} for training and {samples - train_samples} for validation; "
            "both need at least one.",
        )


def check_monitors(spec: NetworkSpec, validation_split: float) -> None:
    """Callbacks watching a `val_` metric need validation data."""
    watching = [c.monitor for c in spec.callbacks if c.monitor.startswith("val_")]
    if watching and validation_split == 0.0:
        raise CodedError(
            "invalid_params",
            f"The spec's callbacks watch {', '.join(watching)}, which needs validation data: "
            "give params.validation_split above 0.",
        )

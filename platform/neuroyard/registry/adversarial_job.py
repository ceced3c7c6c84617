"""What the web process can check of an `adversarial` job before a worker loads its model:
a classifier, one input to attack, and a sample index and label that exist."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from neuroyard.core.errors import Conflict, DomainError
from neuroyard.datasets.models import Dataset

IMAGE_INPUT = "image"


def adversarial_job_check(
    *,
    params: dict[str, Any],
    dataset: Dataset | None,
    model: Any,
    inputs: Mapping[str, Any],
    **job: Any,
) -> None:
    if model is not None and model.task and model.task != "classification":
        raise DomainError(
            "model_incompatible",
            f"Adversarial examples fool a classifier; this model does {model.task}.",
        )
    index = params.get("sample_index")
    has_image = IMAGE_INPUT in inputs
    if has_image and index is not None:
        raise DomainError(
            "invalid_input", "Give an adversarial job an image or params.sample_index, not both."
        )
    if not has_image and index is None:
        raise DomainError(
            "input_required",
            "An adversarial job needs an image to attack (field 'image'), or params.sample_index "
            "and a dataset.",
        )
    classes = len(model.class_names) if model is not None else 0
    label = params.get("label")
    if label is not None and classes and label >= classes:
        raise DomainError(
            "invalid_params",
            f"params.label {label} is not a class of the model, which has {classes} (0 to "
            f"{classes - 1}).",
        )
    if index is not None:
        _check_sample(dataset, index=index, split=params.get("split", "test"))


def _check_sample(dataset: Dataset | None, *, index: int, split: str) -> None:
    if dataset is None:
        raise DomainError(
            "dataset_required", "params.sample_index picks a sample of the job's dataset; give one."
        )
    if dataset.status != Dataset.Status.READY:
        raise Conflict(
            "dataset_not_ready", f"The dataset is {dataset.status}; its samples are not ready yet."
        )
    samples = int((dataset.stats.get("splits") or {}).get(split) or 0)
    if index >= samples:
        has = f"has {samples} samples (0 to {samples - 1})" if samples else "is empty"
        raise DomainError(
            "invalid_params", f"params.sample_index {index}: the dataset's {split} split {has}."
        )

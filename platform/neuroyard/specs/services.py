"""Spec validation and writes. Validation is pure Python: no TensorFlow in the web process."""

from __future__ import annotations

from typing import Any

from neuroyard.datasets.models import Dataset
from neuroyard.specs.models import ModelSpec
from neuroyard_core.jobs.checks import spec_check_fit
from neuroyard_core.jobs.facts import dataset_check_ready
from neuroyard_core.safety.names import shown_name
from neuroyard_core.spec import SpecSummary, parse_spec, summarize
from neuroyard_core.spec.memory import BATCH_SIZES


def spec_validate(
    *, spec: object, dataset: Dataset | None = None, batch_size: int | None = None
) -> SpecSummary:
    """The spec's layer table, parameter totals and memory estimate (also for `batch_size`);
    DomainError spec_invalid, or spec_incompatible when it cannot train on `dataset`."""
    batch_sizes = BATCH_SIZES if batch_size is None else (*BATCH_SIZES, batch_size)
    parsed = parse_spec(spec)
    summary = summarize(parsed, batch_sizes=batch_sizes)
    if dataset is not None:
        dataset_check_ready(dataset)
        spec_check_fit(parsed, summary, dataset)
    return summary


def summary_as_dict(summary: SpecSummary) -> dict[str, Any]:
    """The summary as JSON: shapes as lists, memory per batch size as a list of rows."""
    memory = summary.memory
    return {
        "layers": [
            {
                "name": layer.name,
                "type": layer.type,
                "inputs": list(layer.inputs),
                "output_shape": list(layer.output_shape),
                "params": layer.params,
                "non_trainable_params": layer.non_trainable_params,
            }
            for layer in summary.layers
        ],
        "total_params": summary.total_params,
        "trainable_params": summary.trainable_params,
        "non_trainable_params": summary.non_trainable_params,
        "input_shape": list(summary.input_shape),
        "output_shape": list(summary.output_shape),
        "memory": {
            "weights_bytes": memory.weights_bytes,
            "gradients_bytes": memory.gradients_bytes,
            "optimizer_bytes": memory.optimizer_bytes,
            "activations_bytes_per_sample": memory.activations_bytes_per_sample,
            "by_batch_size": [
                {"batch_size": size, "bytes": total} for size, total in memory.by_batch_size.items()
            ],
        },
    }


def spec_create(*, owner: Any, name: str, spec: dict[str, Any]) -> ModelSpec:
    summary = spec_validate(spec=spec)
    return ModelSpec.objects.create(
        owner=owner, name=shown_name(name), spec=spec, summary=summary_as_dict(summary)
    )

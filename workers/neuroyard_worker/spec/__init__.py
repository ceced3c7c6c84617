"""The network spec language: parse and check a JSON network description without TensorFlow."""

from neuroyard_worker.spec.dataset_fit import check_against_dataset
from neuroyard_worker.spec.errors import SpecError, SpecIssue
from neuroyard_worker.spec.network import NetworkSpec, parse_spec
from neuroyard_worker.spec.summary import (
    MAX_LAYER_ELEMENTS,
    MAX_PARAMS,
    LayerSummary,
    SpecSummary,
    summarize,
)

__all__ = [
    "MAX_LAYER_ELEMENTS",
    "MAX_PARAMS",
    "LayerSummary",
    "NetworkSpec",
    "SpecError",
    "SpecIssue",
    "SpecSummary",
    "check_against_dataset",
    "parse_spec",
    "summarize",
]

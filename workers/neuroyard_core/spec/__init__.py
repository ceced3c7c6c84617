"""The network spec language: parse and check a JSON network description without TensorFlow."""

from neuroyard_core.spec.dataset_fit import check_against_dataset
from neuroyard_core.spec.errors import SpecError, SpecIssue
from neuroyard_core.spec.network import NetworkSpec, parse_spec
from neuroyard_core.spec.summary import (
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

"""What a job kind's checks read of a submission: plain facts, so the checks need no Django (the
web's Dataset and TrainedModel rows have these attributes)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import IO, Any, Protocol

from neuroyard_core.errors import Conflict


class DatasetFacts(Protocol):
    """What the checks read of a dataset (the web's Dataset row has these)."""

    name: str
    status: str
    task: str
    stats: dict[str, Any]


class ModelFacts(Protocol):
    """What the checks read of a trained or uploaded model (the web's TrainedModel row)."""

    task: str
    input_shape: list[int] | None
    output_shape: list[int | None] | None
    layers: list[dict[str, Any]]
    class_names: list[str]
    preprocessing: dict[str, Any]


@dataclass(frozen=True)
class MemoryAvailable:
    """The most memory one job may have: bytes, and where that figure comes from, in words
    ("the largest gpu worker, gpu0@host", "this server's per-job limit")."""

    bytes: int
    source: str


@dataclass(frozen=True)
class JobRequest:
    """A submission as the kind's checks see it: validated params, the referenced objects and
    the uploaded files by input name (file objects, read from the start)."""

    kind: str
    params: dict[str, Any]
    dataset: DatasetFacts | None = None
    spec: Any = None  # the spec's JSON
    model: ModelFacts | None = None
    inputs: Mapping[str, IO[bytes]] = field(default_factory=dict)
    # The most one job may use on the workers that run the kind; None: not checked.
    memory_available: MemoryAvailable | None = None


def dataset_check_ready(dataset: DatasetFacts) -> None:
    if dataset.status != "ready":
        raise Conflict(
            "dataset_not_ready", f"The dataset '{dataset.name}' is {dataset.status}, not ready."
        )

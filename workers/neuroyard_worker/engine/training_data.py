"""Which form a dataset trains from: whole in memory when it fits the process's budget, else
streamed from its shards with tf.data (whose module, and TensorFlow, load only then)."""

from __future__ import annotations

from pathlib import Path

from neuroyard_core.formats.manifest import MANIFEST_NAME, read_manifest
from neuroyard_worker.engine.data import (
    InMemoryData,
    TrainingData,
    in_memory_budget,
    in_memory_bytes,
    load_arrays,
    load_shards,
)
from neuroyard_worker.engine.errors import EngineError


def open_training_data(path: Path, *, memory_budget: int | None = None) -> TrainingData:
    """`path`: a dataset folder (or its manifest.json), or an NPZ file."""
    folder = path.parent if path.name == MANIFEST_NAME else path
    if not folder.is_dir():
        return InMemoryData(load_arrays(path))
    try:
        manifest = read_manifest(folder)
    except (OSError, ValueError, TypeError, KeyError) as error:
        raise EngineError("data_invalid", f"cannot read the dataset's manifest: {error}") from error
    if not manifest.labelled:
        raise EngineError("data_invalid", "the data has no labels to train on")
    budget = in_memory_budget() if memory_budget is None else memory_budget
    if in_memory_bytes(manifest) <= budget:
        return InMemoryData(load_shards(folder, manifest))
    from neuroyard_worker.engine.data_stream import StreamedData  # TensorFlow loads only here

    return StreamedData(folder, manifest)

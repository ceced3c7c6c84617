"""Per-epoch training checkpoints a cancelled or crashed job resumes from.

A checkpoint is an `.npz` of every model and optimizer variable plus `checkpoint.json` naming
it, with the epochs completed, the history so far and the NumPy and Python RNG states. The JSON
is written last and swapped in with os.replace, so a crash mid-save leaves the previous
checkpoint. Raw arrays rather than a `.keras` file: the network is rebuilt from its spec on
resume, and writing arrays takes a few milliseconds where `model.save` took ~80 ms an epoch.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keras
import numpy as np

from neuroyard_worker.engine.errors import EngineError

STATE_FILE = "checkpoint.json"
MODEL_FILE_PREFIX = "epoch-"  # then the epoch number: epoch-00003.npz


@dataclass(frozen=True)
class Checkpoint:
    model: keras.Model
    epochs_completed: int
    history: list[dict[str, float]]


def checkpoint_save(
    directory: Path,
    model: keras.Model,
    *,
    epochs_completed: int,
    history: list[dict[str, float]],
    spec_digest: str,
) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    model_file = f"{MODEL_FILE_PREFIX}{epochs_completed:05d}.npz"
    arrays: dict[str, Any] = {
        f"model_{i}": np.asarray(v.numpy()) for i, v in enumerate(model.weights)
    }
    arrays |= {
        f"optimizer_{i}": np.asarray(v.numpy()) for i, v in enumerate(_optimizer_vars(model))
    }
    partial = directory / f".{model_file}.partial"
    with partial.open("wb") as file:
        np.savez(file, **arrays)
    os.replace(partial, directory / model_file)
    state = {
        "model_file": model_file,
        "epochs_completed": epochs_completed,
        "history": history,
        "spec_digest": spec_digest,
        "numpy_rng": _numpy_rng_state(),
        "python_rng": _python_rng_state(),
    }
    state_tmp = directory / f".{STATE_FILE}.partial"
    state_tmp.write_text(json.dumps(state))
    os.replace(state_tmp, directory / STATE_FILE)
    for stale in directory.glob(f"{MODEL_FILE_PREFIX}*.npz"):
        if stale.name != model_file:
            stale.unlink(missing_ok=True)


def checkpoint_load(
    directory: Path, *, spec_digest: str, build: Callable[[], keras.Model]
) -> Checkpoint | None:
    """The latest checkpoint in `directory` on a model from `build`, with the RNG states
    restored; None if there is none."""
    state_path = directory / STATE_FILE
    if not state_path.exists():
        return None
    state = json.loads(state_path.read_text())
    if state["spec_digest"] != spec_digest:
        raise EngineError(
            "checkpoint_mismatch",
            f"the checkpoint in {directory} was written for a different network spec",
        )
    model = build()
    model.optimizer.build(model.trainable_variables)
    with np.load(directory / state["model_file"], allow_pickle=False) as arrays:
        for i, variable in enumerate(model.weights):
            variable.assign(arrays[f"model_{i}"])
        for i, variable in enumerate(_optimizer_vars(model)):
            variable.assign(arrays[f"optimizer_{i}"])
    np.random.set_state(_numpy_rng_from_json(state["numpy_rng"]))
    random.setstate(_python_rng_from_json(state["python_rng"]))
    return Checkpoint(
        model=model, epochs_completed=state["epochs_completed"], history=state["history"]
    )


def _optimizer_vars(model: keras.Model) -> list[Any]:
    return list(model.optimizer.variables) if model.optimizer is not None else []


def save_atomically(model: keras.Model, path: Path) -> None:
    """`model.save(path)`, so that `path` holds either the old file or the complete new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.stem}.partial.keras")  # Keras insists on the suffix
    model.save(partial)
    with partial.open("rb") as file:
        os.fsync(file.fileno())
    os.replace(partial, path)


def _numpy_rng_state() -> list[Any]:
    algorithm, keys, position, has_gauss, cached_gaussian = np.random.get_state(legacy=True)
    return [algorithm, np.asarray(keys).tolist(), position, has_gauss, cached_gaussian]


def _numpy_rng_from_json(state: list[Any]) -> tuple[Any, ...]:
    algorithm, keys, position, has_gauss, cached_gaussian = state
    return (algorithm, np.array(keys, dtype=np.uint32), position, has_gauss, cached_gaussian)


def _python_rng_state() -> list[Any]:
    version, internal, gauss_next = random.getstate()
    return [version, list(internal), gauss_next]


def _python_rng_from_json(state: list[Any]) -> tuple[Any, ...]:
    version, internal, gauss_next = state
    return (version, tuple(internal), gauss_next)

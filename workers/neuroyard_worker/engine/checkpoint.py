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
from collections.abc import Callable, Mapping, Sequence
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
    variables_save(
        directory,
        {"model": model.weights, "optimizer": _optimizer_vars(model)},
        epochs_completed=epochs_completed,
        history=history,
        spec_digest=spec_digest,
    )


def variables_save(
    directory: Path,
    groups: Mapping[str, Sequence[Any]],
    *,
    epochs_completed: int,
    history: list[dict[str, float]],
    spec_digest: str,
) -> None:
    """A checkpoint of named groups of variables (a model's weights, an optimizer's state...)."""
    directory.mkdir(parents=True, exist_ok=True)
    model_file = f"{MODEL_FILE_PREFIX}{epochs_completed:05d}.npz"
    arrays: dict[str, Any] = {
        f"{group}_{i}": np.asarray(v.numpy())
        for group, variables in groups.items()
        for i, v in enumerate(variables)
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
    if not (directory / STATE_FILE).exists():
        return None
    model = build()
    model.optimizer.build(model.trainable_variables)
    restored = variables_load(
        directory,
        {"model": model.weights, "optimizer": _optimizer_vars(model)},
        spec_digest=spec_digest,
    )
    assert restored is not None
    epochs_completed, history = restored
    return Checkpoint(model=model, epochs_completed=epochs_completed, history=history)


def variables_load(
    directory: Path, groups: Mapping[str, Sequence[Any]], *, spec_digest: str
) -> tuple[int, list[dict[str, float]]] | None:
    """Assign the latest checkpoint's arrays to `groups` (built, as `variables_save` saw them)
    and restore the RNG states: the epochs completed and the history; None if there is none."""
    state_path = directory / STATE_FILE
    if not state_path.exists():
        return None
    state = json.loads(state_path.read_text())
    if state["spec_digest"] != spec_digest:
        raise EngineError(
            "checkpoint_mismatch",
            f"the checkpoint in {directory} was written for a different network spec",
        )
    with np.load(directory / state["model_file"], allow_pickle=False) as arrays:
        for group, variables in groups.items():
            for i, variable in enumerate(variables):
                variable.assign(arrays[f"{group}_{i}"])
    np.random.set_state(_numpy_rng_from_json(state["numpy_rng"]))
    random.setstate(_python_rng_from_json(state["python_rng"]))
    return state["epochs_completed"], state["history"]


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

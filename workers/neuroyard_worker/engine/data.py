"""The data a training job trains on: a dataset folder (manifest.json and the .npy shards that
ingestion writes), or a plain NPZ of arrays `x`, `y` (optionally `x_test`, `y_test`).

A dataset that fits the memory budget is loaded into arrays and fit as Keras fits arrays;
a larger one is streamed from its shards with tf.data, a few MB at a time.
"""

from __future__ import annotations

import math
import re
import resource
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from neuroyard_core.formats.manifest import MANIFEST_NAME, Manifest, Shard, read_manifest
from neuroyard_worker.engine.errors import EngineError

_NUMERIC_KINDS = "biuf"  # bool, signed and unsigned integers, floats
# Data up to this size is trained from memory; a memory limit on the process lowers it.
DEFAULT_IN_MEMORY_BYTES = 1024**3
# Of the memory the process may still use, the part in-memory data may take (the rest is
# TensorFlow's, the model's and the batches').
IN_MEMORY_SHARE = 0.25


@dataclass(frozen=True)
class ArraySplits:
    x: np.ndarray
    y: np.ndarray
    x_test: np.ndarray | None = None
    y_test: np.ndarray | None = None
    x_val: np.ndarray | None = None
    y_val: np.ndarray | None = None


@dataclass(frozen=True)
class SplitShape:
    """What the fit checks need to know of one split, without reading its data."""

    x_name: str
    y_name: str
    samples: int
    sample_shape: tuple[int, ...]
    target_shape: tuple[int, ...]
    y_min: float
    y_max: float
    y_integral: bool


def load_arrays(path: Path) -> ArraySplits:
    """Load and sanity-check an NPZ's arrays; raises EngineError("data_invalid") naming the
    problem."""
    try:
        # allow_pickle=False: a data file must never be able to run code in the worker.
        with np.load(path, allow_pickle=False) as npz:
            names = set(npz.files)
            if not {"x", "y"} <= names:
                found = ", ".join(sorted(names)) or "nothing"
                raise EngineError(
                    "data_invalid", f"{path.name} must hold arrays 'x' and 'y'; it holds {found}"
                )
            if ("x_test" in names) != ("y_test" in names):
                raise EngineError(
                    "data_invalid", f"{path.name} must hold 'x_test' and 'y_test' together"
                )
            arrays = {name: npz[name] for name in ("x", "y", "x_test", "y_test") if name in names}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as error:
        raise EngineError("data_invalid", f"cannot read {path.name}: {error}") from error
    splits = ArraySplits(
        x=arrays["x"], y=arrays["y"], x_test=arrays.get("x_test"), y_test=arrays.get("y_test")
    )
    _check_pair(splits.x, splits.y, "x", "y")
    if splits.x_test is not None and splits.y_test is not None:
        _check_pair(splits.x_test, splits.y_test, "x_test", "y_test")
    return splits


def _check_pair(x: np.ndarray, y: np.ndarray, x_name: str, y_name: str) -> None:
    for array, name in ((x, x_name), (y, y_name)):
        if array.dtype.kind not in _NUMERIC_KINDS:
            raise EngineError("data_invalid", f"'{name}' must be numeric, not {array.dtype}")
        if array.ndim == 0 or len(array) == 0:
            raise EngineError("data_invalid", f"'{name}' holds no samples")
    if len(x) != len(y):
        raise EngineError(
            "data_invalid", f"'{x_name}' has {len(x)} samples but '{y_name}' has {len(y)}"
        )


def array_shapes(splits: ArraySplits) -> list[SplitShape]:
    pairs = [
        (splits.x, splits.y, "x", "y"),
        (splits.x_val, splits.y_val, "x_val", "y_val"),
        (splits.x_test, splits.y_test, "x_test", "y_test"),
    ]
    return [
        SplitShape(
            x_name=x_name,
            y_name=y_name,
            samples=len(x),
            sample_shape=tuple(x.shape[1:]),
            target_shape=tuple(y.shape[1:]),
            y_min=float(y.min()),
            y_max=float(y.max()),
            y_integral=y.dtype.kind != "f" or bool(np.array_equal(y, np.floor(y))),
        )
        for x, y, x_name, y_name in pairs
        if x is not None and y is not None and len(y)
    ]


class TrainingData(Protocol):
    """A dataset opened for training. `fit_arguments` and `evaluate_arguments` give what
    model.fit and model.evaluate take: arrays, or tf.data datasets when streamed."""

    streamed: bool

    @property
    def train_samples(self) -> int: ...

    @property
    def has_validation(self) -> bool: ...

    def shapes(self) -> list[SplitShape]: ...

    def fit_arguments(
        self, *, batch_size: int, validation_split: float, seed: int
    ) -> dict[str, Any]: ...

    def evaluate_arguments(self, *, batch_size: int) -> dict[str, Any] | None: ...


class InMemoryData:
    streamed = False

    def __init__(self, splits: ArraySplits) -> None:
        self.splits = splits

    @property
    def train_samples(self) -> int:
        return len(self.splits.x)

    @property
    def has_validation(self) -> bool:
        return self.splits.x_val is not None

    def shapes(self) -> list[SplitShape]:
        return array_shapes(self.splits)

    def fit_arguments(
        self, *, batch_size: int, validation_split: float, seed: int
    ) -> dict[str, Any]:
        s = self.splits
        arguments: dict[str, Any] = {"x": s.x, "y": s.y, "batch_size": batch_size, "shuffle": True}
        if validation_split > 0.0 or s.x_val is None:
            return arguments | {"validation_split": validation_split}
        return arguments | {"validation_data": (s.x_val, s.y_val)}

    def evaluate_arguments(self, *, batch_size: int) -> dict[str, Any] | None:
        if self.splits.x_test is None:
            return None
        return {"x": self.splits.x_test, "y": self.splits.y_test, "batch_size": batch_size}


def in_memory_budget() -> int:
    """How much data may be loaded whole: a share of the memory this process may still
    grow by (its RLIMIT_DATA and the machine's available memory), at most 1 GiB."""
    headroom = _available_memory()
    soft, _ = resource.getrlimit(resource.RLIMIT_DATA)
    if soft != resource.RLIM_INFINITY:
        headroom = min(headroom, max(0, soft - _data_segment_bytes()))
    return min(DEFAULT_IN_MEMORY_BYTES, int(headroom * IN_MEMORY_SHARE))


def _available_memory() -> int:
    try:
        meminfo = Path("/proc/meminfo").read_text()
    except OSError:
        return DEFAULT_IN_MEMORY_BYTES * 4
    found = re.search(r"MemAvailable:\s+(\d+) kB", meminfo)
    return int(found.group(1)) * 1024 if found else DEFAULT_IN_MEMORY_BYTES * 4


def _data_segment_bytes() -> int:
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return 0
    found = re.search(r"VmData:\s+(\d+) kB", status)
    return int(found.group(1)) * 1024 if found else 0


def x_dtype(manifest: Manifest) -> np.dtype:
    """The dtype samples reach the network in: float32 once scaled, else as stored."""
    return np.dtype(np.float32 if "scale" in manifest.preprocessing else manifest.x_dtype)


def in_memory_bytes(manifest: Manifest) -> int:
    sample = math.prod(manifest.sample_shape) * x_dtype(manifest).itemsize
    return sum(split.samples for split in manifest.splits.values()) * sample


def manifest_shapes(manifest: Manifest) -> list[SplitShape]:
    names = {"train": ("x", "y"), "validation": ("x_val", "y_val"), "test": ("x_test", "y_test")}
    low, high = (manifest.target_range or [0.0, 0.0])[:2]
    return [
        SplitShape(
            x_name=names[split][0],
            y_name=names[split][1],
            samples=manifest.splits[split].samples,
            sample_shape=tuple(manifest.sample_shape),
            target_shape=tuple(manifest.target_shape),
            y_min=float(low),
            y_max=float(high),
            y_integral=manifest.targets_integral or manifest.task == "classification",
        )
        for split in names
        if manifest.split(split) is not None
    ]


def load_shard(folder: Path, shard: Shard, manifest: Manifest, start: int = 0,
               stop: int | None = None) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Rows [start, stop) of one shard, preprocessed (scaled) as the network takes them."""
    try:
        x = np.load(folder / shard.x, mmap_mode="r", allow_pickle=False)[start:stop]
        y = np.load(folder / shard.y, mmap_mode="r", allow_pickle=False)[start:stop]
    except (OSError, ValueError) as error:
        raise EngineError("data_invalid", f"cannot read shard {shard.x}: {error}") from error
    scale = manifest.preprocessing.get("scale")
    if scale is not None:
        offset = float(manifest.preprocessing.get("offset", 0.0))
        x = x.astype(np.float32) * np.float32(scale) + np.float32(offset)
    return np.ascontiguousarray(x), np.ascontiguousarray(y)


def _load_split(folder: Path, manifest: Manifest, split: str) -> tuple[np.ndarray, np.ndarray]:
    pairs = [load_shard(folder, shard, manifest) for shard in manifest.splits[split].shards]
    return np.concatenate([p[0] for p in pairs]), np.concatenate([p[1] for p in pairs])


def load_shards(folder: Path, manifest: Manifest) -> ArraySplits:
    x, y = _load_split(folder, manifest, "train")
    x_val = y_val = x_test = y_test = None
    if manifest.split("validation") is not None:
        x_val, y_val = _load_split(folder, manifest, "validation")
    if manifest.split("test") is not None:
        x_test, y_test = _load_split(folder, manifest, "test")
    return ArraySplits(x=x, y=y, x_test=x_test, y_test=y_test, x_val=x_val, y_val=y_val)


_NPZ_SPLITS = {"train": ("x", "y"), "validation": ("x_val", "y_val"), "test": ("x_test", "y_test")}


def split_samples(path: Path, split: str) -> int:
    """How many samples a split ("train", "validation", "test") holds; 0 when there is none."""
    folder = path.parent if path.name == MANIFEST_NAME else path
    if folder.is_dir():
        found = read_manifest(folder).split(split)
        return found.samples if found is not None else 0
    x = getattr(load_arrays(path), _NPZ_SPLITS[split][0])
    return 0 if x is None else len(x)


def read_sample(path: Path, *, split: str, index: int) -> tuple[np.ndarray, np.ndarray]:
    """One sample of a split, x preprocessed as the network takes it; from a dataset folder
    only its shard is read. `index` must be below split_samples(path, split)."""
    folder = path.parent if path.name == MANIFEST_NAME else path
    if not folder.is_dir():
        splits = load_arrays(path)
        x_name, y_name = _NPZ_SPLITS[split]
        return getattr(splits, x_name)[index], getattr(splits, y_name)[index]
    manifest = read_manifest(folder)
    for shard in manifest.splits[split].shards:
        if index < shard.samples:
            x, y = load_shard(folder, shard, manifest, index, index + 1)
            return x[0], y[0]
        index -= shard.samples
    raise IndexError(f"the {split} split has fewer samples")

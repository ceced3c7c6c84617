"""Samples in, shards and a manifest out: the one place every format's reader writes to.

It routes samples to train/validation/test, refuses NaN and infinity, encodes labels, cuts
shards of a few MB, and keeps the statistics a dataset reports, all in bounded memory.
"""

from __future__ import annotations

import hashlib
import io
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from neuroyard_core.errors import CodedError
from neuroyard_core.formats.budget import StoredBytesBudget
from neuroyard_core.formats.manifest import MANIFEST_NAME, SPLITS, Manifest, Shard, SplitShards
from neuroyard_core.formats.options import min_samples_per_class
from neuroyard_worker.ingestion.labels import Labels, Resolved

SHARD_BYTES = 4 * 1024 * 1024

Locate = Callable[[int], str]  # row of the chunk -> where it is in the file, for messages


def short_float(value: float) -> float:
    """A float32 value as the number it was written as: 3.1, not 3.0999999046325684."""
    return float(str(np.float32(value)))


def save_npy(path: Path, array: np.ndarray, budget: StoredBytesBudget) -> str:
    """Save one array as .npy, charged to `budget` before a byte is written; returns its
    sha256, computed on the bytes as they are written."""
    array = np.ascontiguousarray(array)
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, np.lib.format.header_data_from_array_1_0(array))
    budget.charge(header.tell() + array.nbytes)
    digest = hashlib.sha256()
    with path.open("wb") as out:
        for data in (header.getbuffer(), array.data.cast("B")):
            digest.update(data)
            out.write(data)
    return digest.hexdigest()


@dataclass
class _RawShard:
    x: str
    x_sha256: str
    samples: int
    y_parts: dict[str, str]  # label variant ("code", "float") -> raw file name


class _SplitSink:
    """The shards of one split: buffers samples and writes full shards as they fill."""

    def __init__(
        self, folder: Path, split: str, rows_per_shard: int, budget: StoredBytesBudget
    ) -> None:
        self.folder, self.split, self.rows_per_shard = folder, split, rows_per_shard
        self.budget = budget
        self.pending: list[tuple[np.ndarray, dict[str, np.ndarray]]] = []
        self.pending_rows = 0
        self.shards: list[_RawShard] = []
        self.samples = 0

    def add(self, x: np.ndarray, y: dict[str, np.ndarray]) -> None:
        if not len(x):
            return
        self.pending.append((x, y))
        self.pending_rows += len(x)
        self.samples += len(x)
        while self.pending_rows >= self.rows_per_shard:
            self._write(self.rows_per_shard)

    def close(self) -> None:
        if self.pending_rows:
            self._write(self.pending_rows)

    def _write(self, rows: int) -> None:
        variants = set.intersection(*(set(part[1]) for part in self.pending))
        if len(self.pending) == 1:  # a chunk cut into whole shards: no copy
            x, y = self.pending[0][0], self.pending[0][1]
        else:
            x = np.concatenate([part[0] for part in self.pending])
            y = {v: np.concatenate([part[1][v] for part in self.pending]) for v in variants}
        index = len(self.shards)
        x_name = f"{self.split}-x-{index:05d}.npy"
        x_sha256 = save_npy(self.folder / x_name, x[:rows], self.budget)
        y_parts = {}
        for variant, values in y.items():
            y_parts[variant] = f"{self.split}-y{variant}-{index:05d}.npy"
            save_npy(self.folder / y_parts[variant], values[:rows], self.budget)
        self.shards.append(_RawShard(x_name, x_sha256, rows, y_parts))
        rest = len(x) - rows
        self.pending = [(x[rows:], {v: values[rows:] for v, values in y.items()})] if rest else []
        self.pending_rows = rest


class SplitRouter:
    """Sends samples of the file's train part to validation and test by a seeded draw, for
    the splits the file does not give itself."""

    def __init__(self, *, validation: float, test: float, seed: int, explicit: set[str]):
        self.validation = 0.0 if "validation" in explicit else validation
        self.test = 0.0 if "test" in explicit else test
        self.rng = np.random.default_rng(seed)

    def route(self, split: str, rows: int) -> np.ndarray | None:
        """Per row: 0 train, 1 validation, 2 test; None when all stay in `split`."""
        if split != "train" or (self.validation == 0.0 and self.test == 0.0):
            return None
        draw = self.rng.random(rows)
        return np.where(draw < self.test, 2, np.where(draw < self.test + self.validation, 1, 0))


class DatasetWriter:
    def __init__(
        self,
        folder: Path,
        *,
        sample_shape: tuple[int, ...],
        x_dtype: np.dtype | type,
        labels: Labels,
        router: SplitRouter,
        preprocessing: dict[str, Any],
        labelled: bool = True,  # False: inputs to predict, given placeholder labels
        budget: StoredBytesBudget | None = None,  # None: NEUROYARD_DATASET_MAX_STORED_BYTES
    ) -> None:
        self.folder = folder
        self.budget = budget or StoredBytesBudget.for_datasets()
        self.sample_shape = tuple(int(d) for d in sample_shape)
        self.x_dtype = np.dtype(x_dtype)
        self.labels = labels
        self.router = router
        self.preprocessing = preprocessing
        sample_bytes = max(1, math.prod(self.sample_shape)) * self.x_dtype.itemsize
        rows = max(1, SHARD_BYTES // sample_bytes)
        self.sinks = {split: _SplitSink(folder, split, rows, self.budget) for split in SPLITS}
        self.x_min, self.x_max = math.inf, -math.inf
        self.labelled = labelled

    def add(
        self, x: np.ndarray, y_raw: np.ndarray | None, *, split: str = "train", locate: Locate
    ) -> None:
        """`y_raw` None: inputs to predict, without labels (the writer was made unlabelled)."""
        if x.shape[1:] != self.sample_shape:
            raise CodedError(
                "dataset_shape_mismatch",
                f"{locate(0)}: samples of shape {list(x.shape[1:])}, but the dataset's "
                f"samples have shape {list(self.sample_shape)}.",
            )
        if not len(x):
            return
        with np.errstate(over="ignore"):  # a number too large for float32 becomes infinity
            x = x.astype(self.x_dtype, copy=False)
        low, high = float(x.min()), float(x.max())  # NaN or infinity shows in one of them
        if not (math.isfinite(low) and math.isfinite(high)):
            finite = np.isfinite(x.reshape(len(x), -1)).all(axis=1)
            raise CodedError(
                "dataset_nonfinite",
                f"{locate(int(np.argmin(finite)))} contains NaN or infinity (or a number too "
                "large for 32-bit floats).",
            )
        self.x_min, self.x_max = min(self.x_min, low), max(self.x_max, high)
        if y_raw is None:  # placeholders, which the manifest disowns
            y_raw = np.zeros(len(x), np.int64)
        y = self.labels.encode(y_raw)
        route = self.router.route(split, len(x))
        if route is None:
            self.sinks[split].add(x, y)
            return
        for number, target in enumerate(SPLITS):
            mask = route == number
            self.sinks[target].add(x[mask], {v: values[mask] for v, values in y.items()})

    def finish(self, *, for_training: bool = True) -> tuple[Manifest, dict[str, Any]]:
        """Write the final label shards and the manifest; returns it and the statistics.
        Inputs to predict (not `for_training`) need not hold two classes or enough of each."""
        for sink in self.sinks.values():
            sink.close()
        if self.sinks["train"].samples == 0:
            raise CodedError("dataset_empty", "The dataset has no samples to train on.")
        resolved = self.labels.resolve()
        splits: dict[str, SplitShards] = {}
        tally = _LabelTally(resolved)
        for name, sink in self.sinks.items():
            shards = [self._final_labels(shard, resolved, tally, name) for shard in sink.shards]
            splits[name] = SplitShards(samples=sink.samples, shards=shards)
        if for_training:
            tally.check_enough_per_class()
        y_dtype = "int32" if resolved.task == "classification" else "float32"
        target_shape = [] if resolved.task == "classification" else list(tally.target_shape)
        manifest = Manifest(
            task=resolved.task,
            sample_shape=list(self.sample_shape),
            x_dtype=self.x_dtype.name,
            y_dtype=y_dtype,
            target_shape=target_shape,
            splits=splits,
            class_names=resolved.class_names,
            preprocessing=self.preprocessing,
            target_range=[tally.low, tally.high],
            targets_integral=tally.integral,
            labelled=self.labelled,
        )
        (self.folder / MANIFEST_NAME).write_text(manifest.to_json())
        return manifest, self._stats(manifest, tally)

    def _final_labels(
        self, shard: _RawShard, resolved: Resolved, tally: _LabelTally, split: str
    ) -> Shard:
        variant = "code" if resolved.task == "classification" else "float"
        raw_paths = {v: self.folder / name for v, name in shard.y_parts.items()}
        y = np.load(raw_paths[variant], allow_pickle=False)
        if resolved.renumber is not None:
            y = resolved.renumber[y]
        tally.add(split, y)
        y_name = shard.x.replace("-x-", "-y-")
        for path in raw_paths.values():
            self.budget.refund(path.stat().st_size)
            path.unlink()
        y_sha256 = save_npy(self.folder / y_name, y, self.budget)
        return Shard(x=shard.x, y=y_name, samples=shard.samples, x_sha256=shard.x_sha256,
                     y_sha256=y_sha256)  # fmt: skip

    def _stats(self, manifest: Manifest, tally: _LabelTally) -> dict[str, Any]:
        sizes = {name: split.samples for name, split in manifest.splits.items()}
        scale = float(self.preprocessing.get("scale", 1.0))
        offset = float(self.preprocessing.get("offset", 0.0))
        stats: dict[str, Any] = {
            "num_samples": sizes["train"],
            "num_validation_samples": sizes["validation"],
            "num_test_samples": sizes["test"],
            "total_samples": sum(sizes.values()),
            "splits": sizes,
            "input_shape": list(self.sample_shape),
            "dtype": "float32" if "scale" in self.preprocessing else self.x_dtype.name,
            "stored_dtype": self.x_dtype.name,
            "value_range": [short_float(v * scale + offset) for v in (self.x_min, self.x_max)],
            "task": manifest.task,
            "preprocessing": self.preprocessing,
            "shards": sum(len(split.shards) for split in manifest.splits.values()),
            "stored_bytes": sum(
                (self.folder / name).stat().st_size for name, _ in manifest.files()
            ),
        }
        if manifest.task == "classification":
            stats |= {
                "num_classes": len(manifest.class_names),
                "class_names": manifest.class_names,
                "class_counts": np.sum(list(tally.counts.values()), axis=0).tolist(),
                "class_counts_by_split": {s: c.tolist() for s, c in tally.counts.items()},
            }
        else:
            stats |= {"target_shape": manifest.target_shape, "target_range": manifest.target_range}
        return stats


class _LabelTally:
    """Per-class counts, or the range of regression targets, over the final label shards."""

    def __init__(self, resolved: Resolved) -> None:
        self.resolved = resolved
        classes = len(resolved.class_names)
        self.counts = {split: np.zeros(classes, np.int64) for split in SPLITS}
        self.low, self.high = math.inf, -math.inf
        self.integral = True
        self.target_shape: tuple[int, ...] = ()

    def add(self, split: str, y: np.ndarray) -> None:
        if not len(y):
            return
        self.target_shape = y.shape[1:]
        self.low, self.high = min(self.low, float(y.min())), max(self.high, float(y.max()))
        if self.resolved.task == "classification":
            self.counts[split] += np.bincount(y, minlength=len(self.counts[split]))
        else:
            self.integral = self.integral and bool(np.all(np.floor(y) == y))

    def check_enough_per_class(self) -> None:
        if self.resolved.task != "classification":
            return
        names, train = self.resolved.class_names, self.counts["train"]
        if len(names) < 2:
            raise CodedError(
                "dataset_bad_labels",
                f"Classification needs at least two classes; found {len(names)}.",
            )
        least = min_samples_per_class()
        few = [
            (name, int(count)) for name, count in zip(names, train, strict=True) if count < least
        ]
        if few:
            listed = ", ".join(f"'{name}' has {count}" for name, count in few[:5])
            raise CodedError(
                "dataset_too_few_samples",
                f"Every class needs at least {least} training samples: {listed}.",
                details={"classes": dict(few[:50])},
            )

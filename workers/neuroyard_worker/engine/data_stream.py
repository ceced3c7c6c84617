"""Training data streamed from shards with tf.data, for datasets larger than the memory budget.

Each epoch visits the shards in a new order and shuffles samples within a buffer of a few
shards, so memory stays at a few shards whatever the dataset's size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import tensorflow as tf

from neuroyard_core.formats.manifest import Manifest, Shard
from neuroyard_worker.engine.data import SplitShape, load_shard, manifest_shapes, x_dtype

SHUFFLE_SHARDS = 2  # samples shuffle within a buffer this many shards deep


@dataclass(frozen=True)
class _Piece:
    """Rows [start, stop) of one shard."""

    shard: Shard
    start: int
    stop: int

    @property
    def samples(self) -> int:
        return self.stop - self.start


class StreamedData:
    streamed = True

    def __init__(self, folder: Path, manifest: Manifest) -> None:
        self.folder, self.manifest = folder, manifest

    @property
    def train_samples(self) -> int:
        return self.manifest.splits["train"].samples

    @property
    def has_validation(self) -> bool:
        return self.manifest.split("validation") is not None

    def shapes(self) -> list[SplitShape]:
        return manifest_shapes(self.manifest)

    def fit_arguments(
        self, *, batch_size: int, validation_split: float, seed: int
    ) -> dict[str, Any]:
        train = self._pieces("train")
        validation: list[_Piece] = []
        if validation_split > 0.0:
            # As Keras splits arrays: the last samples validate, in file order.
            train, validation = _cut(train, math.floor(self.train_samples * (1 - validation_split)))
        elif self.has_validation:
            validation = self._pieces("validation")
        return {
            "x": self._dataset(train, batch_size, shuffle_seed=seed),
            "validation_data": self._dataset(validation, batch_size) if validation else None,
            "shuffle": False,  # the dataset shuffles itself, shard order and samples
        }

    def evaluate_arguments(self, *, batch_size: int) -> dict[str, Any] | None:
        if self.manifest.split("test") is None:
            return None
        return {"x": self._dataset(self._pieces("test"), batch_size)}

    def _pieces(self, split: str) -> list[_Piece]:
        return [_Piece(s, 0, s.samples) for s in self.manifest.splits[split].shards]

    def _dataset(
        self, pieces: list[_Piece], batch_size: int, shuffle_seed: int | None = None
    ) -> tf.data.Dataset:
        manifest, folder = self.manifest, self.folder
        x_type = tf.as_dtype(x_dtype(manifest))
        y_type = tf.as_dtype(np.dtype(manifest.y_dtype))

        def load(index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            piece = pieces[int(index)]
            return load_shard(folder, piece.shard, manifest, piece.start, piece.stop)

        def piece_samples(index: tf.Tensor) -> tf.data.Dataset:
            x, y = tf.numpy_function(load, [index], [x_type, y_type], stateful=False)
            x.set_shape([None, *manifest.sample_shape])
            y.set_shape([None, *manifest.target_shape])
            return tf.data.Dataset.from_tensor_slices((x, y))

        order = tf.data.Dataset.range(len(pieces))
        if shuffle_seed is not None:
            order = order.shuffle(len(pieces), seed=shuffle_seed, reshuffle_each_iteration=True)
        samples = order.interleave(
            piece_samples,
            cycle_length=SHUFFLE_SHARDS if shuffle_seed is not None else 1,
            num_parallel_calls=tf.data.AUTOTUNE,
            deterministic=True,
        )
        if shuffle_seed is not None:
            depth = SHUFFLE_SHARDS * max(piece.samples for piece in pieces)
            samples = samples.shuffle(depth, seed=shuffle_seed, reshuffle_each_iteration=True)
        total = sum(piece.samples for piece in pieces)
        batches = samples.batch(batch_size).prefetch(tf.data.AUTOTUNE)
        return batches.apply(tf.data.experimental.assert_cardinality(math.ceil(total / batch_size)))


def _cut(pieces: list[_Piece], at: int) -> tuple[list[_Piece], list[_Piece]]:
    """The pieces before sample `at` and from it on, a shard cut in two where `at` falls."""
    before: list[_Piece] = []
    after: list[_Piece] = []
    seen = 0
    for piece in pieces:
        cut = min(max(at - seen, 0), piece.samples)
        if cut > 0:
            before.append(_Piece(piece.shard, piece.start, piece.start + cut))
        if cut < piece.samples:
            after.append(_Piece(piece.shard, piece.start + cut, piece.stop))
        seen += piece.samples
    return before, after

"""The canonical dataset form: .npy shards of a few MB per split, described by manifest.json.

Written by ingestion, read by the training engine; pure Python so both sides import it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
SPLITS = ("train", "validation", "test")


@dataclass(frozen=True)
class Shard:
    x: str  # file names, relative to the manifest's folder
    y: str
    samples: int
    x_sha256: str
    y_sha256: str


@dataclass(frozen=True)
class SplitShards:
    samples: int
    shards: list[Shard]


@dataclass(frozen=True)
class Manifest:
    task: str  # "classification" (y: class numbers) or "regression" (y: float targets)
    sample_shape: list[int]  # of one x sample, as stored and as the network sees it
    x_dtype: str  # as stored; `preprocessing.scale` turns it into float32 when given
    y_dtype: str
    target_shape: list[int]  # of one y sample
    splits: dict[str, SplitShards]
    class_names: list[str] = field(default_factory=list)
    # How raw inputs become x: {"kind": "table" | "image" | "text", "scale": ..., ...}; the same
    # steps must be applied to inputs at inference.
    preprocessing: dict[str, Any] = field(default_factory=dict)
    target_range: list[float] = field(default_factory=list)  # min and max of y over all splits
    targets_integral: bool = False  # every y a whole number
    labelled: bool = True  # False: inputs to predict that came without labels; y is a placeholder
    format_version: int = FORMAT_VERSION

    def split(self, name: str) -> SplitShards | None:
        split = self.splits.get(name)
        return split if split is not None and split.samples > 0 else None

    def files(self) -> list[tuple[str, str]]:
        """(file name, sha256) of every shard."""
        return [
            pair
            for split in self.splits.values()
            for shard in split.shards
            for pair in ((shard.x, shard.x_sha256), (shard.y, shard.y_sha256))
        ]

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        raw = json.loads(text)
        if raw.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"unknown dataset format version {raw.get('format_version')!r}")
        raw["splits"] = {
            name: SplitShards(
                samples=split["samples"], shards=[Shard(**shard) for shard in split["shards"]]
            )
            for name, split in raw["splits"].items()
        }
        return cls(**raw)


def read_manifest(folder: Path) -> Manifest:
    return Manifest.from_json((folder / MANIFEST_NAME).read_text())

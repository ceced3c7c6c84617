"""What an uploader may declare about a dataset, kept with the row for the ingestion task."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, fields
from typing import Any

TASKS = ("auto", "classification", "regression")
COLOR_MODES = ("auto", "grayscale", "rgb")


@dataclass(frozen=True)
class IngestOptions:
    label_column: str = "label"  # CSV and text CSV: the column holding the label
    text_column: str = "text"  # text CSV: the column holding the text
    task: str = "auto"  # auto: class names or whole numbers are classes, fractions regression
    image_size: tuple[int, int] | None = None  # (height, width); None: the first image's
    color_mode: str = "auto"  # auto: grayscale if the first image is, else rgb
    validation_fraction: float = 0.0  # held out of train for validation, by a seeded draw
    test_fraction: float = 0.0  # held out of train for test, unless the file has a test split
    seed: int = 0
    max_tokens: int = 20_000  # text: vocabulary size, counting padding and out-of-vocabulary
    sequence_length: int | None = None  # text: tokens per sample; None: the longest, up to 256
    # "predict": inputs of a prediction job, which may come without labels (an NPZ without
    # `y`, a CSV without the label column) and need not hold every class
    purpose: str = "train"

    def to_json(self) -> dict[str, Any]:
        values = asdict(self)
        if self.image_size is not None:
            values["image_size"] = list(self.image_size)
        return values

    @classmethod
    def from_json(cls, values: dict[str, Any]) -> IngestOptions:
        known = {f.name for f in fields(cls)}
        clean = {k: v for k, v in values.items() if k in known}
        if clean.get("image_size") is not None:
            clean["image_size"] = tuple(clean["image_size"])
        return cls(**clean)


def min_samples_per_class() -> int:
    """Fewer training samples in a class make a dataset invalid (`NEUROYARD_MIN_SAMPLES_PER_CLASS`,
    read at each call so every process sees the value in force)."""
    raw = os.environ.get("NEUROYARD_MIN_SAMPLES_PER_CLASS", "").strip()
    return int(raw) if raw else 2

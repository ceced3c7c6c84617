"""What a person sees of a dataset before training on it: the first rows of a table, or a few
thumbnails of each class of images, made once from the written shards."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from neuroyard_core.formats.manifest import Manifest
from neuroyard_worker.ingestion.writer import short_float

PREVIEW_ROWS = 10
PREVIEW_VALUES = 64  # of a sample that is not a table row, the first values shown
THUMBNAILS_PER_CLASS = 3
MAX_THUMBNAILS = 30
THUMBNAIL_MIN_SIDE = 64  # tiny images are enlarged, pixel by pixel, to at least this
THUMBNAIL_MAX_SIDE = 128
THUMBNAIL_FOLDER = "thumbnails"


def looks_like_images(manifest: Manifest) -> bool:
    if manifest.preprocessing.get("kind") == "image":
        return True
    shape = manifest.sample_shape
    if manifest.preprocessing.get("kind") != "array" or len(shape) not in (2, 3):
        return False
    return shape[0] >= 2 and shape[1] >= 2 and (len(shape) == 2 or shape[2] in (1, 3))


def make_preview(
    folder: Path, manifest: Manifest, stats: dict[str, Any]
) -> tuple[dict[str, Any], list[Path]]:
    """The preview JSON, and the thumbnail PNGs it names (under folder/thumbnails)."""
    if looks_like_images(manifest):
        return _thumbnails(folder, manifest, stats)
    x, y = _first_samples(folder, manifest, PREVIEW_ROWS)
    labels = [_label(manifest, value) for value in y]
    if manifest.preprocessing.get("kind") == "table":
        columns = list(manifest.preprocessing["columns"])
        rows: list[Any] = [list(map(short_float, xi)) for xi in x]
        if manifest.labelled:
            columns.append(manifest.preprocessing["label_column"])
            rows = [[*row, label] for row, label in zip(rows, labels, strict=True)]
        return {"kind": "table", "columns": columns, "rows": rows}, []
    rows = [
        {"x": xi.reshape(-1)[:PREVIEW_VALUES].tolist(), "y": label}
        for xi, label in zip(x, labels, strict=True)
    ]
    return {"kind": "array", "columns": None, "rows": rows}, []


def _label(manifest: Manifest, value: np.ndarray) -> Any:
    if manifest.task == "classification":
        return manifest.class_names[int(value)]
    return value.tolist()


def _first_samples(folder: Path, manifest: Manifest, count: int) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = [], []
    for shard in manifest.splits["train"].shards:
        xs.append(np.load(folder / shard.x, mmap_mode="r")[:count])
        ys.append(np.load(folder / shard.y, mmap_mode="r")[:count])
        count -= len(xs[-1])
        if count <= 0:
            break
    return np.concatenate(xs), np.concatenate(ys)


def _thumbnails(
    folder: Path, manifest: Manifest, stats: dict[str, Any]
) -> tuple[dict[str, Any], list[Path]]:
    picks = _pick_samples(folder, manifest)
    low, high = stats["value_range"]
    scale = float(manifest.preprocessing.get("scale", 1.0))
    offset = float(manifest.preprocessing.get("offset", 0.0))
    stored_low, stored_high = (low - offset) / scale, (high - offset) / scale
    (folder / THUMBNAIL_FOLDER).mkdir(exist_ok=True)
    paths, entries = [], []
    for number, (shard_index, row) in enumerate(picks):
        shard = manifest.splits["train"].shards[shard_index]
        x = np.load(folder / shard.x, mmap_mode="r")[row]
        y = np.load(folder / shard.y, mmap_mode="r")[row]
        path = folder / THUMBNAIL_FOLDER / f"{number}.png"
        _png(np.asarray(x), manifest.x_dtype, stored_low, stored_high).save(path, format="PNG")
        paths.append(path)
        entries.append({"index": number, "label": _label(manifest, y), "split": "train"})
    return {"kind": "images", "columns": None, "rows": [], "thumbnails": entries}, paths


def _pick_samples(folder: Path, manifest: Manifest) -> list[tuple[int, int]]:
    """(shard, row) of the first few training samples of each class, reading labels only."""
    classification = manifest.task == "classification"
    wanted = THUMBNAILS_PER_CLASS if classification else MAX_THUMBNAILS
    classes = len(manifest.class_names) if classification else 1
    taken = [0] * classes
    picks: list[tuple[int, int, int]] = []
    for shard_index, shard in enumerate(manifest.splits["train"].shards):
        for row, label in enumerate(np.load(folder / shard.y)):
            key = int(label) if classification else 0
            if taken[key] < wanted:
                taken[key] += 1
                picks.append((key, shard_index, row))
        if len(picks) >= MAX_THUMBNAILS or min(taken) >= wanted:
            break
    return [(shard_index, row) for _, shard_index, row in sorted(picks)[:MAX_THUMBNAILS]]


def _png(x: np.ndarray, dtype: str, low: float, high: float) -> Image.Image:
    if dtype != "uint8":
        span = high - low if high > low else 1.0
        x = np.clip((x.astype(np.float64) - low) / span * 255.0, 0, 255).astype(np.uint8)
    if x.ndim == 3 and x.shape[2] == 1:
        x = x[:, :, 0]
    image = Image.fromarray(x, mode="L" if x.ndim == 2 else "RGB")
    if min(image.size) < THUMBNAIL_MIN_SIDE:
        factor = math.ceil(THUMBNAIL_MIN_SIDE / min(image.size))
        factor = max(1, min(factor, THUMBNAIL_MAX_SIDE // max(image.size)))
        image = image.resize(
            (image.width * factor, image.height * factor), Image.Resampling.NEAREST
        )
    image.thumbnail((THUMBNAIL_MAX_SIDE, THUMBNAIL_MAX_SIDE))
    return image

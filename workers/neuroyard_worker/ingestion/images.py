"""Image-folder ZIPs: one folder per class (optionally inside train/, validation/, test/), PNG
or JPEG, each image decoded safely, resized to one size and stored as uint8."""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

import numpy as np
from PIL import Image

from neuroyard_core.errors import CodedError
from neuroyard_core.formats.options import IngestOptions
from neuroyard_core.formats.structure import (
    ImageFolderLayout,
    check_ratio,
    image_folder_layout,
    open_archive,
)
from neuroyard_core.safety.archives import ArchiveLimits
from neuroyard_core.safety.images import open_image
from neuroyard_worker.ingestion.labels import Labels
from neuroyard_worker.ingestion.tables import split_router
from neuroyard_worker.ingestion.writer import DatasetWriter, Locate

MAX_IMAGE_FILE_BYTES = 64 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
DEFAULT_MAX_SIDE = 256  # without a declared size, the first image's, shrunk to fit this
BATCH = 256
_GRAYSCALE_MODES = frozenset({"1", "L", "LA", "I", "I;16", "F"})


class UnpackBudget:
    """Counts the bytes actually unpacked, whatever the archive's directory claims."""

    def __init__(self, limit: int) -> None:
        self.limit, self.used = limit, 0

    def read(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
        if info.file_size > MAX_IMAGE_FILE_BYTES:
            raise CodedError(
                "dataset_image_too_large",
                f"'{info.filename}' is {info.file_size} bytes; images may be at most "
                f"{MAX_IMAGE_FILE_BYTES}.",
            )
        check_ratio(info.filename, info.file_size, info.compress_size)
        try:
            with archive.open(info) as handle:
                data = handle.read(MAX_IMAGE_FILE_BYTES + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
            raise CodedError(
                "dataset_unreadable", f"'{info.filename}' could not be unpacked: {exc}."
            ) from None
        self.used += len(data)
        if len(data) > MAX_IMAGE_FILE_BYTES or self.used > self.limit:
            raise CodedError(
                "dataset_archive_bomb",
                f"The archive unpacks to more than its declared size or the limit of "
                f"{self.limit} bytes.",
            )
        return data


def decode(data: bytes, name: str) -> Image.Image:
    try:
        return open_image(io.BytesIO(data), name=name, max_pixels=MAX_IMAGE_PIXELS)
    except CodedError as exc:
        code = "dataset_image_too_large" if exc.code == "image_too_large" else "dataset_unreadable"
        raise CodedError(code, exc.message, details={"entry": name}) from None


def ingest_image_folder(source: Path, folder: Path, options: IngestOptions) -> DatasetWriter:
    budget = UnpackBudget(ArchiveLimits.for_datasets().max_bytes)
    with open_archive(source) as archive:
        layout = image_folder_layout(archive, labels_optional=options.purpose == "predict")
        _, first = next(layout.files("train"))
        first_image = decode(budget.read(archive, first), first.filename)
        height, width = options.image_size or _default_size(first_image)
        color_mode = options.color_mode
        if color_mode == "auto":
            color_mode = "grayscale" if first_image.mode in _GRAYSCALE_MODES else "rgb"
        channels = 1 if color_mode == "grayscale" else 3
        writer = DatasetWriter(
            folder,
            sample_shape=(height, width, channels),
            x_dtype=np.uint8,
            labels=Labels(task=options.task, class_names=layout.class_names or None),
            router=split_router(options),
            preprocessing={
                "kind": "image",
                "image_size": [height, width],
                "color_mode": color_mode,
                "resize": "bilinear",
                "scale": 1 / 255,
                "offset": 0.0,
            },
            labelled=layout.labelled,
        )
        samples = sum(layout.count(split) for split in layout.entries)
        writer.budget.check_projected(samples * height * width * channels, samples=samples)
        decoded = {first.filename: first_image}  # read once: the budget counts what is unpacked
        for split in layout.entries:
            _ingest_split(archive, layout, split, writer, budget, color_mode, options.seed, decoded)
    return writer


def _ingest_split(
    archive: zipfile.ZipFile,
    layout: ImageFolderLayout,
    split: str,
    writer: DatasetWriter,
    budget: UnpackBudget,
    color_mode: str,
    seed: int,
    decoded: dict[str, Image.Image],
) -> None:
    height, width, _ = writer.sample_shape
    images: list[np.ndarray] = []
    classes: list[int] = []
    names: list[str] = []
    for class_index, info in layout.files(split, seed=seed):
        image = decoded.pop(info.filename, None) or decode(
            budget.read(archive, info), info.filename
        )
        image = image.convert("L" if color_mode == "grayscale" else "RGB")
        if image.size != (width, height):
            image = image.resize((width, height), Image.Resampling.BILINEAR)
        pixels = np.asarray(image, dtype=np.uint8)
        images.append(pixels.reshape(height, width, -1))
        classes.append(class_index)
        names.append(info.filename)
        if len(images) == BATCH:
            writer.add(np.stack(images), np.array(classes), split=split, locate=_named(names))
            images, classes, names = [], [], []
    if images:
        writer.add(np.stack(images), np.array(classes), split=split, locate=_named(names))


def _named(names: list[str]) -> Locate:
    return lambda i: f"'{names[i]}'"


def _default_size(image: Image.Image) -> tuple[int, int]:
    shrink = max(1.0, max(image.width, image.height) / DEFAULT_MAX_SIDE)
    return max(1, round(image.height / shrink)), max(1, round(image.width / shrink))

"""The ingestion entry point: one uploaded file in, shards + manifest + preview out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from neuroyard_core.formats.manifest import Manifest
from neuroyard_core.formats.options import IngestOptions
from neuroyard_worker.ingestion.images import ingest_image_folder
from neuroyard_worker.ingestion.npz import ingest_npz
from neuroyard_worker.ingestion.preview import make_preview
from neuroyard_worker.ingestion.tables import ingest_csv
from neuroyard_worker.ingestion.text import ingest_text_csv
from neuroyard_worker.ingestion.writer import DatasetWriter

Reader = Callable[[Path, Path, IngestOptions], tuple[DatasetWriter, dict[str, Any] | None]]

READERS: dict[str, Reader] = {
    "npz": lambda source, folder, options: (ingest_npz(source, folder, options), None),
    "csv": lambda source, folder, options: (ingest_csv(source, folder, options), None),
    "image_folder": lambda source, folder, options: (
        ingest_image_folder(source, folder, options),
        None,
    ),
    "text_csv": ingest_text_csv,
}


@dataclass(frozen=True)
class Converted:
    folder: Path  # manifest.json and the shards it names
    manifest: Manifest
    stats: dict[str, Any]
    preview: dict[str, Any]
    thumbnails: list[Path]


def convert(source: Path, folder: Path, *, format: str, options: IngestOptions) -> Converted:
    """Validate and convert `source`; raises CodedError saying what is wrong with it."""
    folder.mkdir(parents=True, exist_ok=True)
    writer, preview = READERS[format](source, folder, options)
    manifest, stats = writer.finish(for_training=options.purpose == "train")
    thumbnails: list[Path] = []
    if preview is None:
        preview, thumbnails = make_preview(folder, manifest, stats)
    return Converted(folder, manifest, stats, preview, thumbnails)

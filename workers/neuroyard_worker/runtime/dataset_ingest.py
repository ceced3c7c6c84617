"""The ingestion task's body: fetch a processing dataset's upload, convert it, store the
shards and thumbnails, and settle the row as ready or invalid (with the reason)."""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage

from neuroyard.core.storage import CHUNK, storage_save_as
from neuroyard.datasets.models import Dataset
from neuroyard.datasets.services import (
    data_folder,
    dataset_mark_invalid,
    dataset_mark_ready,
    delete_folder,
    preview_folder,
)
from neuroyard_core.errors import CodedError
from neuroyard_core.formats.manifest import MANIFEST_NAME
from neuroyard_core.formats.options import IngestOptions
from neuroyard_worker.ingestion.convert import Converted, convert

log = logging.getLogger(__name__)


def ingest_dataset(dataset_id: str) -> str:
    """Returns what happened, for logs and tests: ready, invalid or skipped."""
    dataset = Dataset.objects.filter(id=dataset_id, status=Dataset.Status.PROCESSING).first()
    if dataset is None:
        return "skipped"  # deleted, or a repeated message for a dataset already settled
    started = time.monotonic()
    work = Path(settings.NEUROYARD_WORKER_CACHE) / "ingest"
    work.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=work, prefix=f"{dataset_id}-") as tmp:
        try:
            with _local_source(dataset, Path(tmp)) as source:
                converted = convert(
                    source,
                    Path(tmp) / "out",
                    format=dataset.format,
                    options=IngestOptions.from_json(dataset.options),
                )
            data_name, data_sha256 = _store(dataset_id, converted)
        except CodedError as exc:
            log.info("dataset %s refused: %s %s", dataset_id, exc.code, exc.message)
            dataset_mark_invalid(dataset_id=dataset_id, code=exc.code, message=exc.message)
            return Dataset.Status.INVALID
        except MemoryError:
            dataset_mark_invalid(
                dataset_id=dataset_id,
                code="dataset_too_large",
                message="The dataset needs more memory to ingest than this server has.",
            )
            return Dataset.Status.INVALID
        except Exception as exc:  # a row left processing would wait forever
            log.exception("dataset %s: ingestion failed", dataset_id)
            dataset_mark_invalid(
                dataset_id=dataset_id,
                code="dataset_ingest_failed",
                message=f"Ingestion failed on our side ({type(exc).__name__}); the error "
                "was logged. Upload the file again to retry.",
            )
            return Dataset.Status.INVALID
    ready = dataset_mark_ready(
        dataset_id=dataset_id,
        task=converted.manifest.task,
        stats=converted.stats,
        preview=converted.preview,
        data_name=data_name,
        data_sha256=data_sha256,
    )
    if not ready:
        # Deleted while it was converted: its files go. (Settled by another delivery of this
        # task instead: the files are that one's too, and stay.)
        if (
            not Dataset.objects.filter(id=dataset_id)
            .exclude(status=Dataset.Status.INVALID)
            .exists()
        ):
            delete_folder(data_folder(dataset_id))
            delete_folder(preview_folder(dataset_id))
        return "skipped"
    log.info(
        "dataset %s ready: %s samples, %d bytes in %.1f s",
        dataset_id,
        converted.stats["total_samples"],
        dataset.size_bytes,
        time.monotonic() - started,
    )
    return Dataset.Status.READY


@contextmanager
def _local_source(dataset: Dataset, tmp: Path) -> Iterator[Path]:
    """The upload as a local file: storage's own when it is on this disk, else a copy."""
    try:
        path = Path(default_storage.path(dataset.source.name))
    except NotImplementedError:
        path = tmp / f"source{Path(dataset.source.name).suffix}"
        with dataset.source.open("rb") as src, path.open("wb") as out:
            shutil.copyfileobj(src, out, CHUNK)
    yield path


def _store(dataset_id: str, converted: Converted) -> tuple[str, str]:
    """Upload shards, manifest and thumbnails; returns the manifest's name and sha256."""
    data, preview = data_folder(dataset_id), preview_folder(dataset_id)
    for name, _ in converted.manifest.files():
        _save(f"{data}/{name}", converted.folder / name)
    for path in converted.thumbnails:
        _save(f"{preview}/{path.name}", path)
    manifest = converted.folder / MANIFEST_NAME
    sha256 = hashlib.sha256(manifest.read_bytes()).hexdigest()
    return _save(f"{data}/{MANIFEST_NAME}", manifest), sha256


def _save(name: str, path: Path) -> str:
    # Conversion is deterministic, so a concurrent attempt writes the same bytes.
    return storage_save_as(name, path, move=True)

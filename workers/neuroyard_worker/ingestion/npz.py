"""NPZ: arrays `x`, `y` (and `x_val`/`y_val`, `x_test`/`y_test`, `class_names`), read in
chunks of rows straight from the archive, so an array larger than memory ingests."""

from __future__ import annotations

import math
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from neuroyard_core.errors import CodedError
from neuroyard_core.formats.options import IngestOptions
from neuroyard_core.formats.structure import ArrayHeader, npz_layout, open_archive, read_npy_header
from neuroyard_worker.ingestion.labels import Labels
from neuroyard_worker.ingestion.tables import split_router
from neuroyard_worker.ingestion.writer import DatasetWriter, Locate

CHUNK_BYTES = 8 * 1024 * 1024
# A Fortran-ordered array cannot be read row by row; below this size it is read whole.
FORTRAN_MAX_BYTES = 256 * 1024 * 1024


def ingest_npz(source: Path, folder: Path, options: IngestOptions) -> DatasetWriter:
    layout = npz_layout(source, labels_optional=options.purpose == "predict")
    x_header, y_header = layout.splits["train"]
    if math.prod(x_header.sample_shape) == 0:
        raise CodedError("dataset_empty", "The samples of 'x' hold no values.")
    with open_archive(source, what="NumPy .npz archive") as archive:
        class_names = None
        if layout.class_names is not None:
            class_names = [str(n) for n in _read_whole(archive, layout.class_names).tolist()]
        floats = y_header is not None and y_header.dtype.kind == "f"
        hint = "regression" if floats else "classification"
        writer = DatasetWriter(
            folder,
            sample_shape=x_header.sample_shape,
            x_dtype=np.float32,
            labels=Labels(task=options.task, class_names=class_names, hint=hint),
            router=split_router(options, explicit=set(layout.splits) - {"train"}),
            preprocessing={"kind": "array"},
            labelled=layout.labelled,
        )
        for split, (x, y) in layout.splits.items():
            rows = max(1, CHUNK_BYTES // max(1, _row_bytes(x)))
            x_chunks = _row_chunks(archive, x, rows)
            if y is None:  # inputs to predict: the writer gives them placeholder labels
                for start, xs in x_chunks:
                    writer.add(xs, None, split=split, locate=_sample_locator(start, x.name))
                continue
            for (start, xs), (_, ys) in zip(x_chunks, _row_chunks(archive, y, rows), strict=True):
                writer.add(xs, ys, split=split, locate=_sample_locator(start, x.name))
    return writer


def _sample_locator(start: int, name: str) -> Locate:
    return lambda i: f"Sample {start + i} of '{name}'"


def _row_bytes(header: ArrayHeader) -> int:
    return math.prod(header.sample_shape) * header.dtype.itemsize


def _row_chunks(
    archive: zipfile.ZipFile, header: ArrayHeader, rows: int
) -> Iterator[tuple[int, np.ndarray]]:
    samples = header.shape[0]
    if header.fortran_order:
        whole = _read_whole(archive, header)
        for start in range(0, samples, rows):
            yield start, whole[start : start + rows]
        return
    row_bytes = _row_bytes(header)
    try:
        with archive.open(header.member) as handle:
            read_npy_header(handle, header.name)
            for start in range(0, samples, rows):
                count = min(rows, samples - start)
                data = handle.read(count * row_bytes)
                if len(data) != count * row_bytes:
                    raise _truncated(header)
                yield start, np.frombuffer(data, header.dtype).reshape(count, *header.sample_shape)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise CodedError(
            "dataset_unreadable", f"Array '{header.name}' could not be read: {exc}."
        ) from None


def _read_whole(archive: zipfile.ZipFile, header: ArrayHeader) -> np.ndarray:
    size = math.prod(header.shape) * header.dtype.itemsize
    if size > FORTRAN_MAX_BYTES:
        raise CodedError(
            "dataset_unreadable",
            f"Array '{header.name}' is stored in Fortran order and too large to read whole; "
            "save it with np.ascontiguousarray.",
        )
    try:
        with archive.open(header.member) as handle:
            return np.lib.format.read_array(handle, allow_pickle=False)
    except (ValueError, zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise CodedError(
            "dataset_unreadable", f"Array '{header.name}' could not be read: {exc}."
        ) from None


def _truncated(header: ArrayHeader) -> CodedError:
    return CodedError(
        "dataset_unreadable", f"Array '{header.name}' is shorter than its header says."
    )

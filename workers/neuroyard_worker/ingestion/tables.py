"""CSV tables: numeric feature columns plus a label column chosen by name, read in chunks."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from neuroyard_core.errors import CodedError
from neuroyard_core.formats.options import IngestOptions
from neuroyard_core.formats.structure import CsvLayout, csv_layout
from neuroyard_worker.ingestion.labels import Labels
from neuroyard_worker.ingestion.writer import DatasetWriter, Locate, SplitRouter

CHUNK_ROWS = 8192


def split_router(options: IngestOptions, *, explicit: set[str] | None = None) -> SplitRouter:
    """`explicit`: the splits the file gives itself, which no fraction is drawn from."""
    return SplitRouter(
        validation=options.validation_fraction,
        test=options.test_fraction,
        seed=options.seed,
        explicit=explicit or set(),
    )


def csv_chunks(source: Path, layout: CsvLayout) -> Iterator[tuple[list[int], list[list[str]]]]:
    """(line numbers, rows) of CHUNK_ROWS rows after the header; blank lines are skipped,
    rows of another length than the header refused."""
    width = len(layout.header)
    with source.open("r", encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        try:
            next(reader)  # the header
            lines: list[int] = []
            rows: list[list[str]] = []
            for row in reader:
                if not row or not any(cell.strip() for cell in row):
                    continue
                if len(row) != width:
                    raise CodedError(
                        "dataset_ragged",
                        f"Line {reader.line_num} has {len(row)} values; the header has {width}.",
                        details={"line": reader.line_num},
                    )
                lines.append(reader.line_num)
                rows.append(row)
                if len(rows) == CHUNK_ROWS:
                    yield lines, rows
                    lines, rows = [], []
            if rows:
                yield lines, rows
        except UnicodeDecodeError:
            raise CodedError("dataset_unreadable", "The CSV is not UTF-8 text.") from None
        except csv.Error as exc:
            raise CodedError(
                "dataset_unreadable", f"Line {reader.line_num}: the CSV cannot be parsed ({exc})."
            ) from None


def label_cells(rows: list[list[str]], lines: list[int], layout: CsvLayout) -> np.ndarray | None:
    """The label column of `rows`; None when the CSV has none (inputs to predict)."""
    if layout.label_at is None:
        return None
    labels = np.char.strip(np.array([row[layout.label_at] for row in rows], dtype=str))
    empty = labels == ""
    if empty.any():
        line = lines[int(np.argmax(empty))]
        raise CodedError(
            "dataset_missing_value",
            f"Line {line} has no value in the label column '{layout.header[layout.label_at]}'.",
            details={"line": line},
        )
    return labels


def line_locator(lines: list[int]) -> Locate:
    return lambda i: f"Line {lines[i]}"


def ingest_csv(source: Path, folder: Path, options: IngestOptions) -> DatasetWriter:
    layout = csv_layout(source, options)
    features = [i for i in range(len(layout.header)) if i != layout.label_at]
    label_column = layout.header[layout.label_at] if layout.label_at is not None else None
    writer = DatasetWriter(
        folder,
        sample_shape=(len(features),),
        x_dtype=np.float32,
        labels=Labels(task=options.task),
        router=split_router(options),
        preprocessing={"kind": "table", "columns": layout.feature_columns}
        | ({"label_column": label_column} if label_column is not None else {}),
        labelled=label_column is not None,
    )
    rows_seen = 0
    for lines, rows in csv_chunks(source, layout):
        cells = np.array(rows, dtype=str)
        labels = label_cells(rows, lines, layout)
        writer.add(_numbers(cells[:, features], lines, layout, features), labels,
                   locate=line_locator(lines))  # fmt: skip
        rows_seen += len(rows)
    if rows_seen == 0:
        raise CodedError("dataset_empty", "The CSV has a header but no rows.")
    return writer


def _numbers(
    cells: np.ndarray, lines: list[int], layout: CsvLayout, features: list[int]
) -> np.ndarray:
    try:
        return cells.astype(np.float32)
    except ValueError:
        pass
    for r, row in enumerate(cells):  # find the first cell that is not a number, to name it
        for c, cell in enumerate(row):
            try:
                float(cell)
            except ValueError:
                column = layout.header[features[c]]
                missing = " (missing values are not accepted)" if not cell.strip() else ""
                raise CodedError(
                    "dataset_not_numeric",
                    f"Line {lines[r]}, column '{column}': '{cell}' is not a number{missing}.",
                    details={"line": lines[r], "column": column},
                ) from None
    raise AssertionError("astype failed on numbers")  # pragma: no cover

"""Text CSV: a text column and a label; texts become fixed-length sequences of token numbers.

Two passes over the file: the first counts words for the vocabulary, the second encodes. The
steps follow Keras' TextVectorization defaults (lowercase, strip punctuation, split on
whitespace; 0 pads, 1 is out of vocabulary), so inference can apply them to new text.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from neuroyard_core.errors import CodedError
from neuroyard_core.formats.options import IngestOptions
from neuroyard_core.formats.structure import csv_layout
from neuroyard_core.formats.text import (
    OUT_OF_VOCABULARY,
    OUT_OF_VOCABULARY_TOKEN,
    PADDING_TOKEN,
    tokens,
)
from neuroyard_worker.ingestion.labels import Labels
from neuroyard_worker.ingestion.tables import csv_chunks, label_cells, line_locator, split_router
from neuroyard_worker.ingestion.writer import DatasetWriter

MAX_AUTO_SEQUENCE_LENGTH = 256
PREVIEW_ROWS = 10
PREVIEW_TEXT_CHARS = 300


def ingest_text_csv(
    source: Path, folder: Path, options: IngestOptions
) -> tuple[DatasetWriter, dict[str, Any]]:
    layout = csv_layout(source, options, text=True)
    assert layout.text_at is not None
    counts: Counter[str] = Counter()
    longest = 0
    preview_rows: list[list[str]] = []
    for _, rows in csv_chunks(source, layout):
        for row in rows:
            words = tokens(row[layout.text_at])
            counts.update(words)
            longest = max(longest, len(words))
            if len(preview_rows) < PREVIEW_ROWS:
                label = [row[layout.label_at].strip()] if layout.label_at is not None else []
                preview_rows.append([row[layout.text_at][:PREVIEW_TEXT_CHARS], *label])
    if not preview_rows:
        raise CodedError("dataset_empty", "The CSV has a header but no rows.")
    if not counts:
        raise CodedError("dataset_empty", "The text column holds no words.")
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    vocabulary = [PADDING_TOKEN, OUT_OF_VOCABULARY_TOKEN] + [
        w for w, _ in ranked[: options.max_tokens - 2]
    ]
    index = {word: i for i, word in enumerate(vocabulary)}
    length = options.sequence_length or max(1, min(longest, MAX_AUTO_SEQUENCE_LENGTH))
    columns = [layout.header[layout.text_at]]
    if layout.label_at is not None:  # else inputs to predict, without labels
        columns.append(layout.header[layout.label_at])
    writer = DatasetWriter(
        folder,
        sample_shape=(length,),
        x_dtype=np.int32,
        labels=Labels(task=options.task),
        router=split_router(options),
        preprocessing={
            "kind": "text",
            "text_column": columns[0],
            "standardize": "lower_and_strip_punctuation",
            "split": "whitespace",
            "sequence_length": length,
            "padding": "post",
            "truncating": "post",
            "vocabulary_size": len(vocabulary),
            "vocabulary": vocabulary,
        }
        | ({"label_column": columns[1]} if len(columns) > 1 else {}),
        labelled=len(columns) > 1,
    )
    for lines, rows in csv_chunks(source, layout):
        x = np.zeros((len(rows), length), np.int32)
        for r, row in enumerate(rows):
            ids = [
                index.get(word, OUT_OF_VOCABULARY) for word in tokens(row[layout.text_at])[:length]
            ]
            x[r, : len(ids)] = ids
        labels = label_cells(rows, lines, layout)
        writer.add(x, labels, locate=line_locator(lines))
    preview = {"kind": "text", "columns": columns, "rows": preview_rows}
    return writer, preview

"""A dataset's samples put in the form a model was trained on, by what both recorded."""

from __future__ import annotations

import numpy as np
import pytest

from neuroyard_worker.engine.adapt import adapt_samples
from neuroyard_worker.engine.errors import EngineError


def text(vocabulary: list[str], length: int) -> dict:
    return {"kind": "text", "vocabulary": vocabulary, "sequence_length": length}


def test_text_is_renumbered_with_the_model_s_vocabulary_and_length() -> None:
    data = text(["", "[UNK]", "cat", "dog", "eel"], 4)
    model = text(["", "[UNK]", "dog", "cat"], 3)
    transform = adapt_samples(data, model)

    assert transform is not None
    x = np.array([[2, 3, 4, 1], [3, 0, 0, 0]], np.int32)  # cat dog eel ? / dog
    assert transform(x).tolist() == [[3, 2, 1], [2, 0, 0]]


def test_shorter_sequences_are_padded_at_the_end() -> None:
    vocabulary = ["", "[UNK]", "a"]
    transform = adapt_samples(text(vocabulary, 2), text(vocabulary, 4))

    assert transform is not None
    assert transform(np.array([[2, 2]], np.int32)).tolist() == [[2, 2, 0, 0]]


def test_table_columns_are_taken_by_name() -> None:
    transform = adapt_samples(
        {"kind": "table", "columns": ["b", "extra", "a"]}, {"kind": "table", "columns": ["a", "b"]}
    )

    assert transform is not None
    assert transform(np.array([[2.0, 9.0, 1.0]])).tolist() == [[1.0, 2.0]]


def test_a_column_the_model_needs_and_the_data_lacks_is_data_invalid() -> None:
    with pytest.raises(EngineError, match="lacks the column.*: a"):
        adapt_samples({"kind": "table", "columns": ["b"]}, {"kind": "table", "columns": ["a", "b"]})


def test_images_of_another_size_are_data_invalid() -> None:
    data = {"kind": "image", "image_size": [32, 32], "color_mode": "rgb"}
    model = {"kind": "image", "image_size": [28, 28], "color_mode": "grayscale"}

    with pytest.raises(EngineError, match=r"\[32, 32\] rgb.*\[28, 28\] grayscale"):
        adapt_samples(data, model)


def test_a_model_without_recorded_preprocessing_takes_samples_as_they_are() -> None:
    assert adapt_samples({"kind": "array"}, {}) is None
    assert (
        adapt_samples({"kind": "table", "columns": ["a"]}, {"kind": "table", "columns": ["a"]})
        is None
    )

"""Samples of one dataset put in the form a model was trained on, by the preprocessing both
recorded: text re-encoded with the model's vocabulary and sequence length, table columns taken
by name. Pure NumPy."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from neuroyard_core.formats.text import OUT_OF_VOCABULARY, PADDING
from neuroyard_worker.engine.errors import EngineError

Transform = Callable[[np.ndarray], np.ndarray]


def adapt_samples(data: Mapping[str, Any], model: Mapping[str, Any]) -> Transform | None:
    """The step from the data's samples to the model's inputs; None when they agree already."""
    kind = data.get("kind")
    if kind != model.get("kind"):
        return None  # a model without recorded preprocessing takes samples as they are
    if kind == "text":
        return _reencode(data["vocabulary"], model["vocabulary"], int(model["sequence_length"]))
    if kind == "table":
        return _columns(list(data["columns"]), list(model["columns"]))
    if kind == "image":
        _check_same_images(data, model)
    return None


def _reencode(source: list[str], target: list[str], length: int) -> Transform | None:
    if source == target:
        table = None
    else:
        index = {word: i for i, word in enumerate(target)}
        table = np.array([index.get(word, OUT_OF_VOCABULARY) for word in source], np.int32)
        table[PADDING] = PADDING

    def reencode(x: np.ndarray) -> np.ndarray:
        ids = table[x] if table is not None else x
        if ids.shape[1] >= length:
            return np.ascontiguousarray(ids[:, :length])  # truncated at the end, as ingested
        padded = np.full((len(ids), length), PADDING, ids.dtype)
        padded[:, : ids.shape[1]] = ids
        return padded

    return reencode


def _columns(source: list[str], target: list[str]) -> Transform | None:
    if source == target:
        return None
    missing = [name for name in target if name not in source]
    if missing:
        raise EngineError(
            "data_invalid",
            f"the data lacks the column(s) the model was trained on: {', '.join(missing[:10])}",
        )
    order = np.array([source.index(name) for name in target])
    return lambda x: np.ascontiguousarray(x[:, order])


def _check_same_images(data: Mapping[str, Any], model: Mapping[str, Any]) -> None:
    got = (list(data.get("image_size", [])), data.get("color_mode"))
    want = (list(model.get("image_size", [])), model.get("color_mode"))
    if got != want:
        raise EngineError(
            "data_invalid",
            f"the images are {got[0]} {got[1]}, but the model takes {want[0]} {want[1]}",
        )

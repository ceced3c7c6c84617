"""Loaded models kept in memory by the inference worker, the least recently used dropped first
once their weights pass the cache's size."""

from __future__ import annotations

import logging
import math
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np

from neuroyard_core.errors import CodedError
from neuroyard_worker.engine.errors import EngineError
from neuroyard_worker.engine.infer import task_of
from neuroyard_worker.engine.model_file import load_model_file

log = logging.getLogger(__name__)


class InferenceRefused(CodedError):
    """A request the worker cannot answer, with the HTTP status the web should give it."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(code, message, status=status)


@dataclass(frozen=True)
class ModelRef:
    sha256: str  # the model file's: the cache key (the same file is the same model)
    file: str  # its name in storage


@dataclass(frozen=True)
class LoadedModel:
    model: keras.Model
    sample_shape: tuple[int | None, ...]  # what one input sample must be (None: any size)
    dtype: np.dtype
    task: str  # as its output layer suggests, for models registered without one
    nbytes: int  # of its weights

    def refusal(self, x: np.ndarray) -> InferenceRefused | None:
        got = tuple(x.shape[1:])
        want = self.sample_shape
        fits = len(got) == len(want) and all(
            w is None or w == g for w, g in zip(want, got, strict=True)
        )
        if fits:
            return None
        shown = [w if w is not None else "any" for w in want]
        return InferenceRefused(
            "input_shape_mismatch", f"The inputs have shape {list(got)}; the model takes {shown}."
        )


class ModelCache:
    """Used from one thread only (the inference server's)."""

    def __init__(self, *, capacity_bytes: int, fetch: Callable[[ModelRef], Path]) -> None:
        self.capacity_bytes = capacity_bytes
        self.fetch = fetch
        self._models: OrderedDict[str, LoadedModel] = OrderedDict()

    @property
    def used_bytes(self) -> int:
        return sum(m.nbytes for m in self._models.values())

    def held(self) -> list[str]:
        """sha256 of the models held, least recently used first."""
        return list(self._models)

    def get(self, ref: ModelRef) -> LoadedModel:
        loaded = self._models.get(ref.sha256)
        if loaded is not None:
            self._models.move_to_end(ref.sha256)
            return loaded
        loaded = self._load(ref)
        # the newest model stays even alone past the capacity: it is about to be used
        while self._models and self.used_bytes + loaded.nbytes > self.capacity_bytes:
            sha256, dropped = self._models.popitem(last=False)
            log.info("inference cache: dropped model %s (%d bytes)", sha256[:12], dropped.nbytes)
        self._models[ref.sha256] = loaded
        return loaded

    def _load(self, ref: ModelRef) -> LoadedModel:
        path = self.fetch(ref)
        try:
            model = load_model_file(path)
        except EngineError as exc:  # Keras could not load it
            raise InferenceRefused(
                "model_unusable", f"The model cannot be loaded: {exc.message}", status=422
            ) from exc
        except CodedError as exc:  # refused by the checks an upload gets: the same code
            raise InferenceRefused(exc.code, exc.message, status=422) from exc
        if len(model.inputs) != 1 or len(model.outputs) != 1:
            raise InferenceRefused(
                "model_unusable", "Predictions need a model with one input and one output.", 422
            )
        model.jit_compile = False  # XLA would compile again for every new batch size
        spec = model.inputs[0]
        loaded = LoadedModel(
            model=model,
            sample_shape=tuple(spec.shape[1:]),
            dtype=np.dtype(spec.dtype),
            task=task_of(model),
            nbytes=sum(math.prod(w.shape) * np.dtype(w.dtype).itemsize for w in model.weights),
        )
        _warm_up(loaded)
        log.info("inference cache: loaded model %s (%d bytes)", ref.sha256[:12], loaded.nbytes)
        return loaded


def _warm_up(loaded: LoadedModel) -> None:
    """Trace the predict function for a batch of any size now, not on the first request: after
    two batch sizes Keras' function takes every size without tracing again."""
    if any(d is None for d in loaded.sample_shape):
        return  # sizes only the inputs can tell
    shape = tuple(int(d) for d in loaded.sample_shape if d is not None)
    for size in (1, 2):
        loaded.model.predict_on_batch(np.zeros((size, *shape), loaded.dtype))

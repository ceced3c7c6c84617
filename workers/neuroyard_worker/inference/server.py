"""One thread owns the models and TensorFlow; the worker's task threads hand it requests.

Micro-batching without a wait: whenever the thread turns to the queue it takes every request
that is there, and requests for the same model go through the network in one call. A lone
request goes at once; under load, requests gather while the previous call runs.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import defaultdict
from concurrent.futures import Future
from dataclasses import dataclass, field

import numpy as np

from neuroyard_worker.inference.cache import InferenceRefused, LoadedModel, ModelCache, ModelRef

log = logging.getLogger(__name__)

MAX_BATCH_SAMPLES = 1024  # samples gathered into one call at most


@dataclass(frozen=True)
class Answer:
    outputs: np.ndarray
    task: str  # the model's, as its output layer suggests
    batched_requests: int  # requests in the network call that answered this one


@dataclass
class _Request:
    ref: ModelRef
    x: np.ndarray
    future: Future[Answer] = field(default_factory=Future)


class InferenceServer:
    def __init__(self, cache: ModelCache, *, max_batch_samples: int = MAX_BATCH_SAMPLES) -> None:
        self.cache = cache
        self.max_batch_samples = max_batch_samples
        self.calls = 0  # network calls made, and the requests they answered, for the bench
        self.answered = 0
        self._queue: queue.SimpleQueue[_Request] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._serve, name="inference", daemon=True)
        self._thread.start()

    def predict(self, ref: ModelRef, x: np.ndarray, *, timeout: float) -> Answer:
        """Blocks the calling thread until the answer; raises InferenceRefused."""
        request = _Request(ref, x)
        self._queue.put(request)
        return request.future.result(timeout=timeout)

    def waiting(self) -> int:
        """Requests handed in that the serving thread has not taken yet."""
        return self._queue.qsize()

    def _serve(self) -> None:
        while True:
            batch = [self._queue.get()]
            samples = len(batch[0].x)
            while samples < self.max_batch_samples:
                try:
                    request = self._queue.get_nowait()
                except queue.Empty:
                    break
                batch.append(request)
                samples += len(request.x)
            try:
                self._run(batch)
            except BaseException as exc:  # the thread must live on whatever happens
                log.exception("inference batch failed")
                for request in batch:
                    if not request.future.done():
                        request.future.set_exception(exc)

    def _run(self, batch: list[_Request]) -> None:
        by_model: dict[ModelRef, list[_Request]] = defaultdict(list)
        for request in batch:
            by_model[request.ref].append(request)
        for ref, requests in by_model.items():
            try:
                loaded = self.cache.get(ref)
            except InferenceRefused as exc:
                for request in requests:
                    request.future.set_exception(exc)
                continue
            fitting = []
            for request in requests:
                refusal = loaded.refusal(request.x)
                if refusal is not None:
                    request.future.set_exception(refusal)
                else:
                    fitting.append(request)
            by_shape: dict[tuple[int, ...], list[_Request]] = defaultdict(list)
            for request in fitting:
                by_shape[request.x.shape[1:]].append(request)
            for together in by_shape.values():
                self._call(loaded, together)

    def _call(self, loaded: LoadedModel, requests: list[_Request]) -> None:
        x = np.concatenate([r.x for r in requests]).astype(loaded.dtype, copy=False)
        try:
            outputs = np.asarray(loaded.model.predict_on_batch(x))
        except Exception as exc:
            if len(requests) > 1:  # find the one request that fails; answer the others
                for request in requests:
                    self._call(loaded, [request])
                return
            log.warning("inference failed: %s", exc)
            requests[0].future.set_exception(
                InferenceRefused("inference_failed", f"The model failed on the inputs: {exc}")
            )
            return
        self.calls += 1
        self.answered += len(requests)
        start = 0
        for request in requests:
            end = start + len(request.x)
            answer = Answer(outputs[start:end], loaded.task, len(requests))
            request.future.set_result(answer)
            start = end

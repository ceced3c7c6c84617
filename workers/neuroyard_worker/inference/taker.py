"""The inference worker's side of synchronous predictions: as long as the worker runs, one
thread takes requests from the web's list (neuroyard.registry.inference) and hands each to one
of the worker's answering threads, which wait for the inference server. It takes no more than
there are free threads, every waiting request at once: requests taken together go through the
network together. What it has not taken stays in Redis for the next worker.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import redis
from celery import bootsteps

from neuroyard.registry.inference import prediction_receive

log = logging.getLogger(__name__)

INFERENCE_QUEUE = "inference"  # a worker consuming it answers predictions too
WAIT_SECONDS = 1.0  # how often the taking thread looks up from Redis to see if it should stop


class PredictionTaker:
    def __init__(self, *, threads: int) -> None:
        self.threads = threads
        self._free = threading.Semaphore(threads)
        self._stopping = threading.Event()
        self._answering = ThreadPoolExecutor(threads, thread_name_prefix="predict")
        self._thread = threading.Thread(target=self._take, name="prediction-taker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Takes no more; answers what it has taken."""
        self._stopping.set()
        self._thread.join()
        self._answering.shutdown(wait=True)

    def _take(self) -> None:
        while not self._stopping.is_set():
            if not self._free.acquire(timeout=WAIT_SECONDS):
                continue
            free = 1
            while free < self.threads and self._free.acquire(blocking=False):
                free += 1
            try:
                messages = prediction_receive(most=free, timeout=WAIT_SECONDS)
            except (redis.RedisError, OSError) as exc:
                log.warning("predictions: Redis unavailable (%s); trying again", exc)
                messages = []
                self._stopping.wait(WAIT_SECONDS)
            for _ in range(free - len(messages)):
                self._free.release()
            for message in messages:
                self._answering.submit(self._answer, message)

    def _answer(self, message: dict[str, Any]) -> None:
        from neuroyard_worker.inference.answer import answer_prediction  # TensorFlow: only here

        try:
            answer_prediction(message)
        except Exception:  # its answer could not be sent (Redis gone): the web answers 202
            log.exception("prediction %s: the answer could not be sent", message.get("id"))
        finally:
            self._free.release()


class PredictionTakerStep(bootsteps.StartStopStep):
    """A worker step: in a worker that consumes the inference queue, a PredictionTaker with as
    many answering threads as the worker's concurrency, started and stopped with the worker."""

    label = "prediction taker"

    def include_if(self, worker: Any) -> bool:
        return INFERENCE_QUEUE in worker.app.amqp.queues.consume_from

    def create(self, worker: Any) -> PredictionTaker:
        return PredictionTaker(threads=int(worker.concurrency))

"""Synchronous predictions: the web pushes each request onto one Redis list, the inference
workers pop them, and each answer comes back on the asking web process's own Redis channel.

Not a Celery task: for a prediction that takes half a millisecond in the network, Celery's
message, its events and its result bookkeeping cost both sides several times that (issue 13:
web 7 ms and worker 3.3 ms of CPU per request). A list and a channel are what is left: one
RPUSH from the web, one BLPOP (taking every waiting request at once) and one PUBLISH from the
worker. Each web process subscribes once to a channel of its own, and a thread hands its
answers to the requests waiting there (ReplyChannel).

The worker also keeps each answer (SETEX) for NEUROYARD_PREDICT_KEEP_SECONDS, so a request
that timed out (202) can be polled, and a request whose answer was published while the
channel was reconnecting still finds it. A request nobody took within that time is dropped by
the worker: nobody waits for it any more.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

import numpy as np
import redis
from django.conf import settings
from redis.client import PubSub

from neuroyard.core.redis_clients import redis_client
from neuroyard.registry.models import TrainedModel
from neuroyard_core.generation import GeneratorBatch

log = logging.getLogger(__name__)

REQUESTS_KEY = "neuroyard:inference:requests"  # the list the inference workers pop


def prediction_key(request_id: str) -> str:
    return f"neuroyard:prediction:{request_id}"


def _pending_key(request_id: str) -> str:
    return f"neuroyard:prediction-pending:{request_id}"


def encode_array(x: np.ndarray) -> dict[str, Any]:
    x = np.ascontiguousarray(x)
    data = base64.b64encode(x.tobytes()).decode()
    return {"dtype": x.dtype.name, "shape": list(x.shape), "data": data}


def decode_array(value: dict[str, Any]) -> np.ndarray:
    raw = base64.b64decode(value["data"])
    return np.frombuffer(raw, dtype=np.dtype(value["dtype"])).reshape(value["shape"])


def prediction_message(
    *,
    request_id: str,
    reply_to: str,
    model: TrainedModel,
    x: np.ndarray,
    top_k: int,
    generator: GeneratorBatch | None = None,
) -> dict[str, Any]:
    """What the inference worker needs: the model's file (cached there by sha256), the inputs
    ready for the network, how to read its outputs (a generator's as pictures), and where to
    answer."""
    keep_seconds = settings.NEUROYARD_PREDICT_KEEP_SECONDS
    message = {
        "id": request_id,
        "reply_to": reply_to,
        "model": {
            "id": str(model.id),
            "file": model.artifact.file.name,
            "sha256": model.artifact.sha256,
        },
        "task": model.task,
        "class_names": list(model.class_names),
        "top_k": top_k,
        "x": encode_array(x),
        "keep_seconds": keep_seconds,
        # not taken by then: nobody is waiting any more
        "expires_at": time.time() + keep_seconds,
    }
    if generator is not None:
        message["generate"] = generator.reading()
    return message


def _redis() -> redis.Redis:
    return redis_client(socket_timeout=5)


def prediction_send(message: dict[str, Any]) -> None:
    """Queue the prediction (oldest first); expect its answer (ReplyChannel) before."""
    _redis().rpush(REQUESTS_KEY, json.dumps(message))


def prediction_receive(*, most: int, timeout: float) -> list[dict[str, Any]]:
    """The worker's side: the oldest request, waiting up to `timeout` seconds for one, and the
    next ones up to `most` in all, if there; those nobody waits for any more are dropped."""
    client = _redis()
    first = client.blpop([REQUESTS_KEY], timeout=timeout)
    if first is None:
        return []
    raw = [first[1]]
    if most > 1:
        raw += client.lpop(REQUESTS_KEY, most - 1) or []
    now = time.time()
    messages = [json.loads(m) for m in raw]
    for late in (m for m in messages if m["expires_at"] <= now):
        log.info("prediction %s dropped: nobody has waited for it since %.0f", late["id"],
                 late["expires_at"])  # fmt: skip
    return [m for m in messages if m["expires_at"] > now]


def prediction_reply(message: dict[str, Any], answer: dict[str, Any]) -> None:
    """The worker's side: keep the answer for polling, and publish it to the web process that
    waits for it."""
    request_id = str(message["id"])
    with _redis().pipeline() as pipe:
        pipe.set(prediction_key(request_id), json.dumps(answer), ex=int(message["keep_seconds"]))
        pipe.publish(message["reply_to"], json.dumps({"id": request_id, "answer": answer}))
        pipe.execute()


class ReplyChannel:
    """The process's channel for answers: subscribed once (on the first prediction), read by a
    thread of its own that hands each answer to the request expecting it.

    Expect the answer before sending the request, so that it cannot slip by. When Redis goes
    away the client subscribes again on reconnecting; an answer published in between is still
    found where the worker keeps it for polling.
    """

    def __init__(self) -> None:
        self.name = f"neuroyard:prediction-replies:{uuid.uuid4()}"
        self._expected: dict[str, Future[dict[str, Any]]] = {}
        self._pubsub = redis.Redis.from_url(settings.REDIS_URL).pubsub()
        try:
            _subscribe(self._pubsub, self.name)
        except BaseException:
            self._pubsub.close()
            raise
        threading.Thread(target=self._read, name="prediction-answers", daemon=True).start()

    @contextlib.contextmanager
    def expecting(self, request_id: str) -> Iterator[Expected]:
        future: Future[dict[str, Any]] = Future()
        self._expected[request_id] = future
        try:
            yield Expected(request_id, future)
        finally:
            del self._expected[request_id]

    def _read(self) -> None:
        while True:
            try:
                got = self._pubsub.get_message(ignore_subscribe_messages=True, timeout=60)
            except (redis.RedisError, OSError) as exc:
                log.warning("prediction answers: Redis connection lost (%s); reconnecting", exc)
                time.sleep(RECONNECT_SECONDS)
                continue
            if got is None or got["type"] != "message":
                continue
            reply = json.loads(got["data"])
            future = self._expected.get(reply["id"])
            if future is not None and not future.done():
                future.set_result(reply["answer"])


CONFIRM_SECONDS = 5.0
RECONNECT_SECONDS = 0.2


def _subscribe(pubsub: PubSub, channel: str) -> None:
    """Subscribe, and wait for Redis to confirm: from then on it holds the subscription."""
    pubsub.subscribe(channel)
    deadline = time.monotonic() + CONFIRM_SECONDS
    while (left := deadline - time.monotonic()) > 0:
        got = pubsub.get_message(timeout=left)
        if got is not None and got["type"] == "subscribe":
            return
    raise redis.TimeoutError(f"Redis did not confirm the subscription to {channel}")


@dataclass(frozen=True)
class Expected:
    request_id: str
    _future: Future[dict[str, Any]]

    def answer(self, *, timeout: float) -> dict[str, Any] | None:
        """The answer, or None when none came within `timeout` seconds."""
        try:
            return self._future.result(timeout=max(timeout, 0))
        except TimeoutError:
            return prediction_answer(self.request_id)


_channel: tuple[int, ReplyChannel] | None = None
_channel_lock = threading.Lock()


def reply_channel() -> ReplyChannel:
    """This process's channel for answers, subscribed."""
    global _channel
    with _channel_lock:
        if _channel is None or _channel[0] != os.getpid():  # a forked child needs its own
            _channel = (os.getpid(), ReplyChannel())
        return _channel[1]


@dataclass(frozen=True)
class Pending:
    owner_id: str
    model_id: str


def prediction_mark_pending(*, request_id: str, owner_id: object, model_id: object) -> None:
    """Whose the request is, so that only its owner can poll it for the late answer."""
    record = json.dumps({"owner": str(owner_id), "model": str(model_id)})
    _redis().set(_pending_key(request_id), record, ex=settings.NEUROYARD_PREDICT_KEEP_SECONDS)


def prediction_pending(request_id: str) -> Pending | None:
    record = _redis().get(_pending_key(request_id))
    if record is None:
        return None
    values = json.loads(record)
    return Pending(owner_id=values["owner"], model_id=values["model"])


def prediction_answer(request_id: str) -> dict[str, Any] | None:
    answer = _redis().get(prediction_key(request_id))
    return json.loads(answer) if answer is not None else None

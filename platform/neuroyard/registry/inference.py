"""Synchronous predictions over the queue: the web sends a task to the `inference` queue and
waits, without holding a thread, for the worker's answer on a Redis channel of its own.

The worker publishes each answer on `prediction_key(id)` and also keeps it there (SETEX) for
NEUROYARD_PREDICT_KEEP_SECONDS, so a request that timed out (202) can be polled. The task is
sent with ignore_result: Celery's result backend would otherwise subscribe this process to
every task it sends, and never read those channels.
"""

from __future__ import annotations

import asyncio
import base64
import json
import weakref
from dataclasses import dataclass
from typing import Any

import numpy as np
import redis
import redis.asyncio as aioredis
from django.conf import settings
from redis.asyncio.client import PubSub

from neuroyard.core.redis_clients import redis_client
from neuroyard.registry.models import TrainedModel
from neuroyard_core.generation import GeneratorBatch

PREDICT_TASK = "neuroyard.predict"
INFERENCE_QUEUE = "inference"


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
    model: TrainedModel,
    x: np.ndarray,
    top_k: int,
    generator: GeneratorBatch | None = None,
) -> dict[str, Any]:
    """What the inference worker needs: the model's file (cached there by sha256), the inputs
    ready for the network, and how to read its outputs (a generator's as pictures)."""
    message = {
        "id": request_id,
        "model": {
            "id": str(model.id),
            "file": model.artifact.file.name,
            "sha256": model.artifact.sha256,
        },
        "task": model.task,
        "class_names": list(model.class_names),
        "top_k": top_k,
        "x": encode_array(x),
        "keep_seconds": settings.NEUROYARD_PREDICT_KEEP_SECONDS,
    }
    if generator is not None:
        message["generate"] = generator.reading()
    return message


def _redis() -> redis.Redis:
    return redis_client(socket_timeout=5)


def prediction_send(message: dict[str, Any]) -> None:
    """Queue the prediction; listen for its answer (PredictionListener) before."""
    from neuroyard.config.celery import app

    app.send_task(
        PREDICT_TASK,
        args=[message],
        queue=INFERENCE_QUEUE,
        task_id=message["id"],
        ignore_result=True,
        # never answered by then: nobody is waiting any more
        expires=settings.NEUROYARD_PREDICT_KEEP_SECONDS,
    )


class PredictionListener:
    """Subscribed to one request's answer from entering until leaving: enter before sending
    the request, so the answer cannot slip by.

    Pub/sub connections are kept for the next requests (a new one costs a connect and its
    handshake per request): on leaving, the channel is unsubscribed in the background and the
    connection goes back to the event loop's idle ones.
    """

    def __init__(self, request_id: str) -> None:
        self._key = prediction_key(request_id)
        self._channel = self._key.encode()
        self._loop = _loop_listeners()
        self._pubsub = self._loop.idle.pop() if self._loop.idle else self._loop.client.pubsub()

    async def __aenter__(self) -> PredictionListener:
        try:
            await self._pubsub.subscribe(self._key)
            # the confirmation: Redis holds the subscription before the request is sent
            await _until(self._pubsub, "subscribe", timeout=CONFIRM_SECONDS)
        except BaseException:
            await self._pubsub.aclose()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._loop.put_back(self._pubsub, self._key)

    async def answer(self, *, deadline: float) -> dict[str, Any] | None:
        """The answer, or None when none came by `deadline` (the event loop's clock)."""
        clock = asyncio.get_running_loop().time
        while (left := deadline - clock()) > 0:
            got = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=left)
            if got is not None and got["type"] == "message" and got["channel"] == self._channel:
                answer: dict[str, Any] = json.loads(got["data"])
                return answer
        return None


CONFIRM_SECONDS = 5.0
IDLE_LISTENERS = 64  # pub/sub connections kept open per web process


async def _until(pubsub: PubSub, kind: str, *, timeout: float) -> None:
    """Read (and drop) messages until the confirmation `kind` (subscribe, unsubscribe)."""
    async with asyncio.timeout(timeout):
        while True:
            got = await pubsub.get_message(timeout=timeout)
            if got is not None and got["type"] == kind:
                return


class _LoopListeners:
    """One event loop's Redis client and idle pub/sub connections."""

    def __init__(self) -> None:
        self.client = aioredis.Redis.from_url(settings.REDIS_URL)
        self.idle: list[PubSub] = []
        self._returning: set[asyncio.Task[None]] = set()

    def put_back(self, pubsub: PubSub, key: str) -> None:
        task = asyncio.get_running_loop().create_task(self._unsubscribed(pubsub, key))
        self._returning.add(task)  # the loop keeps only a weak reference to its tasks
        task.add_done_callback(self._returning.discard)

    async def _unsubscribed(self, pubsub: PubSub, key: str) -> None:
        try:
            await pubsub.unsubscribe(key)
            await _until(pubsub, "unsubscribe", timeout=CONFIRM_SECONDS)
        except Exception:  # a broken connection is dropped, not reused
            await pubsub.aclose()
            return
        if len(self.idle) < IDLE_LISTENERS:
            self.idle.append(pubsub)
        else:
            await pubsub.aclose()


_listeners: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopListeners] = (
    weakref.WeakKeyDictionary()
)


def _loop_listeners() -> _LoopListeners:
    loop = asyncio.get_running_loop()
    listeners = _listeners.get(loop)
    if listeners is None:
        listeners = _listeners[loop] = _LoopListeners()
    return listeners


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


def prediction_reply(request_id: str, answer: dict[str, Any], *, keep_seconds: int) -> None:
    """The worker's side: keep the answer for polling and publish it to whoever waits."""
    payload = json.dumps(answer)
    key = prediction_key(request_id)
    with _redis().pipeline() as pipe:
        pipe.set(key, payload, ex=keep_seconds)
        pipe.publish(key, payload)
        pipe.execute()

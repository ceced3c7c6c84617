"""Live job events over Redis pub/sub: workers publish, the web streams them to browsers.

Publishing is best effort: the database stays the truth, and a client that misses an event
catches up from the job and metrics endpoints.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import redis
import redis.asyncio as aioredis
from django.conf import settings

from neuroyard.core.redis_clients import redis_client

log = logging.getLogger(__name__)


def channel(job_id: object) -> str:
    return f"neuroyard:job:{job_id}"


def _redis() -> redis.Redis:
    return redis_client(socket_timeout=2)


def publish(job_id: object, event: dict[str, Any]) -> None:
    try:
        _redis().publish(channel(job_id), json.dumps(event, default=str))
    except redis.RedisError:
        log.warning("could not publish %s for job %s", event.get("type"), job_id)


class Subscription:
    """An open subscription to one job's events; open it before reading the job's state, so
    nothing published in between is missed."""

    def __init__(self, job_id: object) -> None:
        self._client = aioredis.Redis.from_url(settings.REDIS_URL)
        self._pubsub = self._client.pubsub()
        self._channel = channel(job_id)

    async def __aenter__(self) -> Subscription:
        await self._pubsub.subscribe(self._channel)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._pubsub.unsubscribe()
        await self._pubsub.aclose()
        await self._client.aclose()

    async def next_event(self, *, timeout: float) -> dict[str, Any] | None:
        """The next event, or None when none came within timeout seconds."""
        message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=timeout)
        return json.loads(message["data"]) if message else None

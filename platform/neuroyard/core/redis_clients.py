"""The process's Redis client on REDIS_URL (events, predictions, remembered tokens), made on
first use: a client keeps its pool of connections, so each caller reuses the same few."""

from __future__ import annotations

import functools

import redis
from django.conf import settings


@functools.cache
def redis_client(*, socket_timeout: float) -> redis.Redis:
    """One client per timeout: how long a caller waits for Redis is its own choice (a live
    event gives up sooner than a prediction's answer)."""
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=socket_timeout)

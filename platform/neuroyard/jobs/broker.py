"""What the Redis broker holds: which jobs still have a message waiting or being worked on.

The reconciler compares this with the database to find queued jobs whose message was lost
(Redis restarted without persistence) and sends them again. Task ids carry the job id so a
message can be matched without decoding its body.
"""

from __future__ import annotations

import re
import uuid

import redis
from django.conf import settings

_JOB_IN_TASK_ID = re.compile(
    rb"job-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-[0-9a-f]{8}"
)
# kombu keeps messages of priority p in `<queue>\x06\x16<p>` beside the plain list
_PRIORITY_SEPARATOR = "\x06\x16"
_UNACKED = "unacked"
_UNACKED_INDEX = "unacked_index"  # delivery tag -> when it was delivered (Unix time)


def task_id_for(job_id: object) -> str:
    return f"job-{job_id}-{uuid.uuid4().hex[:8]}"


def broker_client() -> redis.Redis:
    return redis.Redis.from_url(settings.CELERY_BROKER_URL)


def queue_keys(queue: str) -> list[str]:
    """The Redis lists holding a queue's waiting messages; the first is consumed first."""
    return [queue] + [f"{queue}{_PRIORITY_SEPARATOR}{p}" for p in range(1, 10)]


def job_ids_in_broker(queues: set[str], *, delivered_since: float | None = None) -> set[str]:
    """Jobs with a message waiting in `queues`, or delivered to a worker and not yet acked.

    `delivered_since` (Unix time): a message delivered before it counts as lost. Its worker
    took it and never claimed the job (a claim takes a moment), so that worker died; kombu
    would give the message back only after the visibility timeout, hours later.
    """
    client = broker_client()
    found: set[str] = set()
    keys = [key for queue in queues for key in queue_keys(queue)]
    for key in keys:
        for raw in client.lrange(key, 0, -1):
            found.update(m.decode() for m in _JOB_IN_TASK_ID.findall(raw))
    stale: set[bytes] = set()
    if delivered_since is not None:
        stale = set(client.zrangebyscore(_UNACKED_INDEX, "-inf", f"({delivered_since}"))
    for tag, raw in client.hgetall(_UNACKED).items():
        if tag not in stale:
            found.update(m.decode() for m in _JOB_IN_TASK_ID.findall(raw))
    return found

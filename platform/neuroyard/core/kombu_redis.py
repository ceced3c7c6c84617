"""The single place that knows kombu's private Redis layout: which lists hold a queue's waiting
messages, where a message taken and not yet acked is kept, and what a stored message looks like.

Checked against kombu 5.7.0; tests/platform/core/test_kombu_redis.py fails when an upgrade
changes the layout. Key names, separator and priority steps are read from kombu's Redis
`Channel`, overridden by the broker transport options as kombu itself does.
"""

from __future__ import annotations

import json
from bisect import bisect
from dataclasses import dataclass
from typing import Any

import redis
from django.conf import settings
from kombu.transport.redis import Channel

KOMBU_VERSION_CHECKED = "5.7.0"


@dataclass(frozen=True)
class Delivery:
    """A message a consumer took and has not acked yet (kombu keeps it to restore it)."""

    delivery_tag: str
    task_id: str | None
    delivered_at: float  # Unix time


def broker_client() -> redis.Redis:
    return redis.Redis.from_url(settings.CELERY_BROKER_URL)


def _option(name: str) -> Any:
    # kombu sets these Channel attributes from the transport options of the same name
    return settings.CELERY_BROKER_TRANSPORT_OPTIONS.get(name, getattr(Channel, name))


def _key(name: str) -> str:
    return f"{_option('global_keyprefix')}{name}"


def waiting_key(queue: str, *, priority: int | None = None) -> str:
    """The list a message published to `queue` with `priority` waits in."""
    if priority is None:
        priority = Channel.default_priority
    priority = max(min(priority, Channel.max_priority), Channel.min_priority)
    steps = _option("priority_steps")
    step = steps[bisect(steps, priority) - 1]
    # step 0 is the plain list; the others get the separator and the step appended
    return _key(f"{queue}{_option('sep')}{step}" if step else queue)


def waiting_keys(queue: str) -> list[str]:
    """The lists holding a queue's waiting messages, in the order consumers empty them.

    Kombu LPUSHes new messages and consumers BRPOP these keys in this order, so the right end of
    the first non-empty list is the message taken next.
    """
    return [waiting_key(queue, priority=step) for step in _option("priority_steps")]


def unacked_key() -> str:
    """The hash: delivery tag -> JSON [message, exchange, routing key] of each unacked message."""
    return _key(_option("unacked_key"))


def unacked_index_key() -> str:
    """The sorted set: delivery tag -> when the message was delivered (Unix time)."""
    return _key(_option("unacked_index_key"))


def task_id_of(stored: bytes | str | dict[str, Any]) -> str | None:
    """The Celery task id of a stored message: its envelope's `headers.id` (the body, base64
    encoded, is never needed)."""
    envelope = stored if isinstance(stored, dict) else json.loads(stored)
    task_id = envelope.get("headers", {}).get("id")
    return str(task_id) if task_id is not None else None


def waiting_task_ids(*, queue: str) -> list[str]:
    """Task ids of the messages waiting in `queue`, the next one to be taken first."""
    client = broker_client()
    task_ids = []
    for key in waiting_keys(queue):
        for stored in reversed(client.lrange(key, 0, -1)):
            task_id = task_id_of(stored)
            if task_id is not None:
                task_ids.append(task_id)
    return task_ids


def waiting_counts(*, queues: list[str]) -> dict[str, int]:
    """Messages waiting in each queue (not counting those a consumer has taken)."""
    pipe = broker_client().pipeline(transaction=False)
    for queue in queues:
        for key in waiting_keys(queue):
            pipe.llen(key)
    counts = iter(pipe.execute())
    return {queue: sum(next(counts) for _ in waiting_keys(queue)) for queue in queues}


def unacked_deliveries() -> list[Delivery]:
    """Every message taken by a consumer of any queue and not acked yet."""
    pipe = broker_client().pipeline(transaction=True)  # kombu changes both in one transaction
    pipe.zrange(unacked_index_key(), 0, -1, withscores=True)
    pipe.hgetall(unacked_key())
    index, stored_by_tag = pipe.execute()
    delivered_at = dict(index)
    deliveries = []
    for tag, stored in stored_by_tag.items():
        envelope, _exchange, _routing_key = json.loads(stored)
        deliveries.append(
            Delivery(
                delivery_tag=tag.decode(),
                task_id=task_id_of(envelope),
                delivered_at=delivered_at[tag],
            )
        )
    return deliveries


# Both scripts find a message by a part of its task id in the stored text: kombu stores the
# envelope as one JSON string whose headers, task id included, are written out verbatim.

# Moves the first message matching ARGV[1] (from any of the queue's lists) to the right end of
# KEYS[1], the list emptied first. Atomic: a consumer never sees the message twice or not at all.
_TO_FRONT = """
for _, key in ipairs(KEYS) do
  for _, item in ipairs(redis.call('LRANGE', key, 0, -1)) do
    if string.find(item, ARGV[1], 1, true) then
      redis.call('LREM', key, 1, item)
      redis.call('RPUSH', KEYS[1], item)
      return 1
    end
  end
end
return 0
"""

_REMOVE = """
local removed = 0
for _, key in ipairs(KEYS) do
  for _, item in ipairs(redis.call('LRANGE', key, 0, -1)) do
    if string.find(item, ARGV[1], 1, true) then
      removed = removed + redis.call('LREM', key, 0, item)
    end
  end
end
return removed
"""


def waiting_message_to_front(*, queue: str, task_id_part: str) -> bool:
    """Make the first waiting message whose task id holds `task_id_part` the next one taken;
    False when none is waiting. `task_id_part` must not occur elsewhere in a message."""
    keys = waiting_keys(queue)
    return bool(broker_client().eval(_TO_FRONT, len(keys), *keys, task_id_part))


def waiting_messages_remove(*, queue: str, task_id_part: str) -> int:
    """Remove every waiting message whose task id holds `task_id_part`; how many there were."""
    keys = waiting_keys(queue)
    return int(broker_client().eval(_REMOVE, len(keys), *keys, task_id_part))

"""The waiting messages of a queue in Redis: how many, and moving or removing one job's.

Kombu's Redis transport LPUSHes new messages and workers BRPOP them, so the right end of a
queue's plain list is its front. Messages are matched by the job id their task id carries.
"""

from __future__ import annotations

from neuroyard.jobs.broker import broker_client, queue_keys

# Moves the first message holding ARGV[1] (from any of the queue's lists) to the front of
# KEYS[1], the list consumed first. Atomic: a worker never sees the message twice or not at all.
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


def _needle(job_id: object) -> str:
    return f"job-{job_id}-"  # see neuroyard.jobs.broker.task_id_for


def queue_lengths(queues: list[str]) -> dict[str, int]:
    """Messages waiting in each queue (not counting those a worker has taken)."""
    pipe = broker_client().pipeline(transaction=False)
    for queue in queues:
        for key in queue_keys(queue):
            pipe.llen(key)
    counts = iter(pipe.execute())
    return {queue: sum(next(counts) for _ in queue_keys(queue)) for queue in queues}


def message_to_front(*, queue: str, job_id: object) -> bool:
    """Move the job's waiting message to the front; False when none is waiting."""
    keys = queue_keys(queue)
    return bool(broker_client().eval(_TO_FRONT, len(keys), *keys, _needle(job_id)))


def messages_remove(*, queue: str, job_id: object) -> int:
    """Remove every waiting message of the job from the queue; how many were removed."""
    keys = queue_keys(queue)
    return int(broker_client().eval(_REMOVE, len(keys), *keys, _needle(job_id)))

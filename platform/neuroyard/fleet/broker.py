"""The waiting messages of a queue in Redis: how many, and moving or removing one job's."""

from __future__ import annotations

from neuroyard.core.kombu_redis import (
    waiting_counts,
    waiting_message_to_front,
    waiting_messages_remove,
)
from neuroyard.jobs.broker import task_id_prefix


def queue_lengths(queues: list[str]) -> dict[str, int]:
    """Messages waiting in each queue (not counting those a worker has taken)."""
    return waiting_counts(queues=queues)


def message_to_front(*, queue: str, job_id: object) -> bool:
    """Move the job's waiting message to the front; False when none is waiting."""
    return waiting_message_to_front(queue=queue, task_id_part=task_id_prefix(job_id))


def messages_remove(*, queue: str, job_id: object) -> int:
    """Remove every waiting message of the job from the queue; how many were removed."""
    return waiting_messages_remove(queue=queue, task_id_part=task_id_prefix(job_id))

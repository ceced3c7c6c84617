"""What the Redis broker holds: which jobs still have a message waiting or being worked on.

The reconciler compares this with the database to find queued jobs whose message was lost
(Redis restarted without persistence) and sends them again. Task ids carry the job id so a
message can be matched without decoding its body.
"""

from __future__ import annotations

import re
import uuid

from neuroyard.core.kombu_redis import unacked_deliveries, waiting_task_ids

_JOB_IN_TASK_ID = re.compile(
    r"job-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-[0-9a-f]{8}"
)


def task_id_prefix(job_id: object) -> str:
    """What every task id of the job starts with, and no other part of its message holds."""
    return f"job-{job_id}-"


def task_id_for(job_id: object) -> str:
    return f"{task_id_prefix(job_id)}{uuid.uuid4().hex[:8]}"


def job_ids_in_broker(queues: set[str], *, delivered_since: float | None = None) -> set[str]:
    """Jobs with a message waiting in `queues`, or delivered to a worker and not yet acked.

    `delivered_since` (Unix time): a message delivered before it counts as lost. Its worker
    took it and never claimed the job (a claim takes a moment), so that worker died; kombu
    would give the message back only after the visibility timeout, hours later.
    """
    task_ids = [task_id for queue in queues for task_id in waiting_task_ids(queue=queue)]
    for delivery in unacked_deliveries():
        lost = delivered_since is not None and delivery.delivered_at < delivered_since
        if delivery.task_id is not None and not lost:
            task_ids.append(delivery.task_id)
    return {match[1] for task_id in task_ids if (match := _JOB_IN_TASK_ID.fullmatch(task_id))}

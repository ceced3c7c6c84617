"""kombu's private Redis layout is where neuroyard.core.kombu_redis says it is.

Real Redis, real kombu: messages are sent and taken as Celery and its workers do, then looked
for in the keys the module names. A kombu upgrade that moves anything makes these fail.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import kombu
import pytest
from kombu import Connection

from neuroyard.config.celery import app as celery_app
from neuroyard.core.kombu_redis import (
    KOMBU_VERSION_CHECKED,
    broker_client,
    task_id_of,
    unacked_deliveries,
    unacked_index_key,
    unacked_key,
    waiting_counts,
    waiting_key,
    waiting_keys,
    waiting_task_ids,
)

PRIORITIES = [None, 9, 5, 0, 3, 7]  # None: sent without one


@pytest.fixture
def queue() -> str:
    return f"kombu-layout-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def connection() -> Iterator[Connection]:
    with celery_app.connection_for_read() as connection:
        yield connection


def send(queue: str, *, priority: int | None = None) -> str:
    task_id = f"layout-{uuid.uuid4().hex}"
    celery_app.send_task("layout.probe", queue=queue, task_id=task_id, priority=priority)
    return task_id


def task_ids_stored_at(key: str) -> list[str | None]:
    return [task_id_of(stored) for stored in broker_client().lrange(key, 0, -1)]


def test_the_layout_was_checked_against_the_installed_kombu():
    assert kombu.__version__ == KOMBU_VERSION_CHECKED, (
        "kombu was upgraded: run this file, check neuroyard.core.kombu_redis against the new "
        "kombu/transport/redis.py, then update KOMBU_VERSION_CHECKED"
    )


def test_a_waiting_message_is_in_the_list_of_its_priority(queue):  # noqa: ANN001
    sent = {priority: send(queue, priority=priority) for priority in PRIORITIES}

    for priority, task_id in sent.items():
        key = waiting_key(queue, priority=priority)
        assert key in waiting_keys(queue)
        assert task_id in task_ids_stored_at(key), f"priority {priority} not in {key!r}"
    # kombu keeps priorities apart: the lowest and the highest do not share a list
    assert waiting_key(queue, priority=0) == waiting_key(queue) == queue
    assert waiting_key(queue, priority=9) != queue
    assert waiting_counts(queues=[queue]) == {queue: len(PRIORITIES)}


def test_waiting_messages_are_listed_in_the_order_a_consumer_takes_them(queue, connection):  # noqa: ANN001
    for priority in PRIORITIES:
        send(queue, priority=priority)
    listed = waiting_task_ids(queue=queue)
    assert (
        waiting_counts(queues=[queue])[queue]
        == connection.default_channel.queue_declare(queue).message_count
    )

    taken = []
    with connection.SimpleQueue(queue, no_ack=False) as waiting:
        for _ in PRIORITIES:
            message = waiting.get(timeout=5)
            message.ack()
            taken.append(message.headers["id"])

    assert listed == taken
    assert waiting_task_ids(queue=queue) == []
    assert waiting_counts(queues=[queue]) == {queue: 0}


def test_a_message_taken_and_not_acked_is_in_the_unacked_hash_and_the_delivery_index(
    queue,  # noqa: ANN001
    connection,  # noqa: ANN001
):
    task_id = send(queue, priority=9)
    with connection.SimpleQueue(queue, no_ack=False) as waiting:
        before = time.time()
        message = waiting.get(timeout=5)  # taken, not acked: what a worker holds
        after = time.time()
        try:
            tag = message.delivery_tag
            assert broker_client().hexists(unacked_key(), tag)
            assert broker_client().zscore(unacked_index_key(), tag) is not None
            (delivery,) = [d for d in unacked_deliveries() if d.delivery_tag == tag]
            assert delivery.task_id == task_id
            assert before - 1 <= delivery.delivered_at <= after + 1
            assert task_id not in waiting_task_ids(queue=queue)
            assert waiting_counts(queues=[queue]) == {queue: 0}
        finally:
            message.ack()
    assert tag not in [d.delivery_tag for d in unacked_deliveries()]
    assert broker_client().zscore(unacked_index_key(), tag) is None


def test_the_transport_options_move_every_key_as_they_move_kombus(queue, settings):  # noqa: ANN001
    options = {"global_keyprefix": "layout-prefix:", "priority_steps": [0, 5]}
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = options
    waiting_id, taken_id = f"layout-{uuid.uuid4().hex}", f"layout-{uuid.uuid4().hex}"
    with (
        Connection(settings.CELERY_BROKER_URL, transport_options=options) as connection,
        connection.SimpleQueue(queue, no_ack=False) as waiting,
    ):
        waiting.put({}, headers={"id": taken_id}, priority=7)
        waiting.put({}, headers={"id": waiting_id}, priority=7)
        message = waiting.get(timeout=5)
        try:
            key = waiting_key(queue, priority=7)
            assert key.startswith("layout-prefix:") and key in waiting_keys(queue)
            assert task_ids_stored_at(key) == [waiting_id]
            assert waiting_task_ids(queue=queue) == [waiting_id]
            assert unacked_key().startswith("layout-prefix:")
            assert unacked_index_key().startswith("layout-prefix:")
            (delivery,) = [
                d for d in unacked_deliveries() if d.delivery_tag == message.delivery_tag
            ]
            assert delivery.task_id == taken_id
        finally:
            message.ack()
            waiting.clear()

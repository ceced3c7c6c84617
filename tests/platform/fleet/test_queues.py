"""Admins see each queue's backlog and reorder, cancel or move the jobs waiting in it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from neuroyard.config.celery import app as celery_app
from neuroyard.fleet.broker import messages_remove
from neuroyard.jobs.models import Job
from neuroyard.jobs.selectors import job_queue_position
from neuroyard.jobs.services import job_enqueue
from tests.platform.fleet.conftest import queued_job

pytestmark = pytest.mark.django_db


def enqueued(owner, queue: str, n: int) -> list[Job]:  # noqa: ANN001
    jobs = []
    for _ in range(n):
        job = queued_job(owner, queue)
        job_enqueue(job=job)
        jobs.append(job)
    return jobs


def next_message_job(queue: str) -> str:
    """The job of the message a worker takes next, taken through kombu as a worker takes it."""
    with (
        celery_app.connection_for_read() as connection,
        connection.SimpleQueue(queue, no_ack=False) as waiting,
    ):
        taken = waiting.get(timeout=5)
        taken.ack()
    return taken.headers["id"][len("job-") : len("job-") + 36]


def messages_waiting(queue: str) -> int:
    """As kombu counts them (a passive declare would fail once the queue is empty)."""
    with celery_app.connection_for_read() as connection:
        return int(connection.default_channel.queue_declare(queue).message_count)


def positions(jobs: list[Job]) -> list[int | None]:
    return [job_queue_position(job=Job.objects.get(id=job.id)) for job in jobs]


def test_a_job_moved_to_the_front_starts_next(admin_api, user, queue):  # noqa: ANN001
    first, second, third = enqueued(user, queue, 3)

    response = admin_api.post(f"/api/v1/queues/{queue}/jobs/{third.id}/front/")

    assert response.status_code == 200, response.content
    assert response.json()["position"] == 1
    assert positions([third, first, second]) == [1, 2, 3]
    assert next_message_job(queue) == str(third.id)
    assert next_message_job(queue) == str(first.id)


def test_the_latest_job_moved_to_the_front_goes_before_the_earlier_one(admin_api, user, queue):  # noqa: ANN001
    first, second, third = enqueued(user, queue, 3)
    admin_api.post(f"/api/v1/queues/{queue}/jobs/{second.id}/front/")
    admin_api.post(f"/api/v1/queues/{queue}/jobs/{third.id}/front/")

    assert positions([third, second, first]) == [1, 2, 3]
    listed = admin_api.get(f"/api/v1/queues/{queue}/jobs/").json()["results"]
    assert [job["id"] for job in listed] == [str(third.id), str(second.id), str(first.id)]
    assert [job["position"] for job in listed] == [1, 2, 3]
    assert [next_message_job(queue) for _ in range(3)] == [
        str(third.id), str(second.id), str(first.id)
    ]  # fmt: skip


def test_a_job_whose_message_was_lost_gets_one_at_the_front(admin_api, user, queue):  # noqa: ANN001
    first, lost = enqueued(user, queue, 2)
    messages_remove(queue=queue, job_id=lost.id)

    admin_api.post(f"/api/v1/queues/{queue}/jobs/{lost.id}/front/")

    assert next_message_job(queue) == str(lost.id)
    assert next_message_job(queue) == str(first.id)


def test_cancelling_a_waiting_job_removes_it_and_its_message(admin_api, user, queue):  # noqa: ANN001
    keep, cancel = enqueued(user, queue, 2)

    response = admin_api.post(f"/api/v1/queues/{queue}/jobs/{cancel.id}/cancel/")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"
    assert messages_waiting(queue) == 1
    assert next_message_job(queue) == str(keep.id)
    assert job_queue_position(job=Job.objects.get(id=keep.id)) == 1


def test_a_job_moved_to_another_queue_waits_there_and_not_in_the_old_one(admin_api, user, queue):  # noqa: ANN001
    other = f"{queue}-other"
    queued_job(user, other)  # makes `other` a known queue
    (job,) = enqueued(user, queue, 1)

    response = admin_api.post(
        f"/api/v1/queues/{queue}/jobs/{job.id}/move/", {"queue": other}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["queue"] == other
    assert messages_waiting(queue) == 0
    assert next_message_job(other) == str(job.id)
    assert Job.objects.get(id=job.id).queue == other


def test_moving_to_an_unknown_queue_is_refused(admin_api, user, queue):  # noqa: ANN001
    (job,) = enqueued(user, queue, 1)
    response = admin_api.post(
        f"/api/v1/queues/{queue}/jobs/{job.id}/move/", {"queue": "nowhere"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_queue"
    assert Job.objects.get(id=job.id).queue == queue
    assert messages_waiting(queue) == 1


def test_only_waiting_jobs_can_be_reordered(admin_api, user, queue):  # noqa: ANN001
    running = queued_job(user, queue, status=Job.Status.RUNNING)
    for action in ["front", "cancel"]:
        response = admin_api.post(f"/api/v1/queues/{queue}/jobs/{running.id}/{action}/")
        assert response.status_code == 409
        assert response.json()["code"] == "job_not_queued"
    assert Job.objects.get(id=running.id).status == Job.Status.RUNNING


def test_queue_overview_counts_jobs_and_ages_the_oldest_waiting_one(admin_api, user, queue):  # noqa: ANN001
    oldest, _newer = enqueued(user, queue, 2)
    Job.objects.filter(id=oldest.id).update(created_at=timezone.now() - timedelta(minutes=5))
    queued_job(user, queue, status=Job.Status.RUNNING)
    queued_job(user, queue, status=Job.Status.SUCCEEDED)

    response = admin_api.get("/api/v1/queues/")

    assert response.status_code == 200
    (stats,) = [q for q in response.json() if q["name"] == queue]
    assert stats["length"] == 2
    assert stats["broker_length"] == 2
    assert stats["by_state"] == {
        "queued": 2, "running": 1, "succeeded": 1, "failed": 0, "cancelled": 0, "pruned": 0
    }  # fmt: skip
    assert stats["oldest_waiting"]["job"] == str(oldest.id)
    assert 299 <= stats["oldest_waiting"]["age_seconds"] < 400


@pytest.mark.parametrize("path", ["/api/v1/queues/", "/api/v1/workers/"])
def test_people_who_are_not_staff_get_403(api, path):  # noqa: ANN001
    response = api.get(path)
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "permission_denied"
    assert body["message"]

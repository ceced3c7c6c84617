"""Job state changes under races: the database row decides who owns a job."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from neuroyard.config.celery import app as celery_app
from neuroyard.jobs.broker import job_ids_in_broker, task_id_for
from neuroyard.jobs.lifecycle import job_claim, jobs_lost_in_broker, jobs_requeue_stale
from neuroyard.jobs.models import Job
from neuroyard_core.jobs import RUN_JOB_TASK

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(user) -> Job:  # noqa: ANN001
    return Job.objects.create(owner=user, kind="train", queue="lifecycle-test", max_attempts=2)


def test_only_one_of_two_deliveries_claims_a_job(job):  # noqa: ANN001
    assert job_claim(job_id=job.id, worker="a@host/1") is not None
    assert job_claim(job_id=job.id, worker="b@host/2") is None
    job.refresh_from_db()
    assert (job.status, job.worker, job.attempt) == ("running", "a@host/1", 1)


def test_a_cancelled_queued_job_is_never_claimed(job):  # noqa: ANN001
    Job.objects.filter(id=job.id).update(status="cancelled", cancel_requested=True)
    assert job_claim(job_id=job.id, worker="a@host/1") is None


def test_a_dead_lease_holder_is_taken_over_and_a_live_one_is_not(job):  # noqa: ANN001
    job_claim(job_id=job.id, worker="a@host/1")
    assert job_claim(job_id=job.id, worker="b@host/2", holder_is_dead=lambda lease: False) is None
    taken = job_claim(job_id=job.id, worker="b@host/2", holder_is_dead=lambda lease: True)
    assert taken is not None and taken.worker == "b@host/2" and taken.attempt == 2


def test_a_job_whose_worker_keeps_dying_fails_at_the_attempt_cap(job):  # noqa: ANN001
    stale = timezone.now() - timedelta(minutes=5)
    for attempt in (1, 2):
        job_claim(job_id=job.id, worker=f"w@host/{attempt}")
        Job.objects.filter(id=job.id).update(heartbeat_at=stale)
        jobs_requeue_stale(stale_after=timedelta(seconds=60))
        job.refresh_from_db()
    assert job.status == "failed"
    assert job.error_code == "worker_lost"
    assert "2 times" in job.error_message


def test_a_fresh_heartbeat_keeps_a_running_job(job):  # noqa: ANN001
    job_claim(job_id=job.id, worker="w@host/1")
    assert jobs_requeue_stale(stale_after=timedelta(seconds=60)) == []
    job.refresh_from_db()
    assert job.status == "running"


def test_a_queued_job_whose_message_is_gone_is_found(job, user):  # noqa: ANN001
    long_ago = timezone.now() - timedelta(minutes=10)
    Job.objects.filter(id=job.id).update(enqueued_at=long_ago)
    waiting = Job.objects.create(owner=user, kind="train", queue="lifecycle-test")
    Job.objects.filter(id=waiting.id).update(enqueued_at=long_ago)
    celery_app.send_task(
        RUN_JOB_TASK,
        args=[str(waiting.id)],
        queue="lifecycle-test",
        task_id=task_id_for(waiting.id),
    )
    in_broker = job_ids_in_broker({"lifecycle-test"})
    assert str(waiting.id) in in_broker and str(job.id) not in in_broker

    lost = jobs_lost_in_broker(queued_before=timezone.now(), in_broker=in_broker)
    assert [j.id for j in lost] == [job.id]


def test_a_message_taken_by_a_worker_that_died_before_claiming_its_job_is_lost(job):  # noqa: ANN001
    """A worker took the message (unacked in Redis) and was killed before it claimed the job:
    once the delivery is older than the patience given, the job counts as lost."""
    queue_name = f"lifecycle-{job.id}"
    Job.objects.filter(id=job.id).update(queue=queue_name)
    celery_app.send_task(
        RUN_JOB_TASK, args=[str(job.id)], queue=queue_name, task_id=task_id_for(job.id)
    )
    with celery_app.connection_for_read() as connection:
        queue = connection.SimpleQueue(queue_name, no_ack=False)
        taken = queue.get(timeout=5)  # delivered, never acked: the worker is gone
        assert taken.headers["id"].startswith(f"job-{job.id}")
        delivered_at = time.time()
        try:
            assert str(job.id) in job_ids_in_broker({queue_name})
            assert str(job.id) in job_ids_in_broker({queue_name}, delivered_since=delivered_at - 60)
            assert str(job.id) not in job_ids_in_broker(
                {queue_name}, delivered_since=delivered_at + 1
            )
        finally:
            taken.ack()
            queue.close()

"""Workers that never lose a job: kills, restarts and duplicates against a whole stack of its own.

Each test drives a real platform (Redis, web server, gpu and cpu workers, scheduler) that the
test kills parts of, the way machines fail: SIGKILL, Redis restarted without persistence.
"""

from __future__ import annotations

import os
import signal
import time

import pytest
import requests
from celery import Celery
from django.conf import settings
from rest_framework.authtoken.models import Token

from neuroyard.jobs.broker import task_id_for
from neuroyard.jobs.models import Job
from neuroyard_core.jobs import RUN_JOB_TASK
from tests.conftest import digits_arrays, mlp_spec, npz_upload, wait_for_ingestion
from tests.stack import Stack, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

TRAIN = {"epochs": 16, "batch_size": 16, "seed": 3}


class Client:
    def __init__(self, stack: Stack, token: str) -> None:
        self.url = f"{stack.web.url}/api/v1"
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Token {token}"

    def post(self, path: str, **kwargs: object) -> dict:
        response = self.session.post(f"{self.url}{path}", timeout=60, **kwargs)
        assert response.status_code < 300, response.text
        return response.json()

    def get(self, path: str) -> dict | list:
        return self.session.get(f"{self.url}{path}", timeout=60).json()

    def train(self, dataset: str, spec: str, **params: object) -> str:
        body = {"kind": "train", "dataset": dataset, "spec": spec, "params": TRAIN | params}
        return self.post("/jobs/", json=body)["id"]


@pytest.fixture
def client(stack, user) -> Client:  # noqa: ANN001
    return Client(stack, Token.objects.create(user=user).key)


@pytest.fixture
def digits(client) -> tuple[str, str]:  # noqa: ANN001
    dataset = client.post("/datasets/", files={"file": npz_upload("d.npz", **digits_arrays())})
    wait_for_ingestion(lambda: client.get(f"/datasets/{dataset['id']}/"))
    spec = client.post("/specs/", json={"name": "mlp", "spec": mlp_spec(hidden=64)})
    return dataset["id"], spec["id"]


def final(job_id: str, stack: Stack, timeout: float = 240) -> Job:
    try:
        return wait_for(
            lambda: Job.objects.filter(id=job_id, status__in=Job.FINAL_STATUSES).first(),
            timeout=timeout,
            every=0.2,
        )
    except AssertionError:
        raise AssertionError(f"job {job_id} did not end:\n{stack.logs()}") from None


def epochs_recorded(job: Job) -> list[int]:
    return list(job.epochs.order_by("epoch").values_list("epoch", flat=True))


def lease_pid(job_id: str) -> int:
    job = wait_for(
        lambda: Job.objects.filter(id=job_id, status="running", progress__epoch__gte=3).first(),
        timeout=120,
        every=0.05,
    )
    return int(job.worker.rpartition("/")[2])


def test_killed_job_process_resumes_from_its_checkpoint(stack, client, digits):  # noqa: ANN001
    reference = final(client.train(*digits), stack)
    assert reference.status == "succeeded"

    job_id = client.train(*digits)
    os.kill(lease_pid(job_id), signal.SIGKILL)
    job = final(job_id, stack)

    assert job.status == "succeeded", job.error_message
    assert job.attempt == 2
    assert job.result["resumed_from_epoch"] >= 3
    assert epochs_recorded(job) == list(range(1, TRAIN["epochs"] + 1))
    accuracy = job.result["test_metrics"]["accuracy"]
    assert abs(accuracy - reference.result["test_metrics"]["accuracy"]) <= 0.01


def test_killed_worker_is_replaced_and_its_job_resumes_on_another_host(
    stack, client, digits, tmp_path
):  # noqa: ANN001
    job_id = client.train(*digits)
    lease_pid(job_id)
    stack.gpu_workers[0].kill()
    # the replacement shares only the database, Redis and storage, as another machine would
    stack.gpu_workers[0] = stack.start_gpu_worker({"NEUROYARD_WORKER_CACHE": str(tmp_path)})

    job = final(job_id, stack)
    assert job.status == "succeeded", job.error_message
    assert job.attempt == 2
    assert job.result["resumed_from_epoch"] >= 3
    assert epochs_recorded(job) == list(range(1, TRAIN["epochs"] + 1))
    assert not Job.objects.filter(status="running").exists()


def test_redis_restart_with_jobs_queued_loses_no_job(stack, client, digits):  # noqa: ANN001
    jobs = [client.train(*digits, epochs=3) for _ in range(3)]
    wait_for(lambda: Job.objects.filter(id=jobs[0], status="running").exists(), timeout=60)
    stack.restart_redis()  # the queued messages are gone with it

    ended = [final(job_id, stack) for job_id in jobs]
    assert [job.status for job in ended] == ["succeeded"] * 3
    assert all(epochs_recorded(job) == [1, 2, 3] for job in ended)


def test_the_same_message_delivered_twice_trains_once(stack, client, digits):  # noqa: ANN001
    job_id = client.train(*digits, epochs=3)
    sender = Celery(broker=stack.redis.url)
    sender.send_task(RUN_JOB_TASK, args=[job_id], queue="gpu", task_id=task_id_for(job_id))

    job = final(job_id, stack)
    assert job.status == "succeeded"
    assert job.attempt == 1
    assert epochs_recorded(job) == [1, 2, 3]
    wait_for(lambda: f"job {job_id}: not claimed" in stack.gpu_workers[0].log(), timeout=60)


def test_nan_loss_fails_in_words_and_the_next_job_succeeds(stack, client, digits):  # noqa: ANN001
    exploding = mlp_spec(hidden=64)
    exploding["compile"]["optimizer"] = {"type": "sgd", "learning_rate": 1e12}
    spec = client.post("/specs/", json={"name": "boom", "spec": exploding})["id"]
    failed = final(client.train(digits[0], spec, epochs=3), stack)
    assert failed.status == "failed"
    assert failed.error_code == "loss_nan"
    assert client.get(f"/jobs/{failed.id}/")["error"]["kind"] == "job"
    assert "epoch 1" in failed.error_message and "batch" in failed.error_message

    assert final(client.train(*digits, epochs=2), stack).status == "succeeded"


def test_time_limit_fails_the_job_and_the_next_job_succeeds(stack, client, digits):  # noqa: ANN001
    started = time.monotonic()
    job = final(client.train(*digits, epochs=10_000, time_limit=3), stack)
    assert job.status == "failed"
    assert job.error_code == "time_limit"
    assert time.monotonic() - started < 120
    assert final(client.train(*digits, epochs=2), stack).status == "succeeded"


def test_cancel_stops_a_running_job_at_the_next_batch(stack, client, digits):  # noqa: ANN001
    job_id = client.train(*digits, epochs=10_000)
    lease_pid(job_id)
    client.post(f"/jobs/{job_id}/cancel/")
    job = final(job_id, stack, timeout=30)
    assert job.status == "cancelled"
    assert 3 <= len(epochs_recorded(job)) < 10_000
    assert final(client.train(*digits, epochs=2), stack).status == "succeeded"


def test_out_of_memory_fails_with_a_hint_and_the_next_job_succeeds(stack, client, digits):  # noqa: ANN001
    huge = mlp_spec()
    huge["layers"][1:2] = [
        {"type": "Dense", "units": 6000, "activation": "relu"},
        {"type": "Dense", "units": 6000, "activation": "relu"},
    ]
    spec = client.post("/specs/", json={"name": "huge", "spec": huge})["id"]
    job = final(client.train(digits[0], spec, epochs=1), stack)
    assert job.status == "failed"
    assert job.error_code == "out_of_memory"
    assert "smaller batch size" in job.error_message
    assert final(client.train(*digits, epochs=2), stack).status == "succeeded"


def test_memory_returns_to_its_baseline_between_jobs(stack, client, digits):  # noqa: ANN001
    worker = stack.gpu_workers[0]
    after_each = []
    children = 1 + settings.NEUROYARD_SPARE_JOB_PROCESSES  # the next job's and the spare
    for _ in range(5):
        job = final(client.train(*digits, epochs=2), stack)
        assert job.status == "succeeded"
        finished = int(job.worker.rpartition("/")[2])
        # Measure once the pool holds only warm children: the job's own process has exited and
        # its replacement is up beside the spare.
        wait_for(lambda f=finished: f not in worker.job_process_pids(), timeout=30)
        wait_for(lambda: len(worker.job_process_pids()) == children, timeout=30)
        after_each.append(worker.rss_bytes())
    growth = max(after_each) - after_each[0]
    assert growth < 64 * 2**20, [f"{rss / 2**20:.0f} MB" for rss in after_each]

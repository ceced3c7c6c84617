"""The fleet as admins run it: workers appear with their devices, go offline when killed,
drain on request, and several hosts sharing only PostgreSQL/SQLite, Redis and an S3 object
store split the work. A whole stack of its own, its storage a local S3-compatible server.
"""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
import requests
from django.contrib.auth import get_user_model
from moto.server import ThreadedMotoServer
from rest_framework.authtoken.models import Token

from neuroyard.core.redis_server import free_port
from neuroyard.jobs.models import Job
from tests.conftest import digits_arrays, mlp_spec, npz_upload, wait_for_ingestion
from tests.integration.test_job_recovery import Client, final
from tests.stack import Stack, WorkerProcess, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

FAST = {
    "NEUROYARD_RECONCILE_SECONDS": "1",
    "NEUROYARD_STALE_AFTER_SECONDS": "4",
    "NEUROYARD_WORKER_OFFLINE_AFTER_SECONDS": "4",
    "NEUROYARD_LOST_MESSAGE_AFTER_SECONDS": "30",
    "NEUROYARD_HEARTBEAT_SECONDS": "1",
}
HOST = socket.gethostname()
PRETEND_GPUS = [
    {"name": "Pretend A100", "memory_total_bytes": 40 * 2**30},
    {"name": "Pretend H100", "memory_total_bytes": 80 * 2**30},
]


@pytest.fixture(scope="module")
def object_store() -> Iterator[dict[str, str]]:
    """An S3-compatible server on this machine (moto), as MinIO would be in a deployment."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per S3 request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port())
    server.start()
    endpoint = f"http://127.0.0.1:{server._port}"
    env = {
        "NEUROYARD_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": "neuroyard-test",
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": "test-access-key",
        "AWS_SECRET_ACCESS_KEY": "test-secret-key",
        "AWS_S3_ADDRESSING_STYLE": "path",
    }
    boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id="test-access-key", aws_secret_access_key="test-secret-key",
    ).create_bucket(Bucket=env["AWS_STORAGE_BUCKET_NAME"])  # fmt: skip
    yield env
    server.stop()


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, tmp_path_factory, object_store) -> Iterator[Stack]:  # noqa: ANN001
    with django_db_blocker.unblock():
        platform = Stack(tmp_path_factory.mktemp("fleet"), env=FAST | object_store)
    yield platform
    platform.stop()


class Api(Client):
    """The recovery tests' API client, with the fleet calls of an admin."""

    def call(self, method: str, path: str, **kwargs: object) -> requests.Response:
        return self.session.request(method, f"{self.url}{path}", timeout=60, **kwargs)

    def worker(self, name: str) -> dict | None:
        response = self.call("GET", "/workers/")
        assert response.status_code == 200, response.text
        return next((w for w in response.json() if w["name"] == f"{name}@{HOST}"), None)

    def worker_in(self, name: str, state: str) -> dict:
        return wait_for(lambda: (w := self.worker(name)) and w["state"] == state and w, timeout=60)

    def drain(self, name: str) -> dict:
        return self.post(f"/workers/{self.worker_in(name, 'idle')['id']}/drain/")

    def resume(self, name: str) -> dict:
        return self.post(f"/workers/{self.worker(name)['id']}/resume/")  # type: ignore[index]


@pytest.fixture
def admin(stack, db) -> Api:  # noqa: ANN001
    staff = get_user_model().objects.create_user(username="ops", password="x-1234", is_staff=True)
    return Api(stack, Token.objects.create(user=staff).key)


@pytest.fixture
def digits(admin) -> tuple[str, str]:  # noqa: ANN001
    dataset = admin.post("/datasets/", files={"file": npz_upload("d.npz", **digits_arrays())})
    wait_for_ingestion(lambda: admin.get(f"/datasets/{dataset['id']}/"))
    spec = admin.post("/specs/", json={"name": "mlp", "spec": mlp_spec(hidden=32)})
    return dataset["id"], spec["id"]


@pytest.fixture
def stack_worker_drained(stack, admin) -> Iterator[None]:  # noqa: ANN001
    """The stack's own gpu worker takes no jobs, so the test's workers get them."""
    admin.drain("stack-gpu0")
    yield
    admin.resume("stack-gpu0")


def start_worker(stack: Stack, name: str, cache: Path, **env: str) -> WorkerProcess:
    """Another host: its own cache and checkpoints, sharing only the DB, Redis and S3."""
    return WorkerProcess(
        name=name,
        queues=env.pop("queues", "gpu"),
        log_path=stack.folder / f"{name}.log",
        extra_env=stack.env | {"NEUROYARD_WORKER_CACHE": str(cache)} | env,
    )


def _log(stack: Stack, name: str) -> list[str]:
    return (stack.folder / f"{name}.log").read_text(errors="replace").splitlines()


def running_on(job_id: str, name: str) -> Job:
    return wait_for(
        lambda: Job.objects.filter(
            id=job_id, status="running", worker__startswith=f"{name}@", progress__epoch__gte=2
        ).first(),
        timeout=120,
        every=0.1,
    )


def test_a_new_worker_appears_with_its_queues_and_devices(stack, admin, user, tmp_path):  # noqa: ANN001
    worker = start_worker(
        stack, "fleet-a", tmp_path, queues="gpu,special",
        NEUROYARD_FAKE_GPUS=json.dumps(PRETEND_GPUS), CUDA_VISIBLE_DEVICES="1",
        NEUROYARD_WORKER_HEALTH_FILE=str(tmp_path / "alive"),
    )  # fmt: skip
    try:
        listed = admin.worker_in("fleet-a", "idle")
        assert listed["queues"] == ["gpu", "special"]
        assert listed["pid"] == worker.process.pid
        assert listed["host"] == HOST
        assert [(d["name"], d["memory_total_bytes"]) for d in listed["devices"]] == [
            ("Pretend H100", 80 * 2**30)
        ]
        assert admin.worker("stack-gpu0")["devices"][0]["name"] == "CPU only"  # type: ignore[index]
        alive = tmp_path / "alive"  # what container probes look at: touched by every heartbeat
        touched = wait_for(lambda: alive.exists() and alive.stat().st_mtime, timeout=30)
        wait_for(lambda: alive.stat().st_mtime > touched, timeout=30)
        refused = Api(stack, Token.objects.create(user=user).key)
        assert refused.call("GET", "/workers/").status_code == 403
    finally:
        worker.stop()
    assert admin.worker("fleet-a")["state"] == "offline"  # type: ignore[index]


def test_a_killed_worker_goes_offline_and_its_job_runs_on_another(
    stack, admin, digits, stack_worker_drained, tmp_path
):  # noqa: ANN001
    doomed = start_worker(stack, "fleet-doomed", tmp_path)
    admin.worker_in("fleet-doomed", "idle")
    job_id = admin.train(*digits, epochs=40)
    running_on(job_id, "fleet-doomed")
    assert admin.worker_in("fleet-doomed", "busy")["current_job"]["id"] == job_id
    admin.resume("stack-gpu0")

    doomed.kill()

    assert admin.worker_in("fleet-doomed", "offline")["current_job"] is None
    job = final(job_id, stack)
    assert job.status == "succeeded", job.error_message
    assert job.attempt == 2
    assert job.worker.startswith("stack-gpu0@")
    admin.drain("stack-gpu0")  # as the fixture left it


def test_a_drained_worker_finishes_its_job_and_takes_no_more(
    stack, admin, digits, stack_worker_drained, tmp_path
):  # noqa: ANN001
    worker = start_worker(stack, "fleet-drained", tmp_path)
    try:
        admin.worker_in("fleet-drained", "idle")
        first = admin.train(*digits, epochs=12)
        running_on(first, "fleet-drained")

        assert admin.drain("fleet-drained")["state"] == "draining"
        second = admin.train(*digits, epochs=2)

        assert final(first, stack).status == "succeeded"
        wait_for(lambda: admin.worker("fleet-drained")["current_job"] is None, timeout=30)  # type: ignore[index]
        time.sleep(3)  # several heartbeats and polls with a job waiting and the worker free
        assert Job.objects.get(id=second).status == "queued"
        assert admin.worker("fleet-drained")["state"] == "draining"  # type: ignore[index]
        assert admin.worker("fleet-drained")["jobs_done"] == 1  # type: ignore[index]

        admin.resume("fleet-drained")
        job = final(second, stack)
        assert job.status == "succeeded"
        assert job.worker.startswith("fleet-drained@")
    finally:
        worker.stop()


def test_two_hosts_with_their_own_caches_split_a_batch(
    stack, admin, digits, stack_worker_drained, tmp_path
):  # noqa: ANN001
    caches = [tmp_path / "host-1", tmp_path / "host-2"]
    workers = [
        start_worker(stack, f"fleet-host{i}", cache, NEUROYARD_LOG_FORMAT="json")
        for i, cache in enumerate(caches, 1)
    ]
    try:
        for i in (1, 2):
            admin.worker_in(f"fleet-host{i}", "idle")
        jobs = [admin.train(*digits, epochs=2, seed=n) for n in range(6)]
        ended = [final(job_id, stack) for job_id in jobs]

        assert [job.status for job in ended] == ["succeeded"] * 6
        ran_on = {job.worker.partition("@")[0] for job in ended}
        assert ran_on == {"fleet-host1", "fleet-host2"}
        for cache in caches:  # each host fetched the dataset from the object store itself
            assert any((cache / "inputs").iterdir()), cache
        done = [admin.worker(f"fleet-host{i}")["jobs_done"] for i in (1, 2)]  # type: ignore[index]
        assert sum(done) == 6 and min(done) >= 1
        for job in ended:  # every line a job's process logged names the job
            host = job.worker.partition("@")[0]
            job_pid = int(job.worker.rpartition("/")[2])
            lines = [json.loads(line) for line in _log(stack, host) if line.startswith("{")]
            of_job = [line for line in lines if line["process"] == job_pid]
            assert of_job, f"no JSON log lines from the process of job {job.id}"
            untagged = [line for line in of_job if line.get("job_id") != str(job.id)]
            assert not untagged, untagged
    finally:
        for worker in workers:
            worker.stop()

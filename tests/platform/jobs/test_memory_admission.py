"""A job whose network cannot fit the largest worker is refused at submission, in numbers."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from neuroyard.fleet.models import Worker
from neuroyard.jobs.models import Job
from tests.conftest import mlp_spec
from tests.platform.specs.datasets import ready_dataset

pytestmark = pytest.mark.django_db

GIB = 2**30


def register_worker(name: str, queue: str, devices: list[dict[str, Any]], **fields: Any) -> None:
    now = timezone.now()
    Worker.objects.create(
        name=name, host="h", pid=1, queues=[queue], devices=devices,
        started_at=now, last_heartbeat=now, **fields,
    )  # fmt: skip


def gpu(memory: int) -> dict[str, Any]:
    return {"type": "gpu", "index": 0, "name": "Test GPU", "memory_total_bytes": memory}


def submit(api, user, *, hidden: int, batch_size: int):  # noqa: ANN001, ANN201
    dataset = ready_dataset(user, input_shape=[64], num_classes=10)
    spec = api.post("/api/v1/specs/", {"name": "s", "spec": mlp_spec(hidden=hidden)}, format="json")
    assert spec.status_code == 201, spec.content
    return api.post(
        "/api/v1/jobs/",
        {
            "kind": "train",
            "dataset": str(dataset.id),
            "spec": spec.json()["id"],
            "params": {"batch_size": batch_size, "epochs": 1},
        },
        format="json",
    )


def test_a_network_larger_than_the_largest_gpu_is_refused_with_the_numbers(api, user) -> None:  # noqa: ANN001
    register_worker("gpu0@small", "gpu", [gpu(1 * GIB)])
    register_worker("gpu1@big", "gpu", [gpu(2 * GIB)])

    response = submit(api, user, hidden=100_000, batch_size=4096)

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "job_too_large"
    assert "at batch_size 4096" in body["message"]
    assert "gpu1@big" in body["message"] and "2.0 GiB" in body["message"]
    assert body["details"]["available_bytes"] == 2 * GIB
    assert body["details"]["needed_bytes"] > 2 * GIB
    assert Job.objects.count() == 0


def test_the_same_network_fits_at_a_smaller_batch_size(api, user) -> None:  # noqa: ANN001
    register_worker("gpu1@big", "gpu", [gpu(2 * GIB)])
    assert submit(api, user, hidden=100_000, batch_size=8).status_code == 202


def test_offline_workers_and_other_queues_do_not_count(api, user, settings) -> None:  # noqa: ANN001
    settings.NEUROYARD_JOB_MEMORY_LIMIT_MB = 0
    register_worker("gpu0@gone", "gpu", [gpu(1000 * GIB)], state=Worker.State.OFFLINE)
    register_worker("cpu@big", "cpu", [gpu(1000 * GIB)])
    register_worker("gpu1@small", "gpu", [gpu(GIB)])
    assert submit(api, user, hidden=100_000, batch_size=4096).json()["code"] == "job_too_large"


def test_a_cpu_worker_offers_its_memory_up_to_the_per_job_limit(api, user, settings) -> None:  # noqa: ANN001
    settings.NEUROYARD_JOB_MEMORY_LIMIT_MB = 1024
    cpu = {"type": "cpu", "name": "CPU only", "memory_total_bytes": 64 * GIB}
    register_worker("cpu@box", "gpu", [cpu])
    body = submit(api, user, hidden=100_000, batch_size=4096).json()
    assert body["code"] == "job_too_large"
    assert body["details"]["available_bytes"] == GIB


def test_with_no_worker_registered_the_per_job_limit_decides(api, user, settings) -> None:  # noqa: ANN001
    settings.NEUROYARD_JOB_MEMORY_LIMIT_MB = 512
    body = submit(api, user, hidden=100_000, batch_size=4096).json()
    assert body["code"] == "job_too_large"
    assert "per-job memory limit has 0.5 GiB" in body["message"]


def test_the_default_per_job_limit_is_a_share_of_the_machine() -> None:
    from neuroyard.config import settings as project_settings
    from neuroyard_core.machine import JOB_MEMORY_SHARE, machine_memory_bytes

    memory = machine_memory_bytes()
    assert memory
    expected = int(memory * JOB_MEMORY_SHARE) // 2**20
    limit = project_settings.NEUROYARD_JOB_MEMORY_LIMIT_MB
    assert limit == expected

"""Workers report themselves; admins see them, and the reconciler marks silent ones offline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from neuroyard.fleet.models import Worker
from neuroyard.fleet.services import (
    worker_heartbeat,
    worker_register,
    worker_stopped,
    workers_mark_offline,
)
from tests.platform.fleet.conftest import queued_job

pytestmark = pytest.mark.django_db

GPU = {
    "type": "gpu", "index": 0, "name": "Fake H100", "uuid": "GPU-fake-0",
    "memory_total_bytes": 80 * 2**30, "memory_used_bytes": 2**30, "utilization_percent": 37,
}  # fmt: skip


def register(name: str = "gpu0@host-a", **fields: object) -> Worker:
    values = {
        "host": "host-a", "pid": 4242, "queues": ["gpu"], "devices": [GPU], "version": "0.1.0"
    } | fields  # fmt: skip
    return worker_register(name=name, **values)  # type: ignore[arg-type]


def test_a_registered_worker_is_listed_with_its_devices_and_current_job(admin_api, user):  # noqa: ANN001
    job = queued_job(user, "gpu", status="running", progress={"epoch": 2, "epochs": 5})
    register()
    assert worker_heartbeat(
        name="gpu0@host-a", pid=4242, state="busy", current_job_id=str(job.id), devices=[GPU]
    )

    (listed,) = admin_api.get("/api/v1/workers/").json()

    assert listed["name"] == "gpu0@host-a"
    assert listed["host"] == "host-a"
    assert listed["queues"] == ["gpu"]
    assert listed["devices"] == [GPU]
    assert listed["state"] == "busy"
    assert listed["current_job"] == {"id": str(job.id), "kind": "train", "progress": job.progress}
    assert listed["heartbeat_age_seconds"] < 5
    assert listed["version"] == "0.1.0"


def test_a_restarted_worker_takes_its_row_back_with_fresh_counters():
    first = register(pid=1)
    Worker.objects.filter(id=first.id).update(jobs_done=7, state="offline")
    again = register(pid=2)
    assert again.id == first.id
    assert (again.pid, again.jobs_done, again.state) == (2, 0, "idle")


def test_a_heartbeat_of_an_old_process_of_the_same_name_changes_nothing():
    register(pid=2)
    assert not worker_heartbeat(
        name="gpu0@host-a", pid=1, state="busy", current_job_id=None, devices=[]
    )
    assert Worker.objects.get().state == "idle"


def test_workers_silent_past_the_threshold_are_marked_offline():
    register("silent@a")
    register("alive@b")
    Worker.objects.filter(name="silent@a").update(
        last_heartbeat=timezone.now() - timedelta(seconds=90), current_job=None
    )

    assert workers_mark_offline(silent_for=timedelta(seconds=60)) == ["silent@a"]
    assert dict(Worker.objects.values_list("name", "state")) == {
        "silent@a": "offline", "alive@b": "idle"
    }  # fmt: skip
    assert workers_mark_offline(silent_for=timedelta(seconds=60)) == []


def test_a_stopped_worker_is_offline():
    register()
    worker_stopped(name="gpu0@host-a", pid=4242)
    assert Worker.objects.get().state == "offline"


def test_an_offline_worker_cannot_be_drained(admin_api):  # noqa: ANN001
    worker = register()
    worker_stopped(name=worker.name, pid=worker.pid)
    response = admin_api.post(f"/api/v1/workers/{worker.id}/drain/")
    assert response.status_code == 409
    assert response.json()["code"] == "worker_offline"


def test_a_worker_that_does_not_answer_the_control_channel_is_reported(admin_api):  # noqa: ANN001
    worker = register("ghost@nowhere")  # a row, but no such Celery worker listens
    response = admin_api.post(f"/api/v1/workers/{worker.id}/drain/")
    assert response.status_code == 409
    assert response.json()["code"] == "worker_unreachable"
    assert Worker.objects.get().state == "idle"


def test_an_unknown_worker_answers_404(admin_api):  # noqa: ANN001
    response = admin_api.post("/api/v1/workers/999/resume/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"

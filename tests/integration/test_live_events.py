"""Watching a job live over server-sent events from the real ASGI web process."""

from __future__ import annotations

import json

import pytest
import requests
from rest_framework.authtoken.models import Token

from tests.conftest import digits_arrays, mlp_spec, npz_upload, wait_for_ingestion

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def read_events(response: requests.Response) -> list[tuple[str, dict]]:
    events, name = [], None
    for line in response.iter_lines(decode_unicode=True):
        if line.startswith("event: "):
            name = line[7:]
        elif line.startswith("data: "):
            events.append((name, json.loads(line[6:])))
            if name == "status" and events[-1][1]["status"] in ("succeeded", "failed"):
                break
    return events


def test_epochs_stream_live_until_the_job_ends(api, user, cpu_worker, gpu_worker, web_server):  # noqa: ANN001
    token = Token.objects.create(user=user).key
    headers = {"Authorization": f"Token {token}"}
    dataset = requests.post(
        f"{web_server.url}/api/v1/datasets/",
        headers=headers,
        files={"file": npz_upload("digits.npz", **digits_arrays())},
        timeout=30,
    ).json()
    wait_for_ingestion(lambda: api.get(f"/api/v1/datasets/{dataset['id']}/").json())
    spec = api.post("/api/v1/specs/", {"name": "mlp", "spec": mlp_spec()}, format="json").json()
    job = api.post(
        "/api/v1/jobs/",
        {
            "kind": "train",
            "dataset": dataset["id"],
            "spec": spec["id"],
            "params": {"epochs": 6, "batch_size": 64},
        },
        format="json",
    ).json()

    with requests.get(
        f"{web_server.url}/api/v1/jobs/{job['id']}/events/",
        headers=headers,
        stream=True,
        timeout=120,
    ) as response:
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("text/event-stream")
        events = read_events(response)

    assert events[0][0] == "snapshot"
    seen = [e["epoch"] for _, e in events if _ == "epoch"]
    seen += [m["epoch"] for m in events[0][1]["epochs"]]
    assert sorted(seen) == list(range(1, 7))
    assert events[-1] == ("status", {"type": "status", "status": "succeeded"})


def test_events_of_someone_elses_job_are_not_found(user, other_user, web_server):  # noqa: ANN001
    from neuroyard.jobs.models import Job

    job = Job.objects.create(owner=user, kind="train", queue="gpu", status="succeeded")
    token = Token.objects.create(user=other_user).key
    response = requests.get(
        f"{web_server.url}/api/v1/jobs/{job.id}/events/",
        headers={"Authorization": f"Token {token}"},
        timeout=10,
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"

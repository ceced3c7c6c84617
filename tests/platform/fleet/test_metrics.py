"""`/metrics` gives Prometheus the jobs, queues, durations, workers and API latency."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from neuroyard.fleet.services import worker_register
from tests.platform.fleet.conftest import queued_job

pytestmark = pytest.mark.django_db


def scrape(client: Client, **headers: str) -> str:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.content
    return response.content.decode()


def test_metrics_report_jobs_queues_durations_workers_and_latency(api, user, queue):  # noqa: ANN001
    queued_job(user, queue)
    now = timezone.now()
    queued_job(
        user, queue, status="succeeded", started_at=now - timedelta(seconds=30), finished_at=now
    )
    worker_register(
        name="gpu0@a", host="a", pid=1, queues=[queue], version="x",
        devices=[{"type": "gpu", "index": 0, "name": "Fake", "memory_used_bytes": 123,
                  "utilization_percent": 50}],
    )  # fmt: skip
    api.get("/api/v1/jobs/")

    text = scrape(Client())

    assert 'neuroyard_jobs{kind="train",state="queued"}' in text
    assert f'neuroyard_queue_length{{queue="{queue}",source="database"}} 1.0' in text
    assert f'neuroyard_queue_length{{queue="{queue}",source="broker"}} 0.0' in text
    assert 'neuroyard_job_duration_seconds_bucket{kind="train",le="15.0"} 0.0' in text
    assert 'neuroyard_job_duration_seconds_bucket{kind="train",le="60.0"} 1.0' in text
    assert 'neuroyard_job_duration_seconds_sum{kind="train"} 30.0' in text
    assert 'neuroyard_worker_heartbeat_age_seconds{state="idle",worker="gpu0@a"}' in text
    assert 'neuroyard_gpu_memory_used_bytes{gpu="0",name="Fake",worker="gpu0@a"} 123.0' in text
    assert 'neuroyard_gpu_utilization_percent{gpu="0",name="Fake",worker="gpu0@a"} 50.0' in text
    assert (
        'neuroyard_http_request_duration_seconds_count{method="GET",route="api/v1/jobs/",status="200"}'
        in text
    )


def test_a_configured_token_is_required(settings):  # noqa: ANN001
    settings.NEUROYARD_METRICS_TOKEN = "s3cret-token"
    client = Client()
    refused = client.get("/metrics")
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert "neuroyard_jobs" in scrape(client, Authorization="Bearer s3cret-token")


def test_in_production_without_a_token_only_staff_may_read_them(settings, user):  # noqa: ANN001
    settings.PRODUCTION = True
    settings.NEUROYARD_METRICS_TOKEN = ""
    client = Client()
    assert client.get("/metrics").status_code == 403
    client.force_login(user)
    assert client.get("/metrics").status_code == 403
    user.is_staff = True
    user.save()
    assert "neuroyard_jobs" in scrape(client)

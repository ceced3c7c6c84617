"""A job kind added with only its registry entry, engine function and runner (tests/integration/
echo_kind.py) is served by the API, checked at submission and run by a real worker process."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator

import pytest

from tests.integration.echo_kind import ECHO
from tests.integration.test_image_jobs import finished
from tests.stack import WorkerProcess

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ECHO_MEMORY_LIMIT_MB = 64


@pytest.fixture(scope="module")
def echo_worker(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[WorkerProcess]:  # noqa: ANN001
    """A worker that loads the site's kinds module and takes the kind's queue."""
    with django_db_blocker.unblock():
        worker = WorkerProcess(
            name="echo",
            queues="echo",
            log_path=tmp_path_factory.mktemp("worker") / "echo-worker.log",
            extra_env={
                "NEUROYARD_JOB_KIND_MODULES": "tests.integration.echo_kind",
                "NEUROYARD_JOB_MEMORY_LIMIT_MB": str(ECHO_MEMORY_LIMIT_MB),
            },
        )
    yield worker
    worker.stop()


def payload(content: bytes = b"neuroyard ") -> io.BytesIO:
    buffer = io.BytesIO(content)
    buffer.name = "payload.txt"
    return buffer


def test_the_new_kind_is_served_with_its_form(api) -> None:  # noqa: ANN001
    kinds = {kind["name"]: kind for kind in api.get("/api/v1/job-kinds/").json()}

    echo = kinds["echo"]
    assert echo == ECHO.describe()
    assert echo["title"] == "Echo" and echo["queue"] == "echo"
    assert echo["inputs"] == [
        {"name": "payload", "title": "Payload", "description": "Any file.", "required": True,
         "accept": ""}
    ]  # fmt: skip
    assert echo["params_schema"]["properties"]["times"]["maximum"] == 10


def test_its_checks_refuse_at_submission(api) -> None:  # noqa: ANN001
    missing = api.post("/api/v1/jobs/", {"kind": "echo", "params": "{}"}, format="multipart")
    unlucky = api.post(
        "/api/v1/jobs/",
        {"kind": "echo", "params": '{"times": 7}', "payload": payload()},
        format="multipart",
    )
    too_many = api.post(
        "/api/v1/jobs/",
        {"kind": "echo", "params": '{"times": 11}', "payload": payload()},
        format="multipart",
    )

    assert (missing.status_code, missing.json()["code"]) == (400, "input_required")
    assert (unlucky.status_code, unlucky.json()["code"]) == (400, "unlucky")
    assert (too_many.status_code, too_many.json()["code"]) == (400, "invalid_params")


def test_a_worker_runs_it_end_to_end(api, echo_worker) -> None:  # noqa: ANN001
    submitted = api.post(
        "/api/v1/jobs/",
        {"kind": "echo", "params": '{"times": 3}', "payload": payload()},
        format="multipart",
    )
    assert submitted.status_code == 202, submitted.content

    job = finished(api, submitted.json()["id"], echo_worker, timeout=120)

    expected = b"neuroyard " * 3
    assert job["result"] == {"bytes": 30, "sha256": hashlib.sha256(expected).hexdigest()}
    artifacts = api.get(f"/api/v1/jobs/{job['id']}/artifacts/").json()
    made = [a for a in artifacts if a["kind"] == "report"]
    assert [a["name"] for a in made] == ["echo.bin"]
    download = api.get(f"/api/v1/artifacts/{made[0]['id']}/download/")
    assert b"".join(download.streaming_content) == expected


def test_a_job_past_its_memory_limit_fails_as_out_of_memory_and_the_worker_lives(
    api,
    echo_worker,  # noqa: ANN001
) -> None:
    big = payload(b"x" * (ECHO_MEMORY_LIMIT_MB // 8 * 2**20))  # ten times that is past the limit
    submitted = api.post(
        "/api/v1/jobs/", {"kind": "echo", "params": '{"times": 10}', "payload": big},
        format="multipart",
    )  # fmt: skip
    assert submitted.status_code == 202, submitted.content

    job = finished(api, submitted.json()["id"], echo_worker, status="failed", timeout=120)

    assert job["error"]["code"] == "out_of_memory"
    assert f"{ECHO_MEMORY_LIMIT_MB} MB" in job["error"]["message"]
    assert echo_worker.process.poll() is None
    again = api.post(
        "/api/v1/jobs/", {"kind": "echo", "params": '{"times": 2}', "payload": payload()},
        format="multipart",
    )  # fmt: skip
    assert finished(api, again.json()["id"], echo_worker, timeout=120)["status"] == "succeeded"

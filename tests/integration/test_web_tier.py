"""The web tier under load, against real uvicorn processes: database connections stay pooled,
downloads stream and resume, and hundreds of event streams are served at once."""

from __future__ import annotations

import asyncio
import hashlib
import os
import signal
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
from django.conf import settings
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from neuroyard.jobs.events import publish
from neuroyard.jobs.models import Artifact, Job
from tests.stack import WebServer, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _token(user: Any) -> dict[str, str]:
    return {"Authorization": f"Token {Token.objects.create(user=user).key}"}


def _artifact(user: Any, path: Path, *, size: int | None = None, data: bytes = b"") -> Artifact:
    """An artifact whose file is written straight into the media folder: a sparse one of
    `size` bytes, or `data`."""
    full = Path(settings.MEDIA_ROOT) / "artifacts" / path.name
    full.parent.mkdir(parents=True, exist_ok=True)
    with full.open("wb") as file:
        if size is None:
            file.write(data)
        else:
            file.truncate(size)
    return Artifact.objects.create(
        owner=user,
        kind=Artifact.Kind.MODEL,
        name=path.name,
        file=f"artifacts/{path.name}",
        size_bytes=full.stat().st_size,
        sha256=hashlib.sha256(data).hexdigest() if size is None else "0" * 64,
        content_type="application/octet-stream",
    )


def _rss(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0]) * 1024


# --- database connections ------------------------------------------------------------------

APP_NAME = "neuroyard-pool-test"


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="the pool is PostgreSQL's (DATABASE_URL)",
)
def test_concurrent_requests_leave_at_most_the_pool_open(user, tmp_path) -> None:  # noqa: ANN001
    pool_size, processes = 3, 2
    server = WebServer(
        log_path=tmp_path / "web.log",
        workers=processes,
        # libpq names this server's connections; the session's workers hold their own
        extra_env={"NEUROYARD_DB_POOL_SIZE": str(pool_size), "PGAPPNAME": APP_NAME},
    )
    try:
        headers = _token(user)
        job = Job.objects.create(owner=user, kind="train", queue="gpu", params={})

        def get(path: str) -> int:
            return requests.get(f"{server.url}{path}", headers=headers, timeout=60).status_code

        paths = [f"/api/v1/jobs/{job.id}/", "/api/v1/jobs/", "/healthz"] * 100
        with ThreadPoolExecutor(max_workers=32) as threads:
            statuses = list(threads.map(get, paths))

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND application_name = %s",
                [APP_NAME],
            )
            (open_connections,) = cursor.fetchone()
    finally:
        server.stop()
    assert set(statuses) == {200}
    assert 0 < open_connections <= pool_size * processes


# --- downloads -----------------------------------------------------------------------------


def test_a_large_download_streams_through_the_web_process(user, tmp_path) -> None:  # noqa: ANN001
    size = 256 * 1024**2
    artifact = _artifact(user, tmp_path / "large.keras", size=size)
    server = WebServer(log_path=tmp_path / "web.log")  # one process: its RSS is the server's
    try:
        url = f"{server.url}/api/v1/artifacts/{artifact.id}/download/"
        before, peak, received = _rss(server.process.pid), 0, 0
        with requests.get(url, headers=_token(user), stream=True, timeout=120) as response:
            assert response.status_code == 200
            assert response.headers["Content-Length"] == str(size)
            assert response.headers["Accept-Ranges"] == "bytes"
            for chunk in response.iter_content(1024 * 1024):
                received += len(chunk)
                peak = max(peak, _rss(server.process.pid))
        log = server.log()
    finally:
        server.stop()
    assert received == size
    assert peak - before < 64 * 1024**2, f"the web process grew by {(peak - before) >> 20} MB"
    assert "must consume synchronous iterators" not in log


def test_a_range_request_answers_those_bytes_and_resumes(user, web_server, tmp_path) -> None:  # noqa: ANN001
    data = os.urandom(1_000_000)
    artifact = _artifact(user, tmp_path / "model.keras", data=data)
    url = f"{web_server.url}/api/v1/artifacts/{artifact.id}/download/"
    headers = _token(user)

    def get(**extra: str) -> requests.Response:
        return requests.get(url, headers=headers | extra, timeout=30)

    middle = get(Range="bytes=1000-1999")
    tail = get(Range="bytes=-10")
    resumed = get(Range="bytes=600000-", **{"If-Range": middle.headers["ETag"]})
    changed = get(Range="bytes=600000-", **{"If-Range": '"another-file"'})
    beyond = get(Range="bytes=2000000-")

    assert (middle.status_code, middle.content) == (206, data[1000:2000])
    assert middle.headers["Content-Range"] == "bytes 1000-1999/1000000"
    assert (tail.status_code, tail.content) == (206, data[-10:])
    assert (resumed.status_code, resumed.content) == (206, data[600000:])
    assert (changed.status_code, changed.content) == (200, data)
    assert beyond.status_code == 416
    assert beyond.headers["Content-Range"] == "bytes */1000000"


# --- tokens remembered across processes ----------------------------------------------------


def test_a_token_withdrawn_in_one_process_is_refused_by_the_web_at_once(user, web_server) -> None:  # noqa: ANN001
    """The web processes remember a token in Redis; a logout, a password change or a user made
    inactive anywhere else (here: this test's process) is honoured by the next request."""
    me = f"{web_server.url}/api/v1/auth/me/"
    login = {"username": "ada", "password": "lovelace-1815"}

    def token() -> dict[str, str]:
        answer = requests.post(f"{web_server.url}/api/v1/auth/token/", json=login, timeout=10)
        return {"Authorization": f"Token {answer.json()['token']}"}

    first = token()
    assert requests.get(me, headers=first, timeout=10).status_code == 200  # remembered now
    here = APIClient()
    here.credentials(HTTP_AUTHORIZATION=first["Authorization"])
    assert here.post("/api/v1/auth/logout/").status_code == 204
    assert requests.get(me, headers=first, timeout=10).status_code == 401

    second = token()
    assert requests.get(me, headers=second, timeout=10).json()["is_staff"] is False
    user.is_staff = True
    user.save()
    assert requests.get(me, headers=second, timeout=10).json()["is_staff"] is True
    user.is_active = False
    user.save()
    assert requests.get(me, headers=second, timeout=10).status_code == 401


# --- live events ---------------------------------------------------------------------------


def test_two_hundred_event_streams_all_receive_an_event(user, tmp_path) -> None:  # noqa: ANN001
    watchers = 200
    job = Job.objects.create(owner=user, kind="train", queue="gpu", params={})
    headers = _token(user)
    server = WebServer(log_path=tmp_path / "web.log")  # one process holds every stream

    async def watch(client: httpx.AsyncClient, subscribed: asyncio.Queue[None]) -> list[str]:
        lines: list[str] = []
        url = f"{server.url}/api/v1/jobs/{job.id}/events/"
        async with client.stream("GET", url, headers=headers) as response:
            assert response.status_code == 200
            async for line in response.aiter_lines():
                lines.append(line)
                if line.startswith("event: snapshot"):
                    await subscribed.put(None)  # subscribed before the snapshot was read
                if line.startswith("data: ") and '"succeeded"' in line:
                    return lines
        return lines

    async def main() -> list[list[str]]:
        limits = httpx.Limits(max_connections=watchers + 10)
        async with httpx.AsyncClient(limits=limits, timeout=120) as client:
            subscribed: asyncio.Queue[None] = asyncio.Queue()
            streams = [asyncio.create_task(watch(client, subscribed)) for _ in range(watchers)]
            for _ in range(watchers):
                await asyncio.wait_for(subscribed.get(), timeout=120)
            publish(job.id, {"type": "status", "status": "succeeded"})
            return await asyncio.gather(*streams)

    try:
        received = asyncio.run(main())
    finally:
        server.stop()
    assert len(received) == watchers
    assert all("event: status" in lines for lines in received)


# --- several processes ---------------------------------------------------------------------


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_the_web_processes_serve_together_and_stop_together(tmp_path, signum: int) -> None:  # noqa: ANN001
    server = WebServer(log_path=tmp_path / "web.log", workers=2)
    try:
        wait_for(lambda: server.log().count("Application startup complete") == 2, timeout=60)
        pid = server.process.pid
        children = [
            int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        ]
        assert len(children) >= 2
        assert requests.get(f"{server.url}/healthz", timeout=30).status_code == 200

        server.process.send_signal(signum)  # the supervisor alone, as Ctrl-C in honcho reaches it
        server.process.wait(timeout=30)
        wait_for(lambda: not any(Path(f"/proc/{pid}").exists() for pid in children), timeout=30)
    finally:
        server.stop()

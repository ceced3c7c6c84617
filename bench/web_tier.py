"""Benchmark: the web tier with a team's load, against a trivial JSON view on the same server.

Through uvicorn with NEUROYARD_WEB_WORKERS processes (default: one per core): `wrk` on a job's
detail at 16 and 64 connections and on /healthz, beside /bench/reference/ (a view that only
answers JSON: what the server, Django and its middleware cost); then the job list of one user
with 100,000 jobs (seeded with a bulk insert), first page, `?status=queued`, and the page at
row 90,000, by cursor. Prints each figure with the goal of issue 13.

Runs on DATABASE_URL (PostgreSQL, as in production; the database's tables are used and its
rows added to: give it one of its own; the seeded jobs stay there for the next run) or, unset,
SQLite in the run's var dir.
`python -m bench.web_tier`; BENCH_WRK_SECONDS (10), BENCH_JOBS (100000).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from datetime import timedelta

from bench.environment import VAR  # first: Django set up on the run's own var dir and Redis

# isort: split
import numpy as np
import requests
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from rest_framework.authtoken.models import Token

from neuroyard.core.pagination import cursor_for
from neuroyard.core.processes import web_workers
from neuroyard.jobs.models import Job
from tests.stack import WebServer

WRK_SECONDS = int(os.environ.get("BENCH_WRK_SECONDS", "10"))
JOBS = int(os.environ.get("BENCH_JOBS", "100000"))
QUEUED_EVERY = 25  # 4% of the jobs wait in the queue, as in the measurement
LIST_REQUESTS = 40


def seed(user: object) -> None:
    """JOBS jobs of one user, a second apart, by bulk insert."""
    start = timezone.now() - timedelta(seconds=JOBS)
    batch: list[Job] = []
    for i in range(JOBS):
        status = Job.Status.QUEUED if i % QUEUED_EVERY == 0 else Job.Status.SUCCEEDED
        batch.append(Job(owner=user, kind="train", queue="gpu", status=status, params={}))
        if len(batch) == 5000 or i == JOBS - 1:
            created = Job.objects.bulk_create(batch)
            # auto_now_add set them all to now: spread them out, oldest first
            for offset, job in enumerate(created, start=i + 1 - len(created)):
                job.created_at = start + timedelta(seconds=offset)
            Job.objects.bulk_update(created, ["created_at"])
            batch = []


def wrk(url: str, *, connections: int, token: str | None = None) -> dict[str, float]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{WRK_SECONDS}s", "--latency", url]
    if token:
        command[1:1] = ["-H", f"Authorization: Token {token}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout

    def ms(label: str) -> float:
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "p50": ms("50%"),
        "p99": ms("99%"),
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": sum(int(n) for n in socket.groups()) if socket else 0,
    }


def list_latency(session: requests.Session, url: str) -> tuple[float, float]:
    spent = []
    for _ in range(LIST_REQUESTS):
        started = time.perf_counter()
        response = session.get(url, timeout=30)
        spent.append(time.perf_counter() - started)
        response.raise_for_status()
    ms = np.array(spent) * 1000
    return float(np.percentile(ms, 50)), float(np.percentile(ms, 95))


def main() -> int:
    if shutil.which("wrk") is None:
        print("web_tier: needs wrk (apt-get install -y wrk)")
        return 1
    call_command("migrate", verbosity=0)
    user, _ = get_user_model().objects.get_or_create(username="bench-web")
    if Job.objects.filter(owner=user).count() != JOBS:  # kept from an earlier run otherwise
        Job.objects.filter(owner=user).delete()
        started = time.perf_counter()
        seed(user)
        print(f"seeded {JOBS} jobs by bulk insert in {time.perf_counter() - started:.1f}s")
    if connection.vendor == "postgresql":
        # the statistics autovacuum gathers in a while, at once: without them the planner takes
        # the user's 100,000 jobs for a few dozen and sorts them all for the first page (100 ms)
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(Job._meta.db_table)}")
    queued = Job.objects.filter(owner=user, status=Job.Status.QUEUED).order_by("created_at")[0]
    token = Token.objects.get_or_create(user=user)[0].key
    processes = web_workers()
    web = WebServer(
        log_path=VAR / "web.log",
        workers=processes,
        extra_env={"DJANGO_SETTINGS_MODULE": "bench.web_settings"},
    )
    try:
        print(f"web: uvicorn, {processes} processes, {os.cpu_count()} cores (shared)")
        reference = wrk(f"{web.url}/bench/reference/", connections=16)
        health = wrk(f"{web.url}/healthz", connections=16)
        detail = f"{web.url}/api/v1/jobs/{queued.id}/"
        at16 = wrk(detail, connections=16, token=token)
        at64 = wrk(detail, connections=64, token=token)
        for name, row in [
            ("reference JSON view, 16 conn", reference),
            ("/healthz, 16 conn", health),
            ("GET /api/v1/jobs/{id}/, 16 conn", at16),
            ("GET /api/v1/jobs/{id}/, 64 conn", at64),
        ]:
            print(
                f"{name:34s} {row['rps']:8.1f} req/s  p50 {row['p50']:6.1f} ms  "
                f"p99 {row['p99']:6.1f} ms  errors {row['errors'] + row['socket_errors']}  "
                f"({row['rps'] / reference['rps']:.2f}x reference)"
            )
        print("  goal: job detail >= 500 req/s at 16 and 64 connections, 0 errors, p99 <= 100 ms")

        session = requests.Session()
        session.headers["Authorization"] = f"Token {token}"
        deep = Job.objects.filter(owner=user).order_by("-created_at", "-id")[90_000 - 1]
        lists = {
            "job list, first page": f"{web.url}/api/v1/jobs/",
            "job list ?status=queued": f"{web.url}/api/v1/jobs/?status=queued",
            "job list at row 90,000 (cursor)": (
                f"{web.url}/api/v1/jobs/?cursor={cursor_for(deep.created_at, deep.pk)}"
            ),
        }
        ref50, ref95 = list_latency(session, f"{web.url}/bench/reference/")
        print(f"{'reference JSON view, 1 client':34s} p50 {ref50:6.1f} ms  p95 {ref95:6.1f} ms")
        for name, url in lists.items():
            p50, p95 = list_latency(session, url)
            print(f"{name:34s} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  (goal p95 <= 50 ms)")
    finally:
        web.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

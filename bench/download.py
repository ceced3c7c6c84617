"""Benchmark: downloading a big artifact through the web process, against reading the file.

A 500 MB artifact (BENCH_DOWNLOAD_MB) of a job, fetched through uvicorn (one process) with
the API's token: time to the first byte, throughput, and the web process' peak memory growth
while it streams; beside it, in the same run, reading the same file from disk in the same
chunks. Goals (issue 13): memory growth < 20 MB, first byte <= 50 ms.

`make bench` (or `python -m bench.download`).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

# first: Django set up on the run's own var dir and Redis
from bench.environment import VAR, bench_user

# isort: split
import requests
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from bench.ingest import PeakSampler, memory_kb
from neuroyard.jobs.artifacts import artifact_create
from neuroyard.jobs.models import Job
from tests.stack import WebServer

MB = 1024 * 1024
SIZE_MB = int(os.environ.get("BENCH_DOWNLOAD_MB", "500"))
CHUNK = 256 * 1024
FIRST_BYTE_SAMPLES = 20


def big_file(path: Path) -> None:
    block = os.urandom(MB)
    with path.open("wb") as out:
        for _ in range(SIZE_MB):
            out.write(block)


def read_seconds(path: Path) -> float:
    started = time.perf_counter()
    with path.open("rb") as file:
        while file.read(CHUNK):
            pass
    return time.perf_counter() - started


def main() -> int:
    call_command("migrate", verbosity=0)
    user = bench_user()
    token = Token.objects.create(user=user).key
    job = Job.objects.create(owner=user, kind="train", queue="gpu", status="succeeded", params={})
    source = VAR / "big.bin"
    big_file(source)
    with source.open("rb") as file:
        artifact = artifact_create(
            owner_id=user.pk, kind="report", name="big.bin", file=file, folder="bench", job=job
        )
    url_path = f"/api/v1/artifacts/{artifact.id}/download/"

    web = WebServer(log_path=VAR / "web.log")
    session = requests.Session()
    session.headers["Authorization"] = f"Token {token}"
    try:
        url = web.url + url_path
        # first byte: the response's headers and first chunk, the rest not read
        first_bytes = []
        for _ in range(FIRST_BYTE_SAMPLES):
            started = time.perf_counter()
            with session.get(url, stream=True, timeout=60) as response:
                response.raise_for_status()
                next(response.iter_content(CHUNK))
                first_bytes.append(time.perf_counter() - started)

        pid = web.process.pid
        Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets VmHWM to the current RSS
        baseline_kb = memory_kb(pid, "VmRSS")
        sampler = PeakSampler(pid)
        sampler.start()
        started = time.perf_counter()
        received = 0
        with session.get(url, stream=True, timeout=60) as response:
            response.raise_for_status()
            for chunk in response.iter_content(CHUNK):
                received += len(chunk)
        seconds = time.perf_counter() - started
        sampler.done.set()
        sampler.join()
        peak_kb = max(sampler.peak_kb, memory_kb(pid, "VmHWM"))
    finally:
        web.stop()
    assert received == SIZE_MB * MB, received
    disk = read_seconds(source)

    growth_mb = (peak_kb - baseline_kb) / 1024
    first_ms = statistics.median(first_bytes) * 1000
    print(f"download of a {SIZE_MB} MB artifact through the web process (uvicorn, 1 process):")
    print(
        f"  web process peak memory growth {growth_mb:.1f} MB (baseline RSS "
        f"{baseline_kb / 1024:.0f} MiB)  (goal < 20 MB)"
    )
    print(f"  first byte p50 {first_ms:.1f} ms over {FIRST_BYTE_SAMPLES} requests  (goal <= 50 ms)")
    print(
        f"  {SIZE_MB / seconds:.0f} MB/s; reading the file from disk {SIZE_MB / disk:.0f} MB/s  "
        f"ratio {disk / seconds:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

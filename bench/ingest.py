"""Benchmark: uploading and ingesting a dataset of more than 1 GB, then training on it.

(a) the web process' peak memory growth while a 1.1 GB NPZ streams through it; goal < 50 MB.
(b) ingestion throughput (upload stored -> dataset ready, on the cpu worker) in MB/s, beside a
    plain copy of the same file on the same disk measured in the same run (ratio).
(c) a train job on that dataset completes in a worker whose job process may grow its heap
    (RLIMIT_DATA, NEUROYARD_JOB_MEMORY_LIMIT_MB) by far less than the dataset's size: training
    streams the shards with tf.data.

Starts its own Redis, SQLite database, web server and workers: `make bench` (or
`python -m bench.ingest`). Needs about 5 GB of free disk in the temp folder.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import sys
import threading
import time
import uuid
import zipfile
from pathlib import Path

# first: Django set up on the run's own var dir and Redis
from bench.environment import VAR, bench_user

# isort: split
import numpy as np
from django.conf import settings
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from tests.stack import CpuWorkerProcess, WebServer, WorkerProcess, wait_for

SAMPLES = int(os.environ.get("BENCH_INGEST_SAMPLES", 1_100_000))
FEATURES = 256  # float32: 1 KiB a sample, so 1.1 GB by default
CHUNK = 1024 * 1024
JOB_MEMORY_LIMIT_MB = int(os.environ.get("BENCH_JOB_MEMORY_LIMIT_MB", 512))
MB = 1e6


def write_npz(path: Path) -> None:
    """x: SAMPLES x FEATURES float32 noise, y: which of the first 10 features is largest.
    Written a chunk at a time: the benchmark itself never holds the dataset."""
    rng = np.random.default_rng(0)
    rows = 65_536
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        labels = []
        with archive.open("x.npy", "w", force_zip64=True) as out:
            header = {"descr": "<f4", "fortran_order": False, "shape": (SAMPLES, FEATURES)}
            np.lib.format.write_array_header_2_0(out, header)
            for start in range(0, SAMPLES, rows):
                x = rng.standard_normal((min(rows, SAMPLES - start), FEATURES), np.float32)
                labels.append(np.argmax(x[:, :10], axis=1))
                out.write(x.tobytes())
        with archive.open("y.npy", "w") as out:
            np.lib.format.write_array(out, np.concatenate(labels).astype(np.int64))


def memory_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


class PeakSampler(threading.Thread):
    """Samples a process' resident memory every 5 ms until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.005):
            try:
                self.peak_kb = max(self.peak_kb, memory_kb(self.pid, "VmRSS"))
            except OSError:
                return


def upload(server: WebServer, token: str, path: Path, name: str) -> tuple[int, str]:
    """POST the file as multipart, streamed from disk with a Content-Length."""
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\n{name}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=1200)
    connection.putrequest("POST", "/api/v1/datasets/")
    connection.putheader("Authorization", f"Token {token}")
    connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    connection.putheader("Content-Length", str(len(head) + path.stat().st_size + len(tail)))
    connection.endheaders()
    connection.send(head)
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            connection.send(chunk)
    connection.send(tail)
    response = connection.getresponse()
    body = response.read().decode()
    assert response.status in (200, 202), body
    return response.status, body.split('"id":"')[1].split('"')[0]


def ready(dataset_id: str, timeout: float = 3600) -> None:
    from neuroyard.datasets.models import Dataset

    dataset = wait_for(
        lambda: Dataset.objects.filter(id=dataset_id).exclude(status="processing").first(),
        timeout=timeout,
        every=0.05,
    )
    assert dataset.status == "ready", (dataset.error_code, dataset.error)


def train_under_limit(api_user: object, dataset_id: str) -> tuple[float, int, str]:
    """A 1-epoch MLP on the big dataset in a worker with a job memory limit; (seconds, peak
    RSS of the job process in kB, final status)."""
    from neuroyard.jobs.models import Job
    from neuroyard.jobs.services import job_create
    from neuroyard.specs.services import spec_create

    worker = WorkerProcess(
        name="bench-gpu",
        log_path=VAR / "gpu-worker.log",
        extra_env={"NEUROYARD_JOB_MEMORY_LIMIT_MB": str(JOB_MEMORY_LIMIT_MB)},
    )
    try:
        spec = spec_create(
            owner=api_user,
            name="mlp",
            spec={
                "layers": [
                    {"type": "Input", "shape": [FEATURES]},
                    {"type": "Dense", "units": 64, "activation": "relu"},
                    {"type": "Dense", "units": 10, "activation": "softmax"},
                ],
                "compile": {"optimizer": "adam", "loss": "sparse_categorical_crossentropy",
                            "metrics": ["accuracy"]},
            },
        )  # fmt: skip
        from neuroyard.datasets.models import Dataset

        job = job_create(
            owner=api_user,
            kind="train",
            params={"epochs": 1, "batch_size": 1024},
            dataset=Dataset.objects.get(id=dataset_id),
            spec=spec,
        )
        started = time.perf_counter()
        peak_kb = 0
        while True:
            job.refresh_from_db()
            for pid in worker.job_process_pids():
                with contextlib.suppress(OSError):  # it may just have exited
                    peak_kb = max(peak_kb, memory_kb(pid, "VmHWM"))
            if job.status in Job.FINAL_STATUSES:
                break
            time.sleep(0.2)
        seconds = time.perf_counter() - started
        if job.status != "succeeded":
            print(worker.log()[-3000:])
        return seconds, peak_kb, f"{job.status} {job.error_code or ''} {job.error_message or ''}"
    finally:
        worker.stop()


def main() -> int:
    call_command("migrate", verbosity=0)
    user = bench_user()
    token = Token.objects.create(user=user).key
    source = VAR / "big.npz"
    write_npz(source)
    size = source.stat().st_size
    print(f"dataset file: {size / MB:.0f} MB ({SAMPLES} samples x {FEATURES} float32)")

    server = WebServer(log_path=VAR / "web.log")
    ingester = CpuWorkerProcess(name="bench-cpu", log_path=VAR / "cpu-worker.log")
    try:
        small = VAR / "warm-up.npz"
        np.savez(small, x=np.eye(4, dtype=np.float32), y=np.array([0, 1, 0, 1]))
        ready(upload(server, token, small, "warm-up.npz")[1])  # imports, first request

        pid = server.process.pid
        Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets VmHWM to the current RSS
        baseline_kb = memory_kb(pid, "VmRSS")
        sampler = PeakSampler(pid)
        sampler.start()
        began = time.perf_counter()
        _, dataset_id = upload(server, token, source, "big.npz")
        uploaded = time.perf_counter()
        sampler.done.set()
        sampler.join()
        peak_kb = max(sampler.peak_kb, memory_kb(pid, "VmHWM"))
        ready(dataset_id)
        ingested = time.perf_counter()
    finally:
        server.stop()
        ingester.stop()

    stored = Path(settings.MEDIA_ROOT) / "bench-copy.bin"
    copy_began = time.perf_counter()
    shutil.copyfile(source, stored)
    copy_seconds = time.perf_counter() - copy_began
    stored.unlink()

    growth_mb = (peak_kb - baseline_kb) * 1024 / MB
    upload_rate = size / MB / (uploaded - began)
    ingest_rate = size / MB / (ingested - uploaded)
    copy_rate = size / MB / copy_seconds
    print(
        f"(a) web process peak memory growth during the upload: {growth_mb:.1f} MB "
        f"(baseline RSS {baseline_kb / 1024:.0f} MiB)  (goal < 50 MB); "
        f"upload {upload_rate:.0f} MB/s"
    )
    print(
        f"(b) ingestion {ingest_rate:.0f} MB/s ({ingested - uploaded:.1f} s), plain file copy "
        f"{copy_rate:.0f} MB/s  ratio {ingest_rate / copy_rate:.2f}"
    )
    seconds, job_peak_kb, status = train_under_limit(user, dataset_id)
    print(
        f"(c) train job, 1 epoch over {size / MB:.0f} MB with the job's heap growth capped at "
        f"{JOB_MEMORY_LIMIT_MB} MB (RLIMIT_DATA): {status.strip()} in {seconds:.0f} s, "
        f"job process peak RSS {job_peak_kb / 1024:.0f} MiB"
    )
    shutil.rmtree(VAR, ignore_errors=True)
    return 0 if status.startswith("succeeded") else 1


if __name__ == "__main__":
    sys.exit(main())

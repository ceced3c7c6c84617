"""Benchmark: a 1 GB dataset sent through the Python client's resumable (tus) upload to a real
uvicorn web process, the connection cut at 60 % and the upload resumed.

Prints (a) the bytes sent again because of the cut, as a ratio to the file (at most the piece
in flight: 8 MiB, < 1 %), (b) the web process' peak memory growth while the file streams
through it (goal: flat, < 50 MB), (c) the upload's throughput beside a plain copy of the same
file on the same disk, measured in the same run (ratio).

Starts its own Redis, SQLite database and web server (no worker: the dataset is not ingested):
`make bench` (or `python -m bench.resumable_upload`). Needs about 3 GB of free disk in the temp
folder; BENCH_UPLOAD_SAMPLES sets the file's size (1 KiB a sample).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sys
import time
from pathlib import Path

# first: Django set up on the run's own var dir and Redis
from bench.environment import VAR, bench_user

# isort: split
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from bench import ingest
from bench.ingest import PeakSampler, memory_kb
from neuroyard_client import Neuroyard, NeuroyardError
from neuroyard_client.uploads import ResumableUpload
from tests.client.proxy import CuttingProxy
from tests.stack import WebServer

SAMPLES = int(os.environ.get("BENCH_UPLOAD_SAMPLES", 1_000_000))  # 1 GB of float32
CUT_AT = 0.6
MB = 1e6


def main() -> int:
    logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per piece
    call_command("migrate", verbosity=0)
    user = bench_user()
    token = Token.objects.create(user=user).key
    source = VAR / "big.npz"
    ingest.SAMPLES = SAMPLES
    ingest.write_npz(source)
    size = source.stat().st_size
    print(f"file: {size / MB:.0f} MB ({SAMPLES} samples x {ingest.FEATURES} float32)")

    server = WebServer(log_path=VAR / "web.log")
    proxy = CuttingProxy(server.port)
    try:
        client = Neuroyard(proxy.url, token=token, progress=False)
        warm_up = VAR / "warm-up.npz"
        with source.open("rb") as handle:  # two pieces: imports, the first requests
            warm_up.write_bytes(handle.read(9 * 1024 * 1024))
        with contextlib.suppress(NeuroyardError):  # a cut-off NPZ is refused once complete
            ResumableUpload(client.transport, warm_up, {}, remember=False).run()
        proxy.sent = 0

        pid = server.process.pid
        Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets VmHWM to the current RSS
        baseline_kb = memory_kb(pid, "VmRSS")
        sampler = PeakSampler(pid)
        sampler.start()
        proxy.cut_after = int(size * CUT_AT)
        upload = ResumableUpload(client.transport, source, {"name": "big"}, remember=False)
        began = time.perf_counter()
        dataset_id = upload.run()
        seconds = time.perf_counter() - began
        sampler.done.set()
        sampler.join()
        peak_kb = max(sampler.peak_kb, memory_kb(pid, "VmHWM"))
    finally:
        proxy.close()
        server.stop()

    copy = VAR / "copy.bin"
    copy_began = time.perf_counter()
    shutil.copyfile(source, copy)
    copy_seconds = time.perf_counter() - copy_began
    copy.unlink()

    resent = proxy.sent - size  # HTTP headers included: a few hundred bytes a piece
    upload_rate = size / MB / seconds
    copy_rate = size / MB / copy_seconds
    print(
        f"(a) cut at {CUT_AT:.0%} ({proxy.cuts} cut), resumed from byte {upload.resumed_from} "
        f"({upload.resumed_from / size:.1%}); sent again {resent / MB:.1f} MB = "
        f"{resent / size:.2%} of the file; dataset {dataset_id}"
    )
    print(
        f"(b) web process peak memory growth during the upload: "
        f"{(peak_kb - baseline_kb) * 1024 / MB:.1f} MB (baseline RSS {baseline_kb / 1024:.0f} MiB)"
        "  (goal: flat, < 50 MB)"
    )
    print(
        f"(c) resumable upload {upload_rate:.0f} MB/s ({seconds:.1f} s, cut and resume "
        f"included), plain file copy {copy_rate:.0f} MB/s  ratio {upload_rate / copy_rate:.2f}"
    )
    shutil.rmtree(VAR, ignore_errors=True)
    return 0 if proxy.cuts == 1 and upload.interruptions >= 1 else 1


if __name__ == "__main__":
    sys.exit(main())

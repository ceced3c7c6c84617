"""Benchmark: synchronous predictions end to end, against what they are made of.

POST /api/v1/models/{id}/predict/ (one digits sample, a small cached MLP) through uvicorn,
Redis and the inference worker: p50/p99 latency for one client, then p50/p99 and requests per
second for concurrent clients (loopback only, a bounded number of requests), with micro-
batching (the worker's 8 threads) and without it (1 thread). Beside it, measured in the same
run: the same model's in-process `predict_on_batch`, and a raw Celery round trip (the
`neuroyard.ping` task on the same inference worker and Redis). Goals (issue 13): p50 <= 10 ms
for one client, >= 300 requests/s for 8. One web process, as in the issue's figures;
BENCH_PREDICT_WEB_WORKERS=0 runs as many as `make run` does.

Starts its own Redis, SQLite database, web server and worker: `make bench` (or
`python -m bench.predict`).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

# first: Django set up on the run's own var dir and Redis
from bench.environment import VAR, bench_user

# isort: split
import numpy as np
import requests
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from neuroyard.core.processes import web_workers
from tests.conftest import digits_arrays
from tests.platform.registry.trained_models import digits_mlp, registered_model
from tests.stack import InferenceWorkerProcess, WebServer

SEQUENTIAL = int(os.environ.get("BENCH_PREDICT_REQUESTS", "300"))
# web processes: 1 as in the figures; 0 for the default (NEUROYARD_WEB_WORKERS)
WEB_WORKERS = int(os.environ.get("BENCH_PREDICT_WEB_WORKERS", "1"))
CLIENTS = int(os.environ.get("BENCH_PREDICT_CLIENTS", "8"))
PER_CLIENT = int(os.environ.get("BENCH_PREDICT_PER_CLIENT", "60"))
HEAVY_UNITS = 8192


def percentiles(seconds: list[float]) -> tuple[float, float]:
    ms = np.array(seconds) * 1000
    return float(np.percentile(ms, 50)), float(np.percentile(ms, 99))


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process and its children (uvicorn's workers) have used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return own + sum(cpu_seconds(int(child)) for child in children)


def timed(call: Callable[[], object], times: int) -> list[float]:
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        spent.append(time.perf_counter() - started)
    return spent


class Client:
    def __init__(self, url: str, token: str, sample: list[float]) -> None:
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Token {token}"
        self.url, self.body = url, {"inputs": [sample], "top_k": 3}
        self.batched: list[int] = []

    def predict(self) -> None:
        response = self.session.post(self.url, json=self.body, timeout=30)
        if response.status_code != 200:
            raise RuntimeError(f"{response.status_code}: {response.text[:300]}")
        self.batched.append(response.json()["batched_requests"])

    def warm_up(self, times: int, *, timeout: float = 300.0) -> None:
        """Predictions until the model is loaded: the first may outlast the request timeout
        (a big model on a busy machine) and answer 202; its answer is polled for."""
        for _ in range(times):
            response = self.session.post(self.url, json=self.body, timeout=30)
            deadline = time.monotonic() + timeout
            while response.status_code == 202 and time.monotonic() < deadline:
                time.sleep(0.5)
                poll = self.url.split("/api/")[0] + response.json()["poll_url"]
                response = self.session.get(poll, timeout=30)
            if response.status_code != 200:
                raise RuntimeError(f"{response.status_code}: {response.text[:300]}")


def concurrent(url: str, token: str, sample: list[float]) -> tuple[list[float], float, float]:
    """(latencies, requests per second, mean requests per network call) of CLIENTS clients
    sending PER_CLIENT requests each, all at once."""
    clients = [Client(url, token, sample) for _ in range(CLIENTS)]
    for client in clients:
        client.predict()  # connections open
    latencies: list[list[float]] = [[] for _ in clients]
    start = threading.Barrier(CLIENTS + 1)

    def run(i: int) -> None:
        start.wait()
        latencies[i] = timed(clients[i].predict, PER_CLIENT)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    flat = [s for per_client in latencies for s in per_client]
    batched = [b for c in clients for b in c.batched[1:]]
    return flat, len(flat) / elapsed, float(np.mean(batched))


def main() -> int:
    import keras

    from neuroyard.config.celery import app

    call_command("migrate", verbosity=0)
    user = bench_user()
    token = Token.objects.create(user=user).key
    arrays = digits_arrays()
    path = digits_mlp(VAR / "digits.keras", arrays, epochs=2)
    model = registered_model(user, path, input_shape=[64], class_names=[str(i) for i in range(10)])
    sample = arrays["x_test"][0].tolist()
    # a model whose forward pass outweighs the platform's work: where batching shows
    keras.utils.set_random_seed(0)
    hidden = [keras.layers.Dense(HEAVY_UNITS, activation="relu") for _ in range(2)]
    heavy_network = keras.Sequential(
        [keras.Input((64,)), *hidden, keras.layers.Dense(10, activation="softmax")]
    )
    heavy_network.save(VAR / "heavy.keras")
    heavy = registered_model(user, VAR / "heavy.keras", input_shape=[64])

    # in-process reference: the same model, one sample, predict_on_batch
    network = keras.saving.load_model(path, compile=False)
    x = arrays["x_test"][:1]
    network.predict_on_batch(x)
    network.predict_on_batch(arrays["x_test"][:2])
    in_process = timed(lambda: network.predict_on_batch(x), SEQUENTIAL)

    web = WebServer(log_path=VAR / "web.log", workers=WEB_WORKERS or web_workers())
    url = f"{web.url}/api/v1/models/{model.id}/predict/"
    heavy_url = f"{web.url}/api/v1/models/{heavy.id}/predict/"
    results: dict[str, tuple[list[float], float, float]] = {}
    try:
        for threads in (8, 1):
            worker = InferenceWorkerProcess(
                name=f"bench-inference-{threads}",
                log_path=VAR / f"inference-{threads}.log",
                threads=threads,
            )
            try:
                client = Client(url, token, sample)
                client.warm_up(20)  # model loaded, connections warm
                if threads == 8:
                    ping = timed(
                        lambda: app.send_task("neuroyard.ping", queue="inference").get(timeout=30),
                        SEQUENTIAL,
                    )
                    pids = {"web": web.process.pid, "inference worker": worker.process.pid}
                    before = {name: cpu_seconds(pid) for name, pid in pids.items()}
                    sequential = timed(client.predict, SEQUENTIAL)
                    cpu = {n: (cpu_seconds(p) - before[n]) / SEQUENTIAL for n, p in pids.items()}
                results[f"small, {threads} thread(s)"] = concurrent(url, token, sample)
                Client(heavy_url, token, sample).warm_up(5)
                results[f"heavy, {threads} thread(s)"] = concurrent(heavy_url, token, sample)
            finally:
                worker.stop()
    finally:
        web.stop()

    p50_sync, p99_sync = percentiles(sequential)
    p50_ping, p99_ping = percentiles(ping)
    p50_local, p99_local = percentiles(in_process)
    print(f"synchronous predict, 1 client, {SEQUENTIAL} requests (one digits sample each):")
    print(
        f"  end to end        p50 {p50_sync:6.2f} ms  p99 {p99_sync:6.2f} ms   (goal p50 <= 10 ms)"
    )
    print(
        f"  raw Celery ping   p50 {p50_ping:6.2f} ms  p99 {p99_ping:6.2f} ms   (same Redis, worker)"
    )
    print(f"  predict_on_batch  p50 {p50_local:6.2f} ms  p99 {p99_local:6.2f} ms   (in process)")
    print(
        f"  ratios: end to end / Celery round trip {p50_sync / p50_ping:.2f}, "
        f"end to end / predict_on_batch {p50_sync / p50_local:.1f}"
    )
    spent = ", ".join(f"{name} {seconds * 1000:.2f} ms" for name, seconds in cpu.items())
    print(f"  CPU time per request: {spent}  (the machine's load: {os.getloadavg()[0]:.1f})")
    heavy_x = np.repeat(x, CLIENTS, axis=0)
    heavy_network.predict_on_batch(heavy_x)
    one, together = (percentiles(timed(lambda b=b: heavy_network.predict_on_batch(b), 30))[0]
                     for b in (x, heavy_x))  # fmt: skip
    print(
        f"{CLIENTS} concurrent clients x {PER_CLIENT} requests (small: the MLP above; heavy: "
        f"64-{HEAVY_UNITS}-{HEAVY_UNITS}-10, predict_on_batch {one:.1f} ms for 1 sample, "
        f"{together:.1f} ms for {CLIENTS}; 8 threads batch, 1 thread cannot; "
        f"goal >= 300 requests/s; {web.workers} web process(es)):"
    )
    for name, (latencies, rate, batched) in results.items():
        p50, p99 = percentiles(latencies)
        print(
            f"  {name:18s} p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  {rate:7.1f} requests/s  "
            f"{batched:.2f} requests per network call"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

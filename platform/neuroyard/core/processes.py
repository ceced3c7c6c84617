"""How each Neuroyard process kind is started; `make run`, the tests and deploy files agree."""

from __future__ import annotations

import os
import sys

from neuroyard.config.env import env_int

CELERY_APP = "neuroyard.config.celery"


def web_workers() -> int:
    """NEUROYARD_WEB_WORKERS, or one web process per core this process may run on. More
    processes than cores, or more threads per process, only add runnable threads that take the
    cores (and each process's GIL) from one another: on 2 cores, a job's detail under wrk at 64
    connections (issue 13, alternated runs) answered 1,050-1,200 req/s with p99 188-192 ms from
    4 processes of 4 threads, 1,270-1,440 req/s with p99 74-86 ms from 2 processes of 2, 3 or
    4 threads (2 of 8: 750 req/s, p99 180-200 ms)."""
    return env_int("NEUROYARD_WEB_WORKERS", 0) or len(os.sched_getaffinity(0))


def web_threads() -> int:
    """NEUROYARD_WEB_THREADS (4): the threads each web process serves the API with (see
    neuroyard.core.asgi_handler): enough that one waiting on the database or Redis leaves
    another to run, few enough not to crowd the process's GIL. Its database pool has as many
    connections unless NEUROYARD_DB_POOL_SIZE says otherwise."""
    return env_int("NEUROYARD_WEB_THREADS", 4)


def web_command(*, host: str, port: int, workers: int | None = None) -> list[str]:
    """uvicorn with several processes on one socket (its supervisor restarts one that dies and
    stops them all on SIGINT/SIGTERM); each has its own database pool (NEUROYARD_DB_POOL_SIZE)."""
    return [
        sys.executable, "-m", "uvicorn", "neuroyard.config.asgi:application",
        "--host", host, "--port", str(port), "--no-access-log",
        "--workers", str(workers or web_workers()),
    ]  # fmt: skip


def gpu_worker_command(*, name: str = "gpu", queues: str = "gpu") -> list[str]:
    """One job at a time, each in a fresh child process (GPU memory is returned after it)."""
    return worker_command(name=name, queues=queues, extra=["--max-tasks-per-child", "1"])


def cpu_worker_command(*, name: str = "cpu", queues: str = "control,cpu") -> list[str]:
    return worker_command(name=name, queues=queues)


def inference_worker_command(
    *, name: str = "inference", queues: str = "inference", threads: int | None = None
) -> list[str]:
    """One long-lived process that keeps loaded models in memory and runs TensorFlow in one
    thread of its own; as many threads as the concurrency (NEUROYARD_INFERENCE_THREADS, 8)
    answer predictions, waiting for it, so that requests arriving together go through the
    network together (neuroyard_worker.inference.taker, .server). The pool's threads run the
    queue's Celery tasks: exports and model checks."""
    return worker_command(
        name=name,
        queues=queues,
        concurrency=threads or env_int("NEUROYARD_INFERENCE_THREADS", 8),
        extra=["--pool", "threads"],
    )


def worker_command(
    *, name: str, queues: str, extra: list[str] | None = None, concurrency: int = 1
) -> list[str]:
    return [
        sys.executable, "-m", "celery", "-A", CELERY_APP, "worker",
        "--queues", queues, "--concurrency", str(concurrency), "--hostname", f"{name}@%h",
        "--loglevel", "INFO", "--without-gossip", "--without-mingle", *(extra or []),
    ]  # fmt: skip


def beat_command(*, schedule: str) -> list[str]:
    return [
        sys.executable, "-m", "celery", "-A", CELERY_APP, "beat",
        "--schedule", schedule, "--loglevel", "INFO",
    ]  # fmt: skip

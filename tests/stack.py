"""Real processes for integration tests and benchmarks, on the test database.

`WorkerProcess` and `WebServer` join the session's Redis; `Stack` is a whole platform of its
own (Redis, web, workers, scheduler) for tests that kill and restart parts of it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from neuroyard.core.processes import (
    beat_command,
    cpu_worker_command,
    gpu_worker_command,
    inference_worker_command,
    web_command,
)
from neuroyard.core.redis_server import free_port, redis_command, wait_for_redis

REPO = Path(__file__).resolve().parents[1]


def wait_for(predicate: Callable[[], Any], *, timeout: float = 120, every: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(every)


def shared_database_url() -> str:
    """The URL of the database this process uses (the test database under pytest)."""
    from django.db import connection

    settings = connection.settings_dict
    if settings["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings['NAME']}"
    user = settings.get("USER") or ""
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    return f"postgres://{user}{password}@{settings['HOST']}{port}/{settings['NAME']}"


class ManagedProcess:
    """A child process with its own log file, started in its own process group."""

    ready_marker: bytes = b""

    def __init__(self, command: list[str], *, log_path: Path, env: dict[str, str]) -> None:
        self.log_path = log_path
        self._log = log_path.open("ab")
        self.process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        if self.ready_marker:
            wait_for(self._ready, timeout=120, every=0.1)

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"{self.log_path.name} exited early:\n{self.log()[-5000:]}")
        return self.ready_marker in self.log_path.read_bytes()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the whole process group: no clean-up, as when a machine dies."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()


# Test workers never reach the internet for weights, nor find a developer's installed ones.
NO_WEIGHTS = {
    "NEUROYARD_WEIGHTS_DOWNLOAD": "0",
    "NEUROYARD_WEIGHTS_DIR": str(Path(tempfile.gettempdir()) / "neuroyard-tests-no-weights"),
}


def _env(extra: dict[str, str] | None) -> dict[str, str]:
    return dict(os.environ) | NO_WEIGHTS | {"DATABASE_URL": shared_database_url()} | (extra or {})


class WorkerProcess(ManagedProcess):
    """A training worker (`celery worker -Q gpu`, a fresh child per job), as `make run` runs it."""

    ready_marker = b"ready."

    def __init__(
        self,
        *,
        name: str,
        log_path: Path,
        queues: str = "gpu",
        extra_env: dict[str, str] | None = None,
    ) -> None:
        super().__init__(
            gpu_worker_command(name=name, queues=queues), log_path=log_path, env=_env(extra_env)
        )

    def rss_bytes(self) -> int:
        """Resident memory of the worker and its job processes together."""
        pids = [self.process.pid, *self.job_process_pids()]
        total = 0
        for pid in pids:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            if "VmRSS:" in status:  # a zombie has none
                total += int(status.split("VmRSS:")[1].split()[0]) * 1024
        return total

    def job_process_pids(self) -> list[int]:
        """The pool children: the processes that run jobs."""
        out = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True
        ).stdout
        return [int(pid) for pid in out.split()]


class CpuWorkerProcess(ManagedProcess):
    ready_marker = b"ready."

    def __init__(self, *, name: str, log_path: Path, extra_env: dict[str, str] | None = None):
        super().__init__(cpu_worker_command(name=name), log_path=log_path, env=_env(extra_env))


class InferenceWorkerProcess(ManagedProcess):
    """The inference worker (`celery worker -Q inference`, threads pool), as `make run` runs it."""

    ready_marker = b"ready."

    def __init__(
        self,
        *,
        name: str,
        log_path: Path,
        threads: int | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        command = inference_worker_command(name=name, threads=threads)
        super().__init__(command, log_path=log_path, env=_env(extra_env))


class BeatProcess(ManagedProcess):
    ready_marker = b"beat: Starting..."

    def __init__(self, *, log_path: Path, extra_env: dict[str, str] | None = None) -> None:
        schedule = str(log_path.with_suffix(".schedule"))
        super().__init__(beat_command(schedule=schedule), log_path=log_path, env=_env(extra_env))


class WebServer(ManagedProcess):
    """The ASGI web process (uvicorn), as `make run` starts it, on a free port."""

    ready_marker = b"Application startup complete"

    def __init__(
        self, *, log_path: Path, extra_env: dict[str, str] | None = None, workers: int = 1
    ) -> None:
        self.port, self.workers = free_port(), workers
        self.url = f"http://127.0.0.1:{self.port}"
        command = web_command(host="127.0.0.1", port=self.port, workers=workers)
        super().__init__(command, log_path=log_path, env=_env(extra_env))


class RedisProcess(ManagedProcess):
    """A Redis server without persistence, restartable on the same port."""

    def __init__(self, *, log_path: Path, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        data_dir = log_path.parent / f"redis-{self.port}"
        command = redis_command(port=self.port, data_dir=data_dir, persist=False)
        super().__init__(command, log_path=log_path, env=dict(os.environ))
        wait_for_redis(self.url)

    def restarted(self) -> RedisProcess:
        """Kill this server (everything in it is lost) and start a fresh one on the same port."""
        self.kill()
        return RedisProcess(log_path=self.log_path, port=self.port)


class Stack:
    """A whole Neuroyard of its own on the test database: Redis, web, gpu workers, cpu worker
    and scheduler. Tests kill and restart its parts."""

    def __init__(self, folder: Path, *, gpu_workers: int = 1, env: dict[str, str] | None = None):
        self.folder = folder
        self.redis = RedisProcess(log_path=folder / "redis.log")
        self.env = (env or {}) | {"REDIS_URL": self.redis.url}
        self.web = WebServer(log_path=folder / "web.log", extra_env=self.env)
        self.cpu_worker = CpuWorkerProcess(
            name="stack-cpu", log_path=folder / "cpu-worker.log", extra_env=self.env
        )
        self.beat = BeatProcess(log_path=folder / "beat.log", extra_env=self.env)
        self.gpu_workers = [self.start_gpu_worker() for _ in range(gpu_workers)]

    def start_gpu_worker(self, env: dict[str, str] | None = None) -> WorkerProcess:
        """Another training worker; give it its own NEUROYARD_WORKER_CACHE to play another host."""
        index = len(list(self.folder.glob("gpu-worker-*.log")))
        return WorkerProcess(
            name=f"stack-gpu{index}",
            log_path=self.folder / f"gpu-worker-{index}.log",
            extra_env=self.env | (env or {}),
        )

    def restart_redis(self) -> None:
        self.redis = self.redis.restarted()

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}"
            for path in sorted(self.folder.glob("*.log"))
        )

    def processes(self) -> list[ManagedProcess]:
        return [*self.gpu_workers, self.cpu_worker, self.beat, self.web, self.redis]

    def kill(self) -> None:
        """SIGKILL every process, Redis (without persistence) included: a power cut."""
        for process in self.processes():
            process.kill()
            process._log.close()

    def stop(self) -> None:
        for process in self.processes():
            process.stop()

"""This worker in the fleet table: registered when Celery is ready, heartbeated from a thread
of the worker's main process, marked offline when it stops. Job counts come from the job's
own process once its task returns.

Connected to Celery's signals on import (tasks.py imports it).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from celery.signals import task_postrun, worker_ready, worker_shutdown
from celery.worker import state as worker_state
from django.conf import settings
from django.db import close_old_connections, connection

from neuroyard.fleet.models import Worker
from neuroyard.fleet.services import (
    worker_count_job,
    worker_heartbeat,
    worker_register,
    worker_stopped,
)
from neuroyard.jobs.models import Job
from neuroyard_core.jobs import RUN_JOB_TASK
from neuroyard_worker.runtime.devices import worker_devices

log = logging.getLogger(__name__)


def _package_version() -> str:
    try:
        return version("neuroyard")
    except PackageNotFoundError:
        return "unknown"


# Job processes are forked from this process while the heartbeat thread may be inside the
# database driver or NVML; a fork then could leave one of their C-level locks held for good in
# the child. So a fork waits for the beat in progress, and beats wait for a fork.
_beat_lock = threading.Lock()


def _forks_wait_for_beats() -> None:
    os.register_at_fork(
        before=_beat_lock.acquire,
        after_in_parent=_beat_lock.release,
        after_in_child=_beat_lock.release,
    )


class FleetReporter:
    """Registers the worker, then heartbeats its state, current job and devices."""

    def __init__(self, consumer: Any) -> None:
        self.consumer = consumer
        self.name: str = consumer.hostname
        self.pid = os.getpid()
        self.queues = sorted(consumer.app.amqp.queues.consume_from or {})
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fleet-heartbeat", daemon=True)

    def start(self) -> None:
        self._register()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        worker_stopped(name=self.name, pid=self.pid)

    def _register(self) -> None:
        worker_register(
            name=self.name,
            host=socket.gethostname(),
            pid=self.pid,
            queues=self.queues,
            devices=worker_devices(),
            version=_package_version(),
        )
        log.info("registered in the fleet as %s (queues %s)", self.name, self.queues)
        self._touch_health_file()

    def _touch_health_file(self) -> None:
        if settings.NEUROYARD_WORKER_HEALTH_FILE:
            Path(settings.NEUROYARD_WORKER_HEALTH_FILE).touch()

    def _state(self) -> tuple[str, str | None]:
        try:
            active = list(worker_state.active_requests)
        except RuntimeError:  # the main thread changed the set meanwhile; next beat will tell
            active = []
        job_ids = [str(r.args[0]) for r in active if r.name == RUN_JOB_TASK and r.args]
        job_id = job_ids[0] if job_ids else None
        task_consumer = self.consumer.task_consumer
        consuming = list(task_consumer.queues) if task_consumer is not None else []
        if not consuming:
            return Worker.State.DRAINING, job_id
        return (Worker.State.BUSY if job_id else Worker.State.IDLE), job_id

    def beat(self) -> None:
        state, job_id = self._state()
        alive = worker_heartbeat(
            name=self.name, pid=self.pid, state=state, current_job_id=job_id,
            devices=worker_devices(),
        )  # fmt: skip
        if not alive:  # an admin deleted the row: come back
            self._register()
        self._touch_health_file()

    def _run(self) -> None:
        try:
            while not self._stop.wait(settings.NEUROYARD_HEARTBEAT_SECONDS):
                try:
                    with _beat_lock:
                        close_old_connections()
                        self.beat()
                except Exception:  # a failed beat must not end the heartbeats
                    log.exception("fleet heartbeat failed")
                    connection.close()
        finally:
            connection.close()


_reporter: list[FleetReporter] = []


@worker_ready.connect
def _on_worker_ready(sender: Any, **kwargs: Any) -> None:
    if _reporter:  # the consumer restarted after a broker reconnect: same worker
        _reporter[0].consumer = sender
        return
    reporter = FleetReporter(sender)
    _forks_wait_for_beats()
    reporter.start()
    _reporter.append(reporter)


@worker_shutdown.connect
def _on_worker_shutdown(sender: Any, **kwargs: Any) -> None:
    if _reporter:
        _reporter.pop().stop()


@task_postrun.connect
def _on_task_postrun(sender: Any = None, retval: object = None, state: str = "", **_: Any) -> None:
    """In the job's process: count how the job ended on this worker."""
    if sender is None or sender.name != RUN_JOB_TASK:
        return
    if retval in (Job.Status.SUCCEEDED, Job.Status.CANCELLED, Job.Status.PRUNED):
        worker_count_job(name=sender.request.hostname, failed=False)
    elif retval == Job.Status.FAILED or state == "FAILURE":
        worker_count_job(name=sender.request.hostname, failed=True)

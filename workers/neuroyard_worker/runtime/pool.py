"""The gpu worker's pool: Celery prefork with a fresh child per job, replaced at once.

With max-tasks-per-child 1 each job runs in a new child forked from the parent (which has
TensorFlow imported already). Celery notices an exited child from its process sentinel, but
children forked later inherit those sentinels, so the exit is often only seen by the pool's
periodic check, every 5 seconds: a job sent meanwhile waits for it. Checking every 50 ms keeps
the warm spare child ready within a tick of the last job ending.
"""

from __future__ import annotations

from collections.abc import Callable

from celery.concurrency.asynpool import AsynPool
from celery.concurrency.prefork import TaskPool

MAINTAIN_EVERY_SECONDS = 0.05


class JobAsynPool(AsynPool):
    @property
    def timers(self) -> dict[Callable[[], None], float]:
        return {self.maintain_pool: MAINTAIN_EVERY_SECONDS}


class JobProcessPool(TaskPool):
    Pool = JobAsynPool

"""The gpu worker's pool: Celery prefork with a fresh child per job and a warm spare beside it.

With max-tasks-per-child 1 each job runs in a new child forked from the parent (which has
TensorFlow imported already). Forking that child and starting it takes a few hundred
milliseconds; done after a job ends, it delays the next job by as much. So the pool keeps
NEUROYARD_SPARE_JOB_PROCESSES children more than the jobs it runs at once: the next job goes
to a child that is already up, and the one whose job ended is replaced while that job runs.
The worker still runs `--concurrency` jobs at once (one per GPU): `num_processes`, which the
consumer's prefetch counts, is the jobs, not the processes. No child touches CUDA before it has
a job, so an idle spare holds no GPU memory.

Celery would hand the next job to whichever child looks idle, the one about to exit included
(the job then waits for that exit to be noticed and is sent again): a child that has finished
its job stays marked busy. Celery notices an exited child from its process sentinel, but
children forked later inherit those sentinels, so the exit is often only seen by the pool's
periodic check, every 5 seconds. Checking every 50 ms forks the replacement spare within a tick
of the last job ending.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from celery.concurrency.asynpool import AsynPool
from celery.concurrency.prefork import TaskPool
from django.conf import settings

MAINTAIN_EVERY_SECONDS = 0.05


class JobAsynPool(AsynPool):
    @property
    def timers(self) -> dict[Callable[[], None], float]:
        return {self.maintain_pool: MAINTAIN_EVERY_SECONDS}

    def on_job_ready(self, job: Any, i: int, obj: Any, inqW_fd: int) -> None:  # noqa: N803
        # A child that has run its one job is about to exit: left marked busy, the next job
        # goes to the spare instead of waiting in the pipe of a child that will never read it.
        # (The mark goes when the child's queues are closed, before the fd can be reused.)
        if self._maxtasksperchild != 1:
            super().on_job_ready(job, i, obj, inqW_fd)


class JobProcessPool(TaskPool):
    Pool = JobAsynPool

    def on_start(self) -> None:
        jobs_at_once = self.limit
        # only where each job gets a fresh process: elsewhere a child stays up between tasks
        if self.options.get("maxtasksperchild") == 1:
            self.limit = jobs_at_once + settings.NEUROYARD_SPARE_JOB_PROCESSES
        try:
            super().on_start()
        finally:
            self.limit = jobs_at_once

    @property
    def num_processes(self) -> int:
        return int(self.limit)

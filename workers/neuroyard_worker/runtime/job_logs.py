"""Every log line a job's task produces names the job, from the task's start to Celery's own
"succeeded" line. Connected to Celery's task signals on import (tasks.py imports it)."""

from __future__ import annotations

from typing import Any

from celery.signals import task_postrun, task_prerun

from neuroyard.core.logs import logs_name_job
from neuroyard_core.jobs import RUN_JOB_TASK


@task_prerun.connect
def _name_the_job(sender: Any = None, args: Any = None, **_: Any) -> None:
    if sender is not None and sender.name == RUN_JOB_TASK and args:
        logs_name_job(str(args[0]))


@task_postrun.connect
def _forget_the_job(**_: Any) -> None:
    logs_name_job(None)

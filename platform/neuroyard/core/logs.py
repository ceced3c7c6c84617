"""Log records carry the id of the job they were written for (`job_id`), so every line a job
produces can be found by it in the JSON logs.

A task's thread names its job. Lines from other threads (a job's heartbeat, data loading)
name the job when the process runs only one, as training workers do; a process running
several jobs at once on threads (the inference worker) tags each thread's own lines only.
"""

from __future__ import annotations

import logging
import threading

_jobs_by_thread: dict[int, str] = {}


def logs_name_job(job_id: str | None) -> None:
    """From now on the calling thread's log lines name this job (None: its job ended)."""
    if job_id:
        _jobs_by_thread[threading.get_ident()] = job_id
    else:
        _jobs_by_thread.pop(threading.get_ident(), None)


class JobIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        job_id = _jobs_by_thread.get(record.thread or 0)
        if job_id is None:
            running = list(_jobs_by_thread.values())
            job_id = running[0] if len(running) == 1 else None
        if job_id is not None:
            record.job_id = job_id
        return True

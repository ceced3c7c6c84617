"""What this machine has to give a job: its memory (the container's limit where it is smaller),
and the default share one job process may grow to, so that a job that outgrows it fails as
`out_of_memory` instead of the kernel's OOM killer taking the worker."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

# One job may take this share of the machine: the rest is the worker, the web and the system.
JOB_MEMORY_SHARE = 0.75
_CGROUP_LIMITS = (
    Path("/sys/fs/cgroup/memory.max"),  # cgroup v2
    Path("/sys/fs/cgroup/memory/memory.limit_in_bytes"),  # cgroup v1
)


def machine_memory_bytes() -> int | None:
    """Physical memory, or the container's memory limit when it has a smaller one."""
    sizes = []
    with contextlib.suppress(ValueError, OSError):
        sizes.append(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    for path in _CGROUP_LIMITS:
        try:
            text = path.read_text().strip()
        except OSError:
            continue
        if text.isdigit():
            sizes.append(int(text))  # "max" (v2) means no limit; v1 says so with a huge number
    return min(sizes) if sizes else None


def default_job_memory_limit_mb() -> int:
    """The per-job limit when none is configured: a share of the machine; 0 (none) when the
    machine's memory cannot be read."""
    memory = machine_memory_bytes()
    return int(memory * JOB_MEMORY_SHARE) // 2**20 if memory else 0

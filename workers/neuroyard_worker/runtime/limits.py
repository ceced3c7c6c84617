"""Resource limits of a job's process (the pool child that runs one job, then exits)."""

from __future__ import annotations

import re
import resource
from pathlib import Path


def limit_job_memory(megabytes: int) -> None:
    """Cap the heap this process may still grow by; TensorFlow then fails an allocation with
    ResourceExhaustedError (a readable job failure) instead of the kernel's OOM killer taking
    the process, or the machine, down."""
    if megabytes <= 0:
        return
    status = Path("/proc/self/status").read_text()
    in_use = int(re.search(r"VmData:\s+(\d+) kB", status).group(1)) * 1024  # type: ignore[union-attr]
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    resource.setrlimit(resource.RLIMIT_DATA, (in_use + megabytes * 2**20, hard))

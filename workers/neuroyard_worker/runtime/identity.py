"""Who holds a job's lease: `<celery worker name>@<host>/<pid of the job's process>`."""

from __future__ import annotations

import os
import socket


def process_identity(worker_name: str | None = None) -> str:
    name = worker_name or f"worker@{socket.gethostname()}"
    return f"{name}/{os.getpid()}"


def lease_holder_is_dead(lease: str) -> bool:
    """True only when the holder ran on this host and its process is gone.

    Leases of other hosts cannot be checked from here; their heartbeat going stale is what
    tells the reconciler they died.
    """
    name, _, pid = lease.rpartition("/")
    host = name.rpartition("@")[2]
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return _is_zombie(int(pid))


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()[0] == "Z"
    except OSError:
        return False

"""`make run`: start Redis (unless REDIS_URL is set), the web server, the workers and the
scheduler in one terminal; Ctrl-C stops everything it started.

Run as ``python -m neuroyard.devstack`` after migrations (the Makefile does both).

Ctrl-C is ours alone: the terminal sends SIGINT to its foreground process group, which would
include `make` (it then reports the recipe as interrupted), so this process takes the terminal's
foreground for itself while it runs. The processes get SIGTERM and time to stop on their own
(a Celery worker's warm shutdown takes seconds) before anything is killed.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import honcho.manager
from honcho.manager import Manager

from neuroyard.core.processes import (
    beat_command,
    cpu_worker_command,
    gpu_worker_command,
    inference_worker_command,
    web_command,
)
from neuroyard.core.redis_server import start_redis

# Seconds the processes have to stop after SIGTERM before honcho sends SIGKILL (its default, 5,
# is shorter than a Celery worker's warm shutdown).
STOP_GRACE_SECONDS = 30
# What honcho's manager answers after a SIGINT or SIGTERM it handled: a stop that was asked for.
_ASKED_TO_STOP = {130, 143}


@contextlib.contextmanager
def terminal_foreground() -> Iterator[None]:
    """Make this process the terminal's foreground group (when there is a terminal), so Ctrl-C
    reaches it and not the `make` that started it; give the terminal back afterwards."""
    try:
        fd = os.open("/dev/tty", os.O_RDWR)
    except OSError:  # no terminal: nothing to take
        yield
        return
    previous = None
    try:
        previous = os.tcgetpgrp(fd)
        os.setpgid(0, 0)
        with _signal_ignored(signal.SIGTTOU):  # a background group may not set the foreground
            os.tcsetpgrp(fd, os.getpgrp())
    except OSError:
        previous = None
    try:
        yield
    finally:
        if previous is not None:
            with contextlib.suppress(OSError), _signal_ignored(signal.SIGTTOU):
                os.tcsetpgrp(fd, previous)
        os.close(fd)


@contextlib.contextmanager
def _signal_ignored(signum: int) -> Iterator[None]:
    handler = signal.signal(signum, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signum, handler)


def _login_hint() -> str:
    """Where the admin's password is: never the password itself (ensure_admin printed it once,
    when it generated one)."""
    if os.environ.get("NEUROYARD_ADMIN_PASSWORD"):
        return "Log in as 'admin' with the password in NEUROYARD_ADMIN_PASSWORD."
    return (
        "Log in as 'admin' with the password printed when the admin was created (on the first "
        "run; set NEUROYARD_ADMIN_PASSWORD and run again to reset it)."
    )


def _shell_line(command: list[str]) -> str:
    """honcho runs each command through `sh -c`; `exec` makes the process itself the one
    honcho watches. Otherwise the shell, killed at once by the SIGTERM honcho sends to the
    group, is what ends (rc -15) while the process behind it is still shutting down."""
    return f"exec {shlex.join(command)}"


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "neuroyard.config.settings")
    from django.conf import settings

    var_dir = Path(settings.VAR_DIR)
    host = os.environ.get("NEUROYARD_HOST", "127.0.0.1")
    port = int(os.environ.get("NEUROYARD_PORT", "8000"))
    env = dict(os.environ)
    manager = Manager()

    redis_process = None
    if not os.environ.get("REDIS_URL"):
        redis_process, env["REDIS_URL"] = start_redis(data_dir=var_dir / "redis", persist=True)
        print(f"  Started Redis at {env['REDIS_URL']} (data in {var_dir / 'redis'})")

    schedule = str(var_dir / "celerybeat-schedule")
    commands = {
        "web": web_command(host=host, port=port),
        "gpu-worker": gpu_worker_command(),
        "cpu-worker": cpu_worker_command(),
        "inference-worker": inference_worker_command(),
        "scheduler": beat_command(schedule=schedule),
    }
    for name, command in commands.items():
        manager.add_process(name, _shell_line(command), env=env)
    url = f"http://{host}:{port}/"
    print(f"\n  Neuroyard is starting at {url}  (API docs: {url}api/docs/, admin: {url}admin/)")
    print(f"  {_login_hint()} Ctrl-C stops everything.\n")
    honcho.manager.KILL_WAIT = STOP_GRACE_SECONDS
    try:
        with terminal_foreground():
            manager.loop()
    finally:
        if redis_process is not None:
            redis_process.terminate()
            redis_process.wait(timeout=10)
    returncode = int(manager.returncode or 0)
    return 0 if returncode in _ASKED_TO_STOP else returncode


if __name__ == "__main__":
    sys.exit(main())

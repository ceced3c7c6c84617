"""`make run`: start Redis (unless REDIS_URL is set), the web server, the workers and the
scheduler in one terminal; Ctrl-C stops everything it started.

Run as ``python -m neuroyard.devstack`` after migrations (the Makefile does both).
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

from honcho.manager import Manager

from neuroyard.core.processes import (
    beat_command,
    cpu_worker_command,
    gpu_worker_command,
    inference_worker_command,
    web_command,
)
from neuroyard.core.redis_server import start_redis


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

    manager.add_process("web", shlex.join(web_command(host=host, port=port)), env=env)
    manager.add_process("gpu-worker", shlex.join(gpu_worker_command()), env=env)
    manager.add_process("cpu-worker", shlex.join(cpu_worker_command()), env=env)
    manager.add_process("inference-worker", shlex.join(inference_worker_command()), env=env)
    schedule = str(var_dir / "celerybeat-schedule")
    manager.add_process("scheduler", shlex.join(beat_command(schedule=schedule)), env=env)
    url = f"http://{host}:{port}/"
    print(f"\n  Neuroyard is starting at {url}  (API docs: {url}api/docs/, admin: {url}admin/)")
    print("  Log in as 'admin' with the password printed above. Ctrl-C stops everything.\n")
    try:
        manager.loop()
    finally:
        if redis_process is not None:
            redis_process.terminate()
            redis_process.wait(timeout=10)
    return int(manager.returncode or 0)


if __name__ == "__main__":
    sys.exit(main())

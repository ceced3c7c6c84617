"""Loaded with `-p` before Django settings: gives the suite its own var dir and a Redis.

When REDIS_URL is not set, a private redis-server is started for the run and stopped at the
end. A given REDIS_URL database is flushed at the start: point it at a database you can lose.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import redis

_VAR = Path(tempfile.mkdtemp(prefix="neuroyard-test-"))
os.environ.setdefault("NEUROYARD_VAR_DIR", str(_VAR))
os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("NEUROYARD_HEARTBEAT_SECONDS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

(_VAR / "static").mkdir()  # collectstatic makes it for `make run`

_redis_process = None
if not os.environ.get("REDIS_URL"):
    from neuroyard.core.redis_server import start_redis

    _redis_process, os.environ["REDIS_URL"] = start_redis(data_dir=_VAR / "redis")
else:
    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()


def _cleanup() -> None:
    if _redis_process is not None:
        _redis_process.terminate()
        _redis_process.wait(timeout=10)
    shutil.rmtree(_VAR, ignore_errors=True)


atexit.register(_cleanup)


def pytest_configure() -> None:
    _retry_a_flush_chosen_as_deadlock_victim()


def _retry_a_flush_chosen_as_deadlock_victim() -> None:
    """A transactional test ends by truncating every table while the live worker processes
    of the session keep writing (heartbeats, fleet rows). PostgreSQL may then end the TRUNCATE
    as a deadlock's victim; like any victim, it is retried."""
    import time

    from django.core.management.base import CommandError
    from django.test import TransactionTestCase

    teardown = TransactionTestCase._fixture_teardown

    def retried(self: TransactionTestCase) -> None:
        for attempt in range(1, 4):
            try:
                teardown(self)
                return
            except CommandError as error:
                if attempt == 3 or "deadlock detected" not in str(error.__cause__):
                    raise
                time.sleep(0.2 * attempt)

    TransactionTestCase._fixture_teardown = retried  # type: ignore[method-assign]

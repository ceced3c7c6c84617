"""A private Neuroyard for one benchmark run: its own var dir (SQLite, media, worker cache) and
Redis, and Django set up on them. Import it first: `from bench.environment import VAR`."""

from __future__ import annotations

import atexit
import os
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any

VAR = Path(tempfile.mkdtemp(prefix="neuroyard-bench-"))
os.environ.setdefault("NEUROYARD_VAR_DIR", str(VAR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "neuroyard.config.settings")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# the benchmarks submit through Django's test client, which names its host `testserver`
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

from neuroyard.core.redis_server import start_redis  # noqa: E402

if not os.environ.get("REDIS_URL"):
    _redis, os.environ["REDIS_URL"] = start_redis(data_dir=VAR / "redis")
    atexit.register(_redis.terminate)  # the run's own Redis ends with it
# `finally` blocks (stopping workers) run on SIGTERM too, as on Ctrl-C
signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402


def bench_user(username: str = "bench", password: str = "bench-password-1") -> Any:
    """The benchmark's user with this password, made or found: a database given with
    DATABASE_URL keeps it from an earlier benchmark or run."""
    user, _ = get_user_model().objects.get_or_create(username=username)
    user.set_password(password)
    user.save()
    return user

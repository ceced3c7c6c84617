"""Chaos run: submit N training jobs to a whole platform and kill its workers at random.

Every job must still succeed, with each epoch recorded exactly once. Kills are SIGKILLs of a
job's process or of a whole worker (which is then replaced), and one Redis restart without
persistence. `make chaos` (or `python -m bench.chaos`); CHAOS_JOBS, CHAOS_SEED tune it.
"""

from __future__ import annotations

import os
import random
import signal
import sys
import tempfile
import time
from pathlib import Path

VAR = Path(tempfile.mkdtemp(prefix="neuroyard-chaos-"))
os.environ.setdefault("NEUROYARD_VAR_DIR", str(VAR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "neuroyard.config.settings")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:1/0")  # unused: the stack has its own

import django  # noqa: E402

django.setup()
# the stack is stopped in a `finally`, so a SIGTERM (timeout, kill) must unwind like Ctrl-C
signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

import requests  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from tests.conftest import digits_arrays, mlp_spec, npz_upload, wait_for_ingestion  # noqa: E402
from tests.stack import Stack  # noqa: E402

JOBS = int(os.environ.get("CHAOS_JOBS", "24"))
SEED = int(os.environ.get("CHAOS_SEED", "1"))
DEADLINE_SECONDS = int(os.environ.get("CHAOS_DEADLINE", "1200"))
FAST_RECOVERY = {
    "NEUROYARD_RECONCILE_SECONDS": "1",
    "NEUROYARD_STALE_AFTER_SECONDS": "4",
    "NEUROYARD_LOST_MESSAGE_AFTER_SECONDS": "3",
    "NEUROYARD_HEARTBEAT_SECONDS": "1",
    "NEUROYARD_MAX_ATTEMPTS": "10",
}


def main() -> int:
    from neuroyard.jobs.models import Job

    call_command("migrate", verbosity=0)
    rng = random.Random(SEED)
    user = get_user_model().objects.create_user("chaos", password="chaos-password-1")
    (VAR / "stack").mkdir()
    stack = Stack(VAR / "stack", gpu_workers=2, env=FAST_RECOVERY)
    api = requests.Session()
    api.headers["Authorization"] = f"Token {Token.objects.create(user=user).key}"
    url = f"{stack.web.url}/api/v1"
    kills = {"job process": 0, "whole worker": 0, "redis restart": 0}
    try:
        dataset = api.post(
            f"{url}/datasets/", files={"file": npz_upload("d.npz", **digits_arrays())}
        ).json()["id"]
        wait_for_ingestion(lambda: api.get(f"{url}/datasets/{dataset}/").json())
        spec = api.post(f"{url}/specs/", json={"name": "mlp", "spec": mlp_spec(hidden=64)}).json()[
            "id"
        ]
        epochs = {}
        for _ in range(JOBS):
            n = rng.randint(3, 8)
            job = api.post(
                f"{url}/jobs/",
                json={
                    "kind": "train",
                    "dataset": dataset,
                    "spec": spec,
                    "params": {"epochs": n, "batch_size": 16},
                },
            ).json()
            epochs[job["id"]] = n
        started = time.monotonic()
        redis_restarted = False
        while Job.objects.filter(status__in=Job.ACTIVE_STATUSES).exists():
            if time.monotonic() - started > DEADLINE_SECONDS:
                print("deadline passed with jobs unfinished", file=sys.stderr)
                break
            time.sleep(rng.uniform(1.0, 4.0))
            running = list(Job.objects.filter(status="running").exclude(worker=""))
            roll = rng.random()
            if not redis_restarted and time.monotonic() - started > 20:
                stack.restart_redis()
                redis_restarted = True
                kills["redis restart"] += 1
            elif running and roll < 0.5:
                pid = int(rng.choice(running).worker.rpartition("/")[2])
                try:
                    os.kill(pid, signal.SIGKILL)
                    kills["job process"] += 1
                except ProcessLookupError:
                    pass
            elif roll < 0.65:
                index = rng.randrange(len(stack.gpu_workers))
                stack.gpu_workers[index].kill()
                stack.gpu_workers[index] = stack.start_gpu_worker()
                kills["whole worker"] += 1
        jobs = list(Job.objects.filter(id__in=epochs))
        succeeded = [j for j in jobs if j.status == "succeeded"]
        lost = [j for j in jobs if j.status != "succeeded"]
        wrong_epochs = [
            j
            for j in succeeded
            if list(j.epochs.order_by("epoch").values_list("epoch", flat=True))
            != list(range(1, epochs[str(j.id)] + 1))
        ]
        attempts = sum(j.attempt for j in jobs)
        print(f"jobs submitted {JOBS}, succeeded {len(succeeded)}, not succeeded {len(lost)}")
        print(f"kills: {kills}; attempts in all {attempts} (re-runs {attempts - len(jobs)})")
        print(f"jobs with an epoch missing or recorded twice: {len(wrong_epochs)}")
        print(f"wall time {time.monotonic() - started:.0f} s")
        for job in lost:
            print(f"  {job.id}: {job.status} {job.error_code} {job.error_message}")
        return 0 if not lost and not wrong_epochs else 1
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())

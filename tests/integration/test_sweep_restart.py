"""A sweep survives a restart of the whole stack: every process SIGKILLed mid-trial, Redis
(without persistence) included, then a fresh stack started on the same database and storage.
The reconciler finds the lost trial and the running sweep; the sweep carries on from its rows
and ends with each trial run once and each epoch recorded once."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token

from neuroyard.jobs.models import Job
from neuroyard.sweeps.models import Sweep
from tests.integration.conftest import FAST_RECOVERY
from tests.integration.test_job_recovery import Client, epochs_recorded
from tests.integration.test_sweep import digits_and_named_mlp
from tests.stack import Stack, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_sweep_carries_on_after_the_whole_stack_restarts(user, tmp_path):  # noqa: ANN001
    stack = Stack(tmp_path / "before", env=FAST_RECOVERY)
    try:
        client = Client(stack, Token.objects.create(user=user).key)
        dataset, spec_id = digits_and_named_mlp(client)
        sweep = client.post(
            "/sweeps/",
            json={
                "name": "restart",
                "dataset": dataset["id"],
                "spec": spec_id,
                "params": {"epochs": 6, "batch_size": 32, "validation_split": 0.2, "seed": 1},
                "settings": {
                    "space": [{"name": "hidden.units", "type": "choice", "values": [4, 8, 16]}],
                    "searcher": "grid",
                    "early_stopping": "none",
                    "metric": "val_accuracy",
                    "budget": {"trials": 3},
                    "parallelism": 1,
                },
            },
        )
        wait_for(
            lambda: Job.objects.filter(
                sweep_id=sweep["id"], status="running", progress__epoch__gte=2
            ).exists(),
            timeout=300, every=0.05,
        )  # fmt: skip
    finally:
        stack.kill()

    stack = Stack(tmp_path / "after", env=FAST_RECOVERY)
    try:
        try:
            ended = wait_for(
                lambda: Sweep.objects.filter(
                    id=sweep["id"], status__in=Sweep.FINAL_STATUSES
                ).first(),
                timeout=600, every=0.5,
            )  # fmt: skip
        except AssertionError:
            raise AssertionError(f"the sweep did not end:\n{stack.logs()}") from None
    finally:
        stack.stop()
    assert ended.status == "succeeded"
    assert ended.trials.count() == 3 and ended.best_model_id is not None
    jobs = list(Job.objects.filter(sweep_id=sweep["id"]))
    assert len(jobs) == 3  # one job per trial, none started twice
    assert {job.status for job in jobs} == {"succeeded"}
    assert any(job.attempt == 2 for job in jobs)  # the trial cut by the power cut resumed
    for job in jobs:
        assert epochs_recorded(job) == list(range(1, 7))

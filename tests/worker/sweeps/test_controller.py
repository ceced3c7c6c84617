"""The sweep controller on a real database, the trial jobs' work played by the test: trials start
as train jobs up to the parallelism, epochs go to Optuna, pruned trials end as pruned, the budget
ends the sweep with its best trial, and no step ever starts a trial twice."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from neuroyard.jobs.lifecycle import job_record_epoch
from neuroyard.jobs.models import Job
from neuroyard.specs.models import ModelSpec
from neuroyard.sweeps.models import Sweep, SweepTrial
from neuroyard.sweeps.services import sweep_cancel, sweep_create
from neuroyard_worker.sweeps.controller import sweep_advance, trial_epoch_ended
from tests.platform.specs.datasets import ready_dataset
from tests.platform.sweeps.test_sweep_api import named_mlp

pytestmark = pytest.mark.django_db


def make_sweep(user: Any, **settings: Any) -> Sweep:  # noqa: ANN401
    return sweep_create(
        owner=user,
        name="s",
        dataset=ready_dataset(user, input_shape=[64], num_classes=10, samples=200),
        spec=ModelSpec.objects.create(owner=user, name="mlp", spec=named_mlp()),
        params={"epochs": 9, "validation_split": 0.2},
        settings={
            "space": [
                {"name": "hidden.units", "type": "choice", "values": [8, 16, 32]},
                {"name": "learning_rate", "type": "choice", "values": [0.001, 0.01]},
            ],
            "searcher": "grid",
            "metric": "val_accuracy",
            "budget": {"trials": 6},
            "parallelism": 2,
        }
        | settings,
    )


def play(job: Job, accuracy: float) -> str:
    """Run the job as a worker would: epochs reported until done or pruned; its final status."""
    Job.objects.filter(id=job.id).update(status="running", worker="w")
    for epoch in range(1, job.params["epochs"] + 1):
        values = {"loss": 1 - accuracy, "val_accuracy": accuracy + epoch / 1000}
        job_record_epoch(job_id=str(job.id), epoch=epoch, epochs=9, values=values)
        if trial_epoch_ended(job, epoch, values):
            Job.objects.filter(id=job.id).update(status="pruned")
            return "pruned"
    Job.objects.filter(id=job.id).update(status="succeeded")
    return "succeeded"


def accuracy_of(trial: SweepTrial) -> float:
    return trial.values["hidden.units"] / 40 + trial.values["learning_rate"] * 5


def test_a_sweep_runs_its_budget_prunes_the_weak_and_ends_with_the_best(user):  # noqa: ANN001
    sweep = make_sweep(user)
    assert sweep_advance(str(sweep.id)) == "advanced"
    ended: dict[int, str] = {}
    for _ in range(10):
        running = list(sweep.trials.filter(state="running").select_related("job"))
        assert 0 < len(running) <= 2  # the parallelism
        for trial in running:
            if trial.job.status == "queued":
                ended[trial.number] = play(trial.job, accuracy_of(trial))
        if sweep_advance(str(sweep.id)) == "ended":
            break
    sweep.refresh_from_db()
    trials = list(sweep.trials.select_related("job"))
    assert sweep.status == "succeeded"
    assert [t.number for t in trials] == list(range(6))  # the grid, once each
    assert len({tuple(sorted(t.values.items())) for t in trials}) == 6
    assert len({t.job_id for t in trials}) == 6
    assert "pruned" in ended.values() and "failed" not in [t.job.status for t in trials]
    assert {t.state for t in trials} <= {"complete", "pruned"}
    best = max((t for t in trials if t.state == "complete"), key=lambda t: t.value or 0)
    assert sweep.best_trial_id == best.id
    assert best.values == {"hidden.units": 32, "learning_rate": 0.01}
    # every trial's job is an ordinary train job of the sweep, with the trial's network
    job = best.job
    assert job.kind == "train" and job.sweep_id == sweep.id
    assert job.spec_snapshot["layers"][1]["units"] == 32
    assert job.spec_snapshot["compile"]["optimizer"]["learning_rate"] == 0.01
    assert (
        sweep.trials.filter(state="pruned").count()
        == Job.objects.filter(sweep=sweep, status="pruned").count()
    )


def test_advancing_again_starts_no_trial_twice(user):  # noqa: ANN001
    sweep = make_sweep(user)
    for _ in range(3):
        sweep_advance(str(sweep.id))
    assert sweep.trials.count() == 2
    assert Job.objects.filter(sweep=sweep).count() == 2


def test_a_controller_holding_the_lease_is_not_joined(user):  # noqa: ANN001
    sweep = make_sweep(user)
    soon = timezone.now() + timedelta(minutes=1)
    Sweep.objects.filter(id=sweep.id).update(advancing_until=soon)
    assert sweep_advance(str(sweep.id)) == "busy"
    assert not sweep.trials.exists()
    assert Sweep.objects.get(id=sweep.id).advance_pending


def test_an_epoch_budget_stops_new_trials(user):  # noqa: ANN001
    sweep = make_sweep(user, budget={"epochs": 10}, early_stopping="none", parallelism=1)
    sweep_advance(str(sweep.id))
    play(sweep.trials.get().job, 0.5)
    sweep_advance(str(sweep.id))  # 9 epochs spent, under 10: one more trial
    play(sweep.trials.get(number=1).job, 0.6)
    assert sweep_advance(str(sweep.id)) == "ended"  # 18 spent: no third
    assert sweep.trials.count() == 2
    assert Sweep.objects.get(id=sweep.id).best_trial.number == 1


def test_a_cancelled_sweep_cancels_its_trials_and_ends_cancelled(user):  # noqa: ANN001
    sweep = make_sweep(user)
    sweep_advance(str(sweep.id))
    sweep_cancel(sweep=sweep)
    assert set(Job.objects.filter(sweep=sweep).values_list("status", flat=True)) == {"cancelled"}
    assert sweep_advance(str(sweep.id)) == "ended"
    sweep.refresh_from_db()
    assert sweep.status == "cancelled"
    assert sweep.trials.count() == 2


def test_a_trial_started_as_the_cancel_came_in_is_cancelled_too(user):  # noqa: ANN001
    """The cancel cancels the jobs it sees; a trial the controller was starting at that moment
    commits after it. The controller's next look cancels that one, rather than let it run."""
    sweep = make_sweep(user)
    sweep_advance(str(sweep.id))  # two trials: the ones the cancel did not see
    Sweep.objects.filter(id=sweep.id).update(cancel_requested=True)
    assert set(Job.objects.filter(sweep=sweep).values_list("status", flat=True)) == {"queued"}
    sweep_advance(str(sweep.id))
    assert set(Job.objects.filter(sweep=sweep).values_list("status", flat=True)) == {"cancelled"}
    sweep_advance(str(sweep.id))
    assert Sweep.objects.get(id=sweep.id).status == "cancelled"
    assert sweep.trials.count() == 2


def test_a_time_budget_starts_no_trial_after_it_and_lets_running_ones_finish(user):  # noqa: ANN001
    sweep = make_sweep(user, budget={"minutes": 30}, early_stopping="none", parallelism=1)
    sweep_advance(str(sweep.id))
    play(sweep.trials.get().job, 0.5)
    sweep_advance(str(sweep.id))  # within the 30 minutes: the next trial
    assert sweep.trials.count() == 2
    Sweep.objects.filter(id=sweep.id).update(created_at=timezone.now() - timedelta(minutes=31))
    assert sweep_advance(str(sweep.id)) == "advanced"  # trial 1 still running: it may finish
    play(sweep.trials.get(number=1).job, 0.6)
    assert sweep_advance(str(sweep.id)) == "ended"
    assert sweep.trials.count() == 2
    assert Sweep.objects.get(id=sweep.id).best_trial.number == 1

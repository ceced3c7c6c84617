"""The sweep controller: tells Optuna how ended trials did, starts new trials as train jobs while
the budget lasts, and ends the sweep with its best trial's model. It runs on the control queue
(after each trial ends, and from the reconciler for every running sweep) with a lease, so one
controller at a time decides for a sweep; each trial's job reports its epochs itself
(`trial_epoch_ended`), so pruning happens at the epoch boundary, not at the next tick."""

from __future__ import annotations

import logging
import math
from datetime import timedelta

import optuna
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from neuroyard.jobs.models import EpochMetric, Job
from neuroyard.jobs.services import job_create
from neuroyard.registry.models import TrainedModel
from neuroyard.sweeps.models import Sweep, SweepTrial
from neuroyard.sweeps.selectors import sweep_best_so_far
from neuroyard.sweeps.services import TRIAL_KIND, sweep_cancel_trials
from neuroyard_core.sweeps import SweepSettings, trial_job_inputs
from neuroyard_worker.sweeps.journal import SweepJournal
from neuroyard_worker.sweeps.study import (
    grid_exhausted,
    max_trial_epochs,
    searcher_pruner,
    searcher_sampler,
    suggest_values,
)

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
_TOLD = {
    Job.Status.SUCCEEDED: SweepTrial.State.COMPLETE,
    Job.Status.PRUNED: SweepTrial.State.PRUNED,
    Job.Status.FAILED: SweepTrial.State.FAILED,
    Job.Status.CANCELLED: SweepTrial.State.FAILED,
}
_OPTUNA_STATE = {
    SweepTrial.State.COMPLETE: optuna.trial.TrialState.COMPLETE,
    SweepTrial.State.PRUNED: optuna.trial.TrialState.PRUNED,
    SweepTrial.State.FAILED: optuna.trial.TrialState.FAIL,
}


def sweep_study(
    sweep: Sweep, settings: SweepSettings, *, trials_so_far: int = 0, asking: bool = True
) -> optuna.Study:
    """The sweep's study. One only `asking` gets the searcher's sampler: the grid sampler calls
    `Study.stop` after telling the last point, which Optuna allows only inside `optimize`."""
    sampler = (
        searcher_sampler(settings, trials_so_far=trials_so_far)
        if asking
        else optuna.samplers.RandomSampler()
    )
    return optuna.create_study(
        storage=optuna.storages.JournalStorage(SweepJournal(sweep.id)),
        study_name=f"sweep-{sweep.id}",
        direction=settings.direction,
        sampler=sampler,
        pruner=searcher_pruner(
            settings, max_epochs=max_trial_epochs(settings, int(sweep.params.get("epochs", 1)))
        ),
        load_if_exists=True,
    )


def sweep_advance(sweep_id: str) -> str:
    """Returns what it did, for logs and tests: 'busy', 'ended' or 'advanced'."""
    now = timezone.now()
    taken = (
        Sweep.objects.filter(id=sweep_id, status=Sweep.Status.RUNNING)
        .filter(Q(advancing_until__isnull=True) | Q(advancing_until__lt=now))
        .update(advancing_until=now + LEASE, advance_pending=False)
    )
    if not taken:
        Sweep.objects.filter(id=sweep_id, status=Sweep.Status.RUNNING).update(advance_pending=True)
        return "busy"
    try:
        while True:
            _advance_once(Sweep.objects.select_related("dataset", "owner").get(id=sweep_id))
            # something ended while this looked: look again rather than leave it to the reconciler
            if not Sweep.objects.filter(id=sweep_id, advance_pending=True).update(
                advance_pending=False
            ):
                break
    finally:
        Sweep.objects.filter(id=sweep_id).update(advancing_until=None)
    status = Sweep.objects.values_list("status", flat=True).get(id=sweep_id)
    return "advanced" if status == Sweep.Status.RUNNING else "ended"


def _advance_once(sweep: Sweep) -> None:
    if sweep.status != Sweep.Status.RUNNING:
        return
    settings = SweepSettings.model_validate(sweep.settings)
    _tell_ended(sweep, settings, sweep_study(sweep, settings, asking=False))
    trials = sweep.trials.count()
    study = sweep_study(sweep, settings, trials_so_far=trials)
    active = sweep.trials.filter(state=SweepTrial.State.RUNNING).count()
    if sweep.cancel_requested:
        sweep_cancel_trials(sweep=sweep)  # one started as the cancel came in
        if not active:
            _end(sweep, Sweep.Status.CANCELLED)
        return
    while active < settings.parallelism and _budget_left(sweep, settings, study, trials):
        _start_trial(sweep, settings, study)
        active, trials = active + 1, trials + 1
    if not active:
        _end(sweep, None)


def _tell_ended(sweep: Sweep, settings: SweepSettings, study: optuna.Study) -> None:
    ended = sweep.trials.filter(
        state=SweepTrial.State.RUNNING, job__status__in=Job.FINAL_STATUSES
    ).select_related("job")
    for trial in ended:
        state = _TOLD[trial.job.status]
        last = trial.job.epochs.order_by("-epoch").first()
        value = last.values.get(settings.metric) if last is not None else None
        if value is None or not math.isfinite(value):
            value = None
            if state == SweepTrial.State.COMPLETE:  # the metric never came: nothing to rank
                state = SweepTrial.State.FAILED
        told_value = value if state == SweepTrial.State.COMPLETE else None
        study.tell(trial.number, told_value, state=_OPTUNA_STATE[state], skip_if_finished=True)
        SweepTrial.objects.filter(id=trial.id, state=SweepTrial.State.RUNNING).update(
            state=state, value=value
        )
        log.info("sweep %s: trial %s ended %s (%s)", sweep.id, trial.number, state, value)


def _budget_left(sweep: Sweep, settings: SweepSettings, study: optuna.Study, trials: int) -> bool:
    budget = settings.budget
    if budget.trials is not None and trials >= budget.trials:
        return False
    if budget.epochs is not None and _epochs_committed(sweep) >= budget.epochs:
        return False
    if budget.minutes is not None and timezone.now() >= sweep.created_at + timedelta(
        minutes=budget.minutes
    ):
        return False
    return not grid_exhausted(study.sampler, study)


def _epochs_committed(sweep: Sweep) -> int:
    """Epochs the ended trials trained, plus every epoch the running ones may still train."""
    trained = EpochMetric.objects.filter(
        job__sweep_trial__sweep=sweep, job__sweep_trial__state__in=_OPTUNA_STATE
    ).count()
    running = Job.objects.filter(sweep_trial__sweep=sweep, sweep_trial__state="running")
    planned = sum(
        int(params.get("epochs", 1)) for params in running.values_list("params", flat=True)
    )
    return trained + planned


def _start_trial(sweep: Sweep, settings: SweepSettings, study: optuna.Study) -> None:
    """The Optuna trial, its job and their link commit together: a trial never lacks its job
    nor gets a second one."""
    with transaction.atomic():
        trial = study.ask()
        values = suggest_values(trial, settings)
        spec, params = trial_job_inputs(
            spec=sweep.spec_snapshot, params=sweep.params, values=values
        )
        job = job_create(
            owner=sweep.owner,
            kind=TRIAL_KIND,
            params=params,
            dataset=sweep.dataset,
            spec=sweep.spec,
            spec_snapshot=spec,
            sweep=sweep,
        )
        SweepTrial.objects.create(
            sweep=sweep,
            number=trial.number,
            optuna_trial_id=trial._trial_id,
            job=job,
            values=values,
        )
    log.info("sweep %s: trial %s started as job %s: %s", sweep.id, trial.number, job.id, values)


def _end(sweep: Sweep, status: str | None) -> None:
    best = sweep_best_so_far(sweep=sweep)
    # the trial's last epoch: the one whose metric the sweep compared (it may keep a best too)
    last = TrainedModel.objects.filter(is_last=True)
    model = last.filter(job_id=best.job_id).first() if best else None
    fields: dict[str, object] = {"best_trial": best, "best_model": model}
    if status is None:
        status = Sweep.Status.SUCCEEDED if best is not None else Sweep.Status.FAILED
        if best is None:
            fields |= {
                "error_code": "no_trial_completed",
                "error_message": "No trial completed with a value of the metric.",
            }
    Sweep.objects.filter(id=sweep.id, status=Sweep.Status.RUNNING).update(
        status=status, finished_at=timezone.now(), **fields
    )
    log.info("sweep %s ended %s; best trial %s", sweep.id, status, best.number if best else None)


def running_sweep_ids() -> list[str]:
    return [str(pk) for pk in Sweep.objects.filter(status=Sweep.Status.RUNNING).values_list(
        "id", flat=True)]  # fmt: skip


def trial_epoch_ended(job: Job, epoch: int, metrics: dict[str, float]) -> bool:
    """Report a trial's epoch to its study; True when the searcher prunes the trial."""
    if job.sweep_id is None:
        return False
    trial_row = SweepTrial.objects.select_related("sweep").filter(job_id=job.id).first()
    if trial_row is None:
        return False
    settings = SweepSettings.model_validate(trial_row.sweep.settings)
    value = metrics.get(settings.metric)
    if settings.early_stopping == "none" or value is None or not math.isfinite(value):
        return False
    study = sweep_study(trial_row.sweep, settings, asking=False)
    trial = optuna.Trial(study, trial_row.optuna_trial_id)
    if study._storage.get_trial(trial_row.optuna_trial_id).state.is_finished():
        return False
    trial.report(float(value), step=epoch)
    return bool(trial.should_prune())

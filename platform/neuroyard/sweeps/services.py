"""Sweep writes from the API side: create (checked whole before anything is stored), cancel."""

from __future__ import annotations

import contextlib
from typing import Any

from django.db import transaction

from neuroyard.config.celery import app as celery_app
from neuroyard.core.errors import Conflict, DomainError
from neuroyard.datasets.models import Dataset
from neuroyard.jobs.models import Job
from neuroyard.jobs.services import job_cancel
from neuroyard.specs.models import ModelSpec
from neuroyard.sweeps.models import Sweep
from neuroyard_core.jobs import JobRequest, job_kind_get
from neuroyard_core.sweeps import SWEEP_ADVANCE_TASK, sweep_settings_check, trial_job_inputs
from neuroyard_core.sweeps.space import Choice

TRIAL_KIND = "train"


def sweep_check(
    *, settings: object, dataset: Dataset, spec: ModelSpec, params: object
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The clean base params and settings, or a CodedError: the base job must be a valid train
    job, and so must a trial at either end of every searched range."""
    train = job_kind_get(TRIAL_KIND)
    base = train.validate_params(params)
    clean = sweep_settings_check(settings, spec=spec.spec, params=base)
    for item in clean.space:
        ends = item.values if isinstance(item, Choice) else [item.low, item.high]
        for value in ends:
            trial_spec, trial_params = trial_job_inputs(
                spec=spec.spec, params=base, values={item.name: value}
            )
            train.check_request(
                JobRequest(
                    kind=TRIAL_KIND,
                    params=train.validate_params(trial_params),
                    dataset=dataset,
                    spec=trial_spec,
                    model=None,
                    inputs={},
                )
            )
    return base, clean.model_dump(mode="json")


@transaction.atomic
def sweep_create(
    *, owner: Any, name: str, dataset: Dataset, spec: ModelSpec, params: object, settings: object
) -> Sweep:
    base, clean = sweep_check(settings=settings, dataset=dataset, spec=spec, params=params)
    sweep = Sweep.objects.create(
        owner=owner,
        name=name,
        dataset=dataset,
        spec=spec,
        spec_snapshot=spec.spec,
        params=base,
        settings=clean,
    )
    transaction.on_commit(lambda: sweep_advance_soon(sweep_id=sweep.id), robust=True)
    return sweep


def sweep_advance_soon(*, sweep_id: object) -> None:
    """Ask the controller (control queue) to look at the sweep: start trials, end it. Safe to
    repeat; the reconciler also does it for every running sweep."""
    celery_app.send_task(SWEEP_ADVANCE_TASK, args=[str(sweep_id)], queue="control")


def sweep_cancel(*, sweep: Sweep) -> Sweep:
    """No trial starts any more; running ones stop at their next batch; then it ends."""
    if not Sweep.objects.filter(id=sweep.id, status=Sweep.Status.RUNNING).update(
        cancel_requested=True
    ):
        sweep.refresh_from_db()
        raise Conflict("sweep_finished", f"The sweep already ended as {sweep.status}.")
    sweep_cancel_trials(sweep=sweep)
    transaction.on_commit(lambda: sweep_advance_soon(sweep_id=sweep.id), robust=True)
    sweep.refresh_from_db()
    return sweep


def sweep_cancel_trials(*, sweep: Sweep) -> None:
    """Cancel the sweep's queued and running trial jobs. The controller calls it again for a
    cancelled sweep, since a trial it was starting as the cancel came in committed after it."""
    for job in Job.objects.filter(sweep=sweep, status__in=Job.ACTIVE_STATUSES):
        with contextlib.suppress(DomainError):  # it ended meanwhile
            job_cancel(job=job)

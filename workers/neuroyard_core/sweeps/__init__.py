"""Sweeps: the search space, searcher, metric and budget of a hyperparameter search, and how a
trial's values become a train job's spec and params. Shared by the web (checks at creation) and
the worker (the controller that asks Optuna for trials)."""

from neuroyard_core.sweeps.space import (
    SWEEP_ADVANCE_TASK,
    SweepSettings,
    sweep_settings_check,
    trial_job_inputs,
    trial_run_name,
)

__all__ = [
    "SWEEP_ADVANCE_TASK",
    "SweepSettings",
    "sweep_settings_check",
    "trial_job_inputs",
    "trial_run_name",
]

"""A sweep's Optuna study: which sampler and pruner its settings mean, and its trials' values.

Pure Optuna on SweepSettings, so the benchmark runs the same searchers without the platform."""

from __future__ import annotations

from typing import Any

import optuna

from neuroyard_core.sweeps.space import Choice, IntRange, LogUniform, SweepSettings, grid_space

optuna.logging.set_verbosity(optuna.logging.WARNING)


def searcher_sampler(settings: SweepSettings, *, trials_so_far: int) -> optuna.samplers.BaseSampler:
    """A sampler made afresh for each call of the controller: seeded with the trials so far, so
    a restarted controller does not draw the same values again."""
    if settings.searcher == "grid":
        return optuna.samplers.GridSampler(grid_space(settings), seed=settings.seed)
    seed = settings.seed + trials_so_far
    if settings.searcher == "tpe":
        return optuna.samplers.TPESampler(seed=seed)
    return optuna.samplers.RandomSampler(seed=seed)


def searcher_pruner(settings: SweepSettings, *, max_epochs: int) -> optuna.pruners.BasePruner:
    if settings.early_stopping == "asha":
        return optuna.pruners.SuccessiveHalvingPruner(
            min_resource=settings.min_epochs, reduction_factor=settings.reduction_factor
        )
    if settings.early_stopping == "hyperband":
        return optuna.pruners.HyperbandPruner(
            min_resource=settings.min_epochs,
            max_resource=max(max_epochs, settings.min_epochs),
            reduction_factor=settings.reduction_factor,
        )
    return optuna.pruners.NopPruner()


def max_trial_epochs(settings: SweepSettings, base_epochs: int) -> int:
    """The most epochs one trial trains: the base params', or the top of a searched range."""
    for item in settings.space:
        if item.name == "epochs":
            if isinstance(item, Choice):
                return max(int(value) for value in item.values)
            return int(item.high)
    return base_epochs


def suggest_values(trial: optuna.Trial, settings: SweepSettings) -> dict[str, Any]:
    """Draw the trial's value of every searched parameter."""
    values: dict[str, Any] = {}
    for item in settings.space:
        if isinstance(item, Choice):
            values[item.name] = trial.suggest_categorical(item.name, item.values)
        elif isinstance(item, IntRange):
            values[item.name] = trial.suggest_int(item.name, item.low, item.high, step=item.step)
        else:
            log = isinstance(item, LogUniform)
            values[item.name] = trial.suggest_float(
                item.name, float(item.low), float(item.high), log=log
            )
    return values


def grid_exhausted(sampler: optuna.samplers.BaseSampler, study: optuna.Study) -> bool:
    return isinstance(sampler, optuna.samplers.GridSampler) and sampler.is_exhausted(study)

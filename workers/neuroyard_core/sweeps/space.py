"""A sweep's settings and the rules that hold them: a search space whose every parameter names
something the train job has (a train param, the optimizer, or an argument of a named layer), a
metric the job logs, a budget above zero. `trial_job_inputs` writes a trial's values into the
base spec and params, so the check and the trial jobs agree on what a name means."""

from __future__ import annotations

import copy
import math
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, ValidationError

from neuroyard_core.errors import CodedError
from neuroyard_core.spec import SpecError, parse_spec
from neuroyard_core.spec.callbacks import monitored_names
from neuroyard_core.spec.compilation import OPTIMIZER_TYPES

SWEEP_ADVANCE_TASK = "neuroyard.sweep_advance"


def trial_run_name(number: int) -> str:
    """A trial's name in TensorBoard: its run's folder in its job's and in its sweep's zip."""
    return f"trial-{number:03d}"


Number = StrictInt | StrictFloat
# Train params a sweep may search; everything else of the job is its base params.
TRAIN_PARAMS = ("batch_size", "epochs")
# Spec values: the optimizer's learning rate and type, and these arguments of a named layer.
LAYER_ARGUMENTS = ("units", "filters", "rate")
MAX_TRIALS = 1000
MAX_MINUTES = 30 * 24 * 60


class _Range(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=200, description="learning_rate, optimizer, batch_size, epochs, "
                      "or '<layer name>.units|filters|rate'.")  # fmt: skip


class Uniform(_Range):
    type: Literal["uniform"]
    low: Number
    high: Number


class LogUniform(_Range):
    type: Literal["log_uniform"]
    low: Number
    high: Number


class IntRange(_Range):
    type: Literal["int"]
    low: StrictInt
    high: StrictInt
    step: StrictInt = Field(1, ge=1)


class Choice(_Range):
    type: Literal["choice"]
    values: list[StrictInt | StrictFloat | str] = Field(max_length=1000)


ParamRange = Annotated[Uniform | LogUniform | IntRange | Choice, Field(discriminator="type")]


class Budget(BaseModel):
    model_config = ConfigDict(extra="forbid")
    trials: StrictInt | None = Field(None, description="Trials started, at most.")
    epochs: StrictInt | None = Field(
        None, description="Epochs trained by all trials together; checked before a trial starts."
    )
    minutes: StrictInt | None = Field(
        None,
        description="Minutes from the sweep's start: no trial starts after them; the trials "
        "running then finish.",
    )


class SweepSettings(BaseModel):
    """What a sweep searches, how, for what and for how long."""

    model_config = ConfigDict(extra="forbid")
    space: list[ParamRange] = Field(min_length=1, max_length=32)
    searcher: Literal["grid", "random", "tpe"] = "random"
    early_stopping: Literal["none", "asha", "hyperband"] = Field(
        "asha", description="asha: Optuna's successive-halving pruner; hyperband: its Hyperband."
    )
    min_epochs: StrictInt = Field(1, ge=1, le=100_000, description="Epochs before a first cut.")
    reduction_factor: StrictInt = Field(3, ge=2, le=100)
    metric: str = Field("val_accuracy", max_length=100)
    direction: Literal["maximize", "minimize"] = "maximize"
    budget: Budget = Budget(trials=10, epochs=None, minutes=None)
    parallelism: StrictInt = Field(2, ge=1, le=64)
    seed: StrictInt = Field(0, ge=0, le=2**31 - 1)


def sweep_settings_parse(raw: object) -> SweepSettings:
    try:
        return SweepSettings.model_validate(raw)
    except ValidationError as exc:
        problems = [
            {"loc": ".".join(str(part) for part in error["loc"]), "message": error["msg"]}
            for error in exc.errors(include_url=False, include_context=False, include_input=False)
        ]
        first = problems[0]
        raise CodedError(
            "invalid_sweep", f"{first['loc']}: {first['message']}", details={"errors": problems}
        ) from None


def sweep_settings_check(
    raw: object, *, spec: dict[str, Any], params: dict[str, Any]
) -> SweepSettings:
    """The parsed settings, or CodedError: sweep_range_empty, sweep_range_inverted,
    sweep_param_unknown, sweep_metric_unknown, sweep_budget_invalid, invalid_sweep."""
    settings = sweep_settings_parse(raw)
    names = [item.name for item in settings.space]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise CodedError("invalid_sweep", f"space: '{repeated[0]}' is searched twice.")
    for item in settings.space:
        _check_range(item)
        # a trial at each end of the range must make a job the spec language accepts
        for value in _extremes(item):
            trial_job_inputs(spec=spec, params=params, values={item.name: value})
    if settings.searcher == "grid":
        grid_size = math.prod(len(_grid_values(item)) for item in settings.space)
        if grid_size > MAX_TRIALS:
            raise CodedError(
                "invalid_sweep", f"The grid has {grid_size} points; at most {MAX_TRIALS}."
            )
    _check_budget(settings)
    _check_metric(settings.metric, spec=spec, params=params)
    return settings


def grid_space(settings: SweepSettings) -> dict[str, list[Any]]:
    """The grid searcher's points per parameter: a choice's values, an int range's steps."""
    return {item.name: _grid_values(item) for item in settings.space}


def _grid_values(item: Any) -> list[Any]:
    if isinstance(item, Choice):
        return list(item.values)
    if isinstance(item, IntRange):
        return list(range(item.low, item.high + 1, item.step))
    raise CodedError(
        "invalid_sweep",
        f"space.{item.name}: the grid searcher takes choice and int ranges, not {item.type}.",
    )


def _check_range(item: Any) -> None:
    where = f"space.{item.name}"
    if isinstance(item, Choice):
        if not item.values:
            raise CodedError("sweep_range_empty", f"{where}: a choice needs at least one value.")
        return
    if item.low > item.high:
        raise CodedError(
            "sweep_range_inverted", f"{where}: low {item.low} is above high {item.high}."
        )
    if item.low == item.high and not isinstance(item, IntRange):
        raise CodedError(
            "sweep_range_empty", f"{where}: low and high are both {item.low}; use a choice."
        )
    if isinstance(item, LogUniform) and item.low <= 0:
        raise CodedError("sweep_range_empty", f"{where}: a log-uniform range needs low above 0.")


def _extremes(item: Any) -> list[Any]:
    return list(item.values) if isinstance(item, Choice) else [item.low, item.high]


def _check_budget(settings: SweepSettings) -> None:
    budget = settings.budget
    if budget.trials is None and budget.epochs is None and budget.minutes is None:
        raise CodedError(
            "sweep_budget_invalid", "budget: give at least one of trials, epochs and minutes."
        )
    for name in ("trials", "epochs", "minutes"):
        value = getattr(budget, name)
        if value is not None and value < 1:
            raise CodedError("sweep_budget_invalid", f"budget.{name}: at least 1, not {value}.")
    if (budget.trials or 0) > MAX_TRIALS:
        raise CodedError("sweep_budget_invalid", f"budget.trials: at most {MAX_TRIALS}.")
    if (budget.minutes or 0) > MAX_MINUTES:
        raise CodedError(
            "sweep_budget_invalid", f"budget.minutes: at most {MAX_MINUTES} (30 days)."
        )


def _check_metric(metric: str, *, spec: dict[str, Any], params: dict[str, Any]) -> None:
    try:
        compiled = list(parse_spec(spec).compile.metrics)
    except SpecError:
        return  # the base job's own check tells the spec's errors
    logged = monitored_names(compiled)
    if not params.get("validation_split"):
        logged = [name for name in logged if not name.startswith("val_")]
    if metric not in logged:
        hint = "" if params.get("validation_split") else " (val_ metrics need validation_split)"
        raise CodedError(
            "sweep_metric_unknown",
            f"metric: the trials log {', '.join(logged)}, not '{metric}'{hint}.",
            details={"logged": logged},
        )


def trial_job_inputs(
    *, spec: dict[str, Any], params: dict[str, Any], values: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The spec and params of the trial with these values; CodedError sweep_param_unknown for a
    name the job does not have."""
    spec, params = copy.deepcopy(spec), dict(params)
    for name, value in values.items():
        if name in TRAIN_PARAMS:
            params[name] = value
        elif name in ("learning_rate", "optimizer"):
            _set_optimizer(spec, name, value)
        else:
            _set_layer_argument(spec, name, value)
    return spec, params


def _set_optimizer(spec: dict[str, Any], name: str, value: Any) -> None:
    compile_section = spec.get("compile")
    if not isinstance(compile_section, dict) or "optimizer" not in compile_section:
        raise CodedError("sweep_param_unknown", f"space.{name}: the spec has no optimizer.")
    optimizer = compile_section["optimizer"]
    optimizer = {"type": optimizer} if isinstance(optimizer, str) else dict(optimizer)
    if name == "learning_rate":
        optimizer["learning_rate"] = float(value)
    else:
        if value not in OPTIMIZER_TYPES:
            raise CodedError(
                "sweep_param_unknown",
                f"space.optimizer: '{value}' is not one of {', '.join(OPTIMIZER_TYPES)}.",
            )
        # the old optimizer's own arguments (momentum, rho...) may not exist in the new one
        kept = {"learning_rate": optimizer["learning_rate"]} if "learning_rate" in optimizer else {}
        optimizer = {"type": value, **kept}
    compile_section["optimizer"] = optimizer


def _set_layer_argument(spec: dict[str, Any], name: str, value: Any) -> None:
    layer_name, _, argument = name.rpartition(".")
    found = spec.get("layers")
    layers: list[Any] = found if isinstance(found, list) else []
    layer = next((item for item in layers if isinstance(item, dict)
                  and item.get("name") == layer_name), None)  # fmt: skip
    allowed = f"learning_rate, optimizer, {', '.join(TRAIN_PARAMS)} or '<layer name>." + (
        "|".join(LAYER_ARGUMENTS) + "'"
    )
    if layer is None or argument not in LAYER_ARGUMENTS:
        raise CodedError(
            "sweep_param_unknown",
            f"space.{name}: not a parameter of this job; a sweep searches {allowed}.",
        )
    if argument not in layer:
        raise CodedError(
            "sweep_param_unknown", f"space.{name}: layer '{layer_name}' has no '{argument}'."
        )
    layer[argument] = value

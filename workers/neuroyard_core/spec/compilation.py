"""The `compile` section of a spec: optimizer, loss and metrics, as `model.compile` takes them."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from neuroyard_core.spec.field_types import (
    Flag,
    NonNegativeFloat,
    PositiveFloat,
    UnitInterval,
    models_by_tag,
    one_of,
    show,
)
from neuroyard_core.spec.keras_names import LOSSES, METRICS
from neuroyard_core.spec.schedules import LearningRate


class OptimizerSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    learning_rate: LearningRate
    # Scale each weight's gradient down to at most this norm: keeps recurrent networks stable.
    clipnorm: PositiveFloat | None = None

    def slots(self) -> int:
        """How many values the optimizer keeps per trainable parameter (momentum, averages)."""
        raise NotImplementedError


# Defaults are Keras' own, so `"adam"` and `{"type": "adam"}` build the same optimizer.
class SGDSpec(OptimizerSpec):
    type: Literal["sgd"]
    learning_rate: LearningRate = 0.01
    momentum: UnitInterval = 0.0
    nesterov: Flag = False

    def slots(self) -> int:
        return 1 if self.momentum > 0 else 0


class RMSpropSpec(OptimizerSpec):
    type: Literal["rmsprop"]
    learning_rate: LearningRate = 0.001
    rho: UnitInterval = 0.9
    momentum: UnitInterval = 0.0

    def slots(self) -> int:
        return 2 if self.momentum > 0 else 1


class AdamSpec(OptimizerSpec):
    type: Literal["adam"]
    learning_rate: LearningRate = 0.001
    beta_1: UnitInterval = 0.9
    beta_2: UnitInterval = 0.999

    def slots(self) -> int:
        return 2


class AdamWSpec(OptimizerSpec):
    type: Literal["adamw"]
    learning_rate: LearningRate = 0.001
    weight_decay: NonNegativeFloat = 0.004
    beta_1: UnitInterval = 0.9
    beta_2: UnitInterval = 0.999

    def slots(self) -> int:
        return 2


def _bare_name_as_object(value: Any) -> Any:
    return {"type": value} if isinstance(value, str) else value


AnyOptimizerSpec = Annotated[
    SGDSpec | RMSpropSpec | AdamSpec | AdamWSpec,
    Field(discriminator="type"),
]
OPTIMIZER_TYPES: dict[str, type[BaseModel]] = models_by_tag(AnyOptimizerSpec)

LossName = Annotated[str, Field(strict=True), one_of("loss", LOSSES)]
MetricName = Annotated[str, Field(strict=True), one_of("metric", METRICS)]


class CompileSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    optimizer: Annotated[AnyOptimizerSpec, BeforeValidator(_bare_name_as_object)]
    loss: LossName
    metrics: list[MetricName] = []

    @field_validator("metrics")
    @classmethod
    def _no_repeats(cls, metrics: list[str]) -> list[str]:
        repeated = sorted({name for name in metrics if metrics.count(name) > 1})
        if repeated:
            raise PydanticCustomError(
                "repeated_metric",
                "lists {names} more than once",
                {"names": ", ".join(show(name) for name in repeated)},
            )
        return metrics

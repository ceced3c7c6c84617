"""Learning-rate schedules: how the learning rate changes with each training step (batch)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator
from pydantic_core import PydanticCustomError

from neuroyard_core.spec.field_types import (
    Flag,
    Fraction,
    NonNegativeFloat,
    NonNegativeInt,
    PositiveFloat,
    PositiveInt,
    models_by_tag,
)

MAX_BOUNDARIES = 100


class ScheduleSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# Arguments and defaults are those of keras.optimizers.schedules.
class ExponentialDecaySpec(ScheduleSpec):
    """initial_learning_rate * decay_rate ** (step / decay_steps)"""

    type: Literal["exponential_decay"]
    initial_learning_rate: PositiveFloat
    decay_steps: PositiveInt
    decay_rate: PositiveFloat
    staircase: Flag = False


class InverseTimeDecaySpec(ScheduleSpec):
    """initial_learning_rate / (1 + decay_rate * step / decay_steps)"""

    type: Literal["inverse_time_decay"]
    initial_learning_rate: PositiveFloat
    decay_steps: PositiveInt
    decay_rate: PositiveFloat
    staircase: Flag = False


class CosineDecaySpec(ScheduleSpec):
    """Half a cosine from initial_learning_rate down to alpha times it, after a linear warmup."""

    type: Literal["cosine_decay"]
    initial_learning_rate: PositiveFloat
    decay_steps: PositiveInt
    alpha: Fraction = 0.0
    warmup_target: PositiveFloat | None = None
    warmup_steps: NonNegativeInt = 0


class PolynomialDecaySpec(ScheduleSpec):
    type: Literal["polynomial_decay"]
    initial_learning_rate: PositiveFloat
    decay_steps: PositiveInt
    end_learning_rate: NonNegativeFloat = 0.0001
    power: PositiveFloat = 1.0
    cycle: Flag = False


class PiecewiseConstantDecaySpec(ScheduleSpec):
    """values[0] until step boundaries[0], values[1] until boundaries[1], ... values[-1] after."""

    type: Literal["piecewise_constant_decay"]
    boundaries: Annotated[list[PositiveInt], Field(min_length=1, max_length=MAX_BOUNDARIES)]
    values: Annotated[list[PositiveFloat], Field(min_length=2, max_length=MAX_BOUNDARIES + 1)]

    @model_validator(mode="after")
    def _one_more_value_than_boundaries(self) -> PiecewiseConstantDecaySpec:
        if any(b >= a for b, a in zip(self.boundaries, self.boundaries[1:], strict=False)):
            raise PydanticCustomError(
                "boundaries_order", "boundaries must be increasing step numbers", {}
            )
        if len(self.values) != len(self.boundaries) + 1:
            raise PydanticCustomError(
                "values_count",
                "needs one more value than boundaries: {boundaries} boundaries, {values} values",
                {"boundaries": len(self.boundaries), "values": len(self.values)},
            )
        return self


AnyScheduleSpec = Annotated[
    ExponentialDecaySpec
    | InverseTimeDecaySpec
    | CosineDecaySpec
    | PolynomialDecaySpec
    | PiecewiseConstantDecaySpec,
    Field(discriminator="type"),
]
SCHEDULE_TYPES: dict[str, type[BaseModel]] = models_by_tag(AnyScheduleSpec)


def _number_or_schedule(value: Any) -> str:
    return "schedule" if isinstance(value, dict) else "number"


# A fixed learning rate, or a schedule object; tagged so that an error names only the form given.
LearningRate = Annotated[
    Annotated[PositiveFloat, Tag("number")] | Annotated[AnyScheduleSpec, Tag("schedule")],
    Discriminator(_number_or_schedule),
]

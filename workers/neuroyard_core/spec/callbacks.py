"""Training callbacks a spec may ask for: stop early, lower the learning rate on a plateau."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from neuroyard_core.spec.field_types import (
    Flag,
    NonNegativeFloat,
    NonNegativeInt,
    models_by_tag,
)

Monitor = Annotated[str, Field(strict=True, min_length=1, max_length=100)]
Mode = Literal["auto", "min", "max"]


class CallbackSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # "loss", a compiled metric, or either with "val_" before it (needs validation data).
    monitor: Monitor = "val_loss"
    mode: Mode = "auto"


# Defaults are those of keras.callbacks.
class EarlyStoppingSpec(CallbackSpec):
    """Stop training once `monitor` has not improved by `min_delta` for `patience` epochs."""

    type: Literal["early_stopping"]
    patience: NonNegativeInt = 0
    min_delta: NonNegativeFloat = 0.0
    restore_best_weights: Flag = False
    start_from_epoch: NonNegativeInt = 0


class ReduceLROnPlateauSpec(CallbackSpec):
    """Multiply the learning rate by `factor` once `monitor` has stalled for `patience` epochs."""

    type: Literal["reduce_lr_on_plateau"]
    factor: Annotated[float, Field(strict=True, gt=0.0, lt=1.0)] = 0.1
    patience: NonNegativeInt = 10
    min_delta: NonNegativeFloat = 0.0001
    cooldown: NonNegativeInt = 0
    min_lr: NonNegativeFloat = 0.0


AnyCallbackSpec = Annotated[EarlyStoppingSpec | ReduceLROnPlateauSpec, Field(discriminator="type")]
CALLBACK_TYPES: dict[str, type[BaseModel]] = models_by_tag(AnyCallbackSpec)


def monitored_names(metrics: list[str]) -> list[str]:
    """Every name `monitor` may take for a network compiled with these metrics."""
    names = ["loss", *metrics]
    return names + [f"val_{name}" for name in names]

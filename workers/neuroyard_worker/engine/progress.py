"""How the step-by-step engine entry points (dream, style...) report steps and learn of cancel."""

from __future__ import annotations

from collections.abc import Callable

import tensorflow as tf

OnStep = Callable[[int, int, dict[str, float]], None]
"""Called after every optimisation step with (step, total steps, values); `step` is 1-based."""

StopRequested = Callable[[], bool]
"""True once the job is cancelled. Asked before every step, so it must be cheap (read a flag)."""


def ignore_step(step: int, total: int, values: dict[str, float]) -> None:
    return None


def never_stop() -> bool:
    return False


def trace_count(function: object) -> int:
    """How many times a `tf.function` has been traced (1 when compiled once and reused)."""
    assert isinstance(function, tf.types.experimental.PolymorphicFunction)
    return int(function.experimental_get_tracing_count())

"""Which epochs a train job keeps as models: the last one, and the best one by the monitored
metric. The best epoch's weights are copied to host memory only when the metric improves, so
keeping it costs one weight copy per improvement and no file until training ends."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import keras

from neuroyard_core.spec import NetworkSpec
from neuroyard_core.spec.callbacks import EarlyStoppingSpec

# Metric names that grow as the network gets better (Keras' own "auto" rule, widened).
_HIGHER_IS_BETTER = ("acc", "auc", "precision", "recall", "f1", "iou")


@dataclass(frozen=True)
class Monitor:
    name: str  # a key of the epoch's logs: val_loss, val_accuracy, loss...
    mode: str  # "min" or "max"


@dataclass(frozen=True)
class KeptEpoch:
    epoch: int  # 1-based, counting earlier runs' epochs
    monitor: str
    value: float | None  # the monitor's value at that epoch; None when it was not logged


def monitor_for(spec: NetworkSpec | None, *, has_validation: bool) -> Monitor:
    """The spec's early-stopping monitor if it has one, else val_loss with validation data,
    else loss."""
    stopping = [
        c for c in (spec.callbacks if spec is not None else []) if isinstance(c, EarlyStoppingSpec)
    ]
    if stopping:
        name, mode = stopping[0].monitor, stopping[0].mode
    else:
        name, mode = ("val_loss" if has_validation else "loss"), "auto"
    if mode == "auto":
        bare = name.removeprefix("val_").lower()
        mode = "max" if any(word in bare for word in _HIGHER_IS_BETTER) else "min"
    return Monitor(name=name, mode=mode)


class BestEpoch:
    """Follows the monitored metric epoch by epoch and holds the best epoch's weights."""

    def __init__(self, monitor: Monitor) -> None:
        self.monitor = monitor
        self.epoch: int | None = None
        self.value: float | None = None
        self.weights: list[Any] | None = None

    def resumed(self, history: list[dict[str, float]]) -> None:
        """Epochs an earlier run trained: their weights are gone, so one of them that stays the
        best is reported as such but kept as no model."""
        for epoch, metrics in enumerate(history, start=1):
            self._consider(epoch, metrics)

    def epoch_ended(self, epoch: int, metrics: dict[str, float], model: keras.Model) -> None:
        if self._consider(epoch, metrics):
            self.weights = model.get_weights()  # host copies, unaffected by further training

    def _consider(self, epoch: int, metrics: dict[str, float]) -> bool:
        value = metrics.get(self.monitor.name)
        if value is None or not math.isfinite(value) or not self._improves(value):
            return False
        self.epoch, self.value, self.weights = epoch, float(value), None
        return True

    def _improves(self, value: float) -> bool:
        if self.value is None:
            return True
        return value < self.value if self.monitor.mode == "min" else value > self.value

    def kept(self) -> KeptEpoch | None:
        if self.epoch is None:
            return None
        return KeptEpoch(epoch=self.epoch, monitor=self.monitor.name, value=self.value)


def monitor_value(history: list[dict[str, float]], epoch: int, monitor: str) -> float | None:
    if not 1 <= epoch <= len(history):
        return None
    value = history[epoch - 1].get(monitor)
    return float(value) if value is not None else None

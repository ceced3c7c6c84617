"""A TrainReporter for tests: records epochs and answers stop_requested from a rule."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class RecordingReporter:
    # Asked before every batch with this reporter; the run is cancelled once it returns True.
    stop_when: Callable[[RecordingReporter], bool] = lambda reporter: False
    epochs: list[tuple[int, dict[str, float]]] = field(default_factory=list)
    stop_checks: int = 0
    checks_after_stop: int = 0
    _stopped: bool = False

    def epoch_ended(self, epoch: int, metrics: dict[str, float]) -> None:
        self.epochs.append((epoch, metrics))

    def stop_requested(self) -> bool:
        self.stop_checks += 1
        if self._stopped:
            self.checks_after_stop += 1
        self._stopped = self._stopped or self.stop_when(self)
        return self._stopped

    @property
    def epoch_numbers(self) -> list[int]:
        return [epoch for epoch, _ in self.epochs]


def stop_after_checks(count: int) -> Callable[[RecordingReporter], bool]:
    return lambda reporter: reporter.stop_checks > count


def stop_after_epochs(count: int) -> Callable[[RecordingReporter], bool]:
    return lambda reporter: len(reporter.epochs) >= count

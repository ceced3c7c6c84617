"""Following a job live: its events stream (reconnecting when it drops), each epoch printed
as it ends, a progress bar with the ETA, in Jupyter a learning curve, and the job as it ended."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from neuroyard_client.curves import LiveCurve, in_jupyter
from neuroyard_client.errors import NeuroyardError
from neuroyard_client.events import Event, parse_events
from neuroyard_client.progress import progress_bar, write_line

if TYPE_CHECKING:
    from neuroyard_client.jobs import Job

FINAL = ("succeeded", "failed", "cancelled")
# How long a silent stream may stay open: the server sends a keep-alive every 15 s.
READ_TIMEOUT = 60.0
RECONNECTS = 10


def epoch_line(epoch: int, epochs: int | None, values: dict[str, Any]) -> str:
    of = f"/{epochs}" if epochs else ""
    shown = "  ".join(
        f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v}" for k, v in values.items()
    )
    return f"epoch {epoch}{of}  {shown}".rstrip()


class Follower:
    def __init__(
        self,
        job: Job,
        *,
        progress: bool,
        on_event: Callable[[Event], None] | None,
        lines: TextIO | None = None,
    ) -> None:
        self.job = job
        self.progress = progress
        self.lines = lines  # where epoch lines go: stdout when None
        self.on_event = on_event
        self.seen: set[int] = set()
        self.bar: Any = None
        self.status = job.status
        self.curve = LiveCurve(f"{job.kind} {job.id[:8]}") if progress and in_jupyter() else None

    def _bar(self, total: int | None, unit: str) -> Any:
        if self.bar is None:
            self.bar = progress_bar(
                enabled=self.progress, total=total, desc=f"{self.job.kind} {self.job.id[:8]}",
                unit=unit,
            )  # fmt: skip
        elif total and self.bar.total != total:
            self.bar.total = total
        return self.bar

    def _epoch(self, epoch: int, epochs: int | None, values: dict[str, Any]) -> None:
        if epoch in self.seen:
            return
        self.seen.add(epoch)
        bar = self._bar(epochs, "epoch")
        write_line(
            epoch_line(epoch, epochs, values),
            enabled=self.progress,
            file=self.lines,
        )
        if self.curve is not None:
            self.curve.add(epoch, values)
        bar.update(max(self.seen) - bar.n)

    def _step(self, step: int, steps: int | None) -> None:
        bar = self._bar(steps, "step")
        bar.update(step - bar.n)

    def handle(self, event: Event) -> None:
        data = event.data
        if event.name == "snapshot":
            self.status = data["status"]
            progress = data.get("progress") or {}
            epochs = progress.get("epochs")
            if "step" in progress:
                self._step(int(progress["step"]), progress.get("steps"))
            else:
                for row in data.get("epochs", []):
                    self._epoch(int(row["epoch"]), epochs, row["values"])
        elif event.name == "epoch":
            self._epoch(int(data["epoch"]), data.get("epochs"), data.get("values", {}))
        elif event.name == "step":
            self._step(int(data["step"]), data.get("steps"))
        elif event.name == "status":
            self.status = data["status"]
        if self.on_event is not None:
            self.on_event(event)

    def run(self) -> None:
        transport = self.job._client.transport
        failures = 0
        while self.status not in FINAL:
            try:
                with transport.stream(
                    "GET", f"/jobs/{self.job.id}/events/", timeout=READ_TIMEOUT
                ) as response:
                    for event in parse_events(response.iter_lines()):
                        failures = 0
                        self.handle(event)
                        if self.status in FINAL:
                            break
            except NeuroyardError as exc:
                if exc.code != "connection_failed" or failures >= RECONNECTS:
                    raise
                failures += 1
                time.sleep(min(0.5 * 2**failures, 10))
            if self.status not in FINAL:
                self.status = self.job.refresh().status
        if self.bar is not None:
            self.bar.close()

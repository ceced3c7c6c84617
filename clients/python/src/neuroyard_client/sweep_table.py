"""A sweep's trials as a table, and following it live: in a terminal the table is redrawn in
place as trials start, report epochs, are pruned and end; elsewhere (a pipe, a log) each trial
that changed gets a line."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from neuroyard_client.sweeps import Sweep

TRIAL_COLUMNS = ["trial", "state", "status", "epoch", "value", "values"]


def cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def table_lines(
    rows: Iterable[dict[str, Any]], columns: list[str], show: Callable[[Any], str] = cell
) -> list[str]:
    """A header of the column names, then a line per row, each column as wide as its widest."""
    cells = [[show(row.get(c)) for c in columns] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.upper().ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    for row in cells:
        lines.append("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
    return lines


def trial_row(trial: dict[str, Any]) -> dict[str, Any]:
    progress = trial.get("epochs") or {}
    epoch = progress.get("epoch")
    epochs = progress.get("epochs")
    return {
        "trial": trial["number"],
        "state": trial["state"],
        "status": trial["status"],
        "epoch": f"{epoch}/{epochs}" if epoch and epochs else cell(epoch),
        "value": trial.get("value"),
        "values": " ".join(f"{k}={cell(v)}" for k, v in (trial.get("values") or {}).items()),
    }


def sweep_heading(sweep: Sweep) -> str:
    metric = sweep.settings.get("metric", "value")
    best = sweep.best_so_far
    shown = f"; best trial {best['number']} ({metric} {cell(best['value'])})" if best else ""
    return f"sweep {sweep.id[:8]} {sweep.name!r} {sweep.status}: {len(sweep.trials)} trials{shown}"


def sweep_lines(sweep: Sweep) -> list[str]:
    return [sweep_heading(sweep), *table_lines([trial_row(t) for t in sweep.trials], TRIAL_COLUMNS)]


class SweepFollower:
    """`on_change` for `Sweep.follow`: shows the sweep each time its trials change."""

    def __init__(self, *, file: TextIO | None = None, live: bool | None = None) -> None:
        self.file = file or sys.stdout
        self.live = self.file.isatty() if live is None else live
        self._drawn = 0  # lines of the table on screen (live)
        self._rows: dict[int, dict[str, Any]] = {}  # each trial as last printed (not live)
        self._status: str | None = None

    def __call__(self, sweep: Sweep) -> None:
        if self.live:
            self.clear()
            lines = sweep_lines(sweep)
            self.file.write("\n".join(lines) + "\n")
            self._drawn = len(lines)
        else:
            for trial in sweep.trials:
                row = trial_row(trial)
                if self._rows.get(row["trial"]) != row:
                    self._rows[row["trial"]] = row
                    self.file.write(self._line(row) + "\n")
            if sweep.status != self._status:
                self._status = sweep.status
                self.file.write(sweep_heading(sweep) + "\n")
        self.file.flush()

    def clear(self) -> None:
        """Erase the live table (before the final one is printed)."""
        if self._drawn:
            self.file.write(f"\x1b[{self._drawn}F\x1b[J")
            self._drawn = 0

    @staticmethod
    def _line(row: dict[str, Any]) -> str:
        value = f"  value {cell(row['value'])}" if row["value"] is not None else ""
        epoch = f"  epoch {row['epoch']}" if row["epoch"] != "-" else ""
        return (
            f"trial {row['trial']}  {row['state']}  {row['status']}{epoch}{value}  {row['values']}"
        )

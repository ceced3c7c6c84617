"""Following a sweep: in a terminal the table is redrawn in place; in a pipe each trial that
changed gets one line, and a trial that did not change gets none."""

from __future__ import annotations

import io
from typing import Any

from neuroyard_client.sweep_table import SweepFollower
from neuroyard_client.sweeps import Sweep


def sweep(status: str, *trials: dict[str, Any]) -> Sweep:
    data = {
        "id": "5a1e5c0d-0000-0000-0000-000000000000",
        "name": "lr",
        "status": status,
        "settings": {"metric": "val_accuracy"},
        "trials": list(trials),
        "best_so_far": None,
    }
    return Sweep(None, data)  # type: ignore[arg-type]  # no server: nothing is fetched


def trial(number: int, state: str, status: str, epoch: int | None, value: float | None = None):  # noqa: ANN201
    progress = {"epoch": epoch, "epochs": 3} if epoch else {}
    return {"number": number, "state": state, "status": status, "epochs": progress,
            "value": value, "values": {"learning_rate": 0.01 * (number + 1)}}  # fmt: skip


def test_in_a_pipe_each_change_is_one_line() -> None:
    out = io.StringIO()
    follow = SweepFollower(file=out, live=False)

    follow(sweep("running", trial(0, "running", "queued", None)))
    follow(sweep("running", trial(0, "running", "running", 1), trial(1, "running", "queued", None)))
    follow(sweep("running", trial(0, "running", "running", 1), trial(1, "running", "running", 1)))
    best = trial(0, "complete", "succeeded", 3, 0.9)
    ended = sweep("succeeded", best, trial(1, "pruned", "pruned", 2))
    ended.data["best_so_far"] = best
    follow(ended)

    assert out.getvalue().splitlines() == [
        "trial 0  running  queued  learning_rate=0.01",
        "sweep 5a1e5c0d 'lr' running: 1 trials",
        "trial 0  running  running  epoch 1/3  learning_rate=0.01",
        "trial 1  running  queued  learning_rate=0.02",
        "trial 1  running  running  epoch 1/3  learning_rate=0.02",
        "trial 0  complete  succeeded  epoch 3/3  value 0.9  learning_rate=0.01",
        "trial 1  pruned  pruned  epoch 2/3  learning_rate=0.02",
        "sweep 5a1e5c0d 'lr' succeeded: 2 trials; best trial 0 (val_accuracy 0.9)",
    ]


def test_in_a_terminal_the_table_is_redrawn_in_place() -> None:
    out = io.StringIO()
    follow = SweepFollower(file=out, live=True)

    follow(sweep("running", trial(0, "running", "running", 1)))
    first = out.getvalue()
    follow(sweep("running", trial(0, "running", "running", 2)))
    follow.clear()

    assert first.splitlines()[1].split() == ["TRIAL", "STATE", "STATUS", "EPOCH", "VALUE", "VALUES"]
    row = ["0", "running", "running", "1/3", "-", "learning_rate=0.01"]
    assert first.splitlines()[2].split() == row
    redraw = out.getvalue()[len(first) :]
    assert redraw.startswith("\x1b[3F\x1b[J")  # up over the heading and two table lines, erased
    assert "2/3" in redraw and redraw.endswith("\x1b[3F\x1b[J")

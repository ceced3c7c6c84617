"""The learning curve `job.follow()` draws in Jupyter, rendered without Jupyter (matplotlib Agg)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from neuroyard_client.curves import LiveCurve, curve_figure, in_jupyter
from neuroyard_client.events import Event
from neuroyard_client.follow import Follower

pytest.importorskip("matplotlib")


def lines_of(axes) -> dict[str, tuple[list[float], list[float], str]]:  # noqa: ANN001
    return {
        line.get_label(): (list(line.get_xdata()), list(line.get_ydata()), line.get_linestyle())
        for line in axes.get_lines()
    }


def test_losses_and_other_metrics_are_drawn_by_epoch_side_by_side() -> None:
    history = {
        "loss": [(1, 2.0), (2, 1.0), (3, 0.5)],
        "val_loss": [(1, 2.5), (2, 1.5), (3, 1.0)],
        "accuracy": [(1, 0.3), (2, 0.6), (3, 0.9)],
    }

    losses, others = curve_figure(history, title="train 1234").axes

    assert lines_of(losses) == {
        "loss": ([1, 2, 3], [2.0, 1.0, 0.5], "-"),
        "val_loss": ([1, 2, 3], [2.5, 1.5, 1.0], "--"),
    }
    assert lines_of(others) == {"accuracy": ([1, 2, 3], [0.3, 0.6, 0.9], "-")}
    assert losses.get_xlabel() == "epoch"


def test_following_in_a_notebook_shows_the_curve_once_and_updates_it_per_epoch() -> None:
    job = SimpleNamespace(id="0123456789ab", kind="train", status="running")
    follower = Follower(job, progress=False, on_event=None)  # type: ignore[arg-type]
    shown: list[bytes] = []
    updates: list[bytes] = []

    def show(png: bytes):  # noqa: ANN202
        shown.append(png)
        return updates.append

    follower.curve = LiveCurve("train 01234567", show=show)
    first = {"epoch": 1, "values": {"loss": 1.0}}
    follower.handle(Event("snapshot", {"status": "running", "progress": {}, "epochs": [first]}))
    for epoch, values in [
        (2, {"loss": 0.7, "accuracy": 0.5}),
        (2, {"loss": 0.7}),  # sent again: drawn once
        (3, {"loss": 0.4, "accuracy": 0.8}),
    ]:
        follower.handle(Event("epoch", {"epoch": epoch, "epochs": 3, "values": values}))

    assert len(shown) == 1 and len(updates) == 2  # one display, redrawn in place
    assert all(png.startswith(b"\x89PNG") for png in shown + updates)
    assert follower.curve.history == {
        "loss": [(1, 1.0), (2, 0.7), (3, 0.4)],
        "accuracy": [(2, 0.5), (3, 0.8)],
    }


def test_in_a_terminal_following_stays_text_only() -> None:
    job = SimpleNamespace(id="0123456789ab", kind="train", status="running")

    assert not in_jupyter()
    assert Follower(job, progress=True, on_event=None).curve is None  # type: ignore[arg-type]

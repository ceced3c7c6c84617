"""The learning curve `job.follow()` draws in Jupyter: one small matplotlib figure, redrawn in
place (an IPython display handle) after every epoch. Both libraries are optional; without them,
or outside a notebook, following stays text only."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

History = dict[str, list[tuple[int, float]]]


def in_jupyter() -> bool:
    """True in a Jupyter kernel (not a terminal IPython) where matplotlib is installed."""
    try:
        import matplotlib  # noqa: F401
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def curve_figure(history: History, *, title: str = "") -> Any:
    """Losses on the left, every other metric on the right, by epoch; `val_` twins dashed."""
    from matplotlib.figure import Figure  # no pyplot: no global state, any backend

    losses = {k: v for k, v in history.items() if "loss" in k}
    others = {k: v for k, v in history.items() if "loss" not in k}
    panels = [group for group in (losses, others) if group]
    figure = Figure(figsize=(4.2 * max(len(panels), 1), 3.0), layout="constrained")
    grid = figure.subplots(1, max(len(panels), 1), squeeze=False)[0]
    for axes, group in zip(grid, panels, strict=False):
        for name, points in sorted(group.items()):
            epochs, values = zip(*points, strict=True)
            axes.plot(epochs, values, "--" if name.startswith("val_") else "-", label=name)
        axes.set_xlabel("epoch")
        axes.grid(alpha=0.3)
        axes.legend(fontsize="small")
    if title:
        figure.suptitle(title, fontsize="medium")
    return figure


def png_of(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=80)
    return buffer.getvalue()


class LiveCurve:
    """The figure of a followed job, shown once and updated as epochs end."""

    def __init__(
        self, title: str, *, show: Callable[[bytes], Callable[[bytes], None]] | None = None
    ) -> None:
        self.title = title
        self.history: History = {}
        self._show = show or _notebook_display
        self._update: Callable[[bytes], None] | None = None

    def add(self, epoch: int, values: dict[str, Any]) -> None:
        for name, value in values.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                points = self.history.setdefault(name, [])
                points[:] = [p for p in points if p[0] != epoch] + [(epoch, float(value))]
        if not self.history:
            return
        png = png_of(curve_figure(self.history, title=self.title))
        if self._update is None:
            self._update = self._show(png)
        else:
            self._update(png)


def _notebook_display(png: bytes) -> Callable[[bytes], None]:
    from IPython.display import Image, display

    handle = display(Image(data=png, format="png"), display_id=True)
    return lambda newer: handle.update(Image(data=newer, format="png"))

"""Progress bars: tqdm in a terminal, its widget in Jupyter (tqdm.auto picks), none when off."""

from __future__ import annotations

import sys
from typing import Any, TextIO

from tqdm.auto import tqdm


class NoBar:
    """Stands in for a bar when progress is off."""

    n = 0
    total: float | None = None

    def update(self, n: float = 1) -> None:
        self.n += int(n)

    def reset(self, total: float | None = None) -> None:
        self.n = 0

    def set_postfix_str(self, s: str = "", refresh: bool = True) -> None:
        pass

    def set_description_str(self, desc: str | None = None, refresh: bool = True) -> None:
        pass

    def refresh(self) -> None:
        pass

    def close(self) -> None:
        pass


def progress_bar(*, enabled: bool, **kwargs: Any) -> Any:
    if not enabled:
        return NoBar()
    return tqdm(file=sys.stderr, dynamic_ncols=True, **kwargs)


def write_line(line: str, *, enabled: bool, file: TextIO | None = None) -> None:
    """A line printed above any bar (on stdout, or `file`), so the bar is not broken by it."""
    if enabled:
        tqdm.write(line, file=file or sys.stdout)

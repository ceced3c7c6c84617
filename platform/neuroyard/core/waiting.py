"""Views that wait long for something else (a worker's answer): the web server runs them in
threads of their own, never in the few that serve the rest of the API
(neuroyard.core.asgi_handler), and they hold no database connection while they wait."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from asgiref.sync import iscoroutinefunction
from django.db import connections

View = TypeVar("View", bound=Callable[..., Any])


def waiting_view(view: View) -> View:
    """Marks a view (as a URL names it) that waits long."""
    view.waits = True  # type: ignore[attr-defined]
    return view


def view_waits(view: Callable[..., Any]) -> bool:
    """Async views count too: each may await a long time (an event stream's next event)."""
    return iscoroutinefunction(view) or getattr(view, "waits", False)


def db_connections_release() -> None:
    """Give this thread's database connections back (to the pool) before waiting; the next
    query takes one again. Not inside a transaction: it would be lost."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()

"""The base of the objects the API answers with: the JSON as it came, plus typed fields."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from neuroyard_client.client import Neuroyard


class Record:
    """One object of the REST API. `data` is its JSON; properties give the fields people use."""

    path: str = ""  # the API's path of the collection, e.g. "/datasets/"

    def __init__(self, client: Neuroyard, data: dict[str, Any]) -> None:
        self._client = client
        self.data = data

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def name(self) -> str:
        return str(self.data.get("name") or "")

    def refresh(self) -> Any:
        self.data = self._client.transport.json("GET", f"{self.path}{self.id}/")
        return self

    def __repr__(self) -> str:
        name = self.data.get("name") or self.data.get("kind") or ""
        status = self.data.get("status")
        extra = f" {status}" if status else ""
        return f"<{type(self).__name__} {self.id} {name!r}{extra}>"


def id_of(thing: Record | str | None) -> str | None:
    """An object's id, whether given the object or its id."""
    if thing is None:
        return None
    return thing.id if isinstance(thing, Record) else str(thing)

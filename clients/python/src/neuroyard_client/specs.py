"""Network specs and the server's templates of classic networks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from neuroyard_client.records import Record, id_of

if TYPE_CHECKING:
    from neuroyard_client.client import Neuroyard
    from neuroyard_client.datasets import Dataset
    from neuroyard_client.jobs import Job


class Spec(Record):
    path = "/specs/"

    @property
    def spec(self) -> dict[str, Any]:
        return dict(self.data["spec"])

    @property
    def summary(self) -> dict[str, Any]:
        return dict(self.data.get("summary") or {})


class Specs:
    def __init__(self, client: Neuroyard) -> None:
        self._client = client

    def create(self, name: str, spec: dict[str, Any]) -> Spec:
        data = self._client.transport.json("POST", "/specs/", json={"name": name, "spec": spec})
        return Spec(self._client, data)

    def validate(
        self,
        spec: dict[str, Any],
        *,
        dataset: Dataset | str | None = None,
        batch_size: int | None = None,
    ) -> dict[str, Any]:
        """Per-layer shapes, parameter counts and a memory estimate; raises on a bad spec."""
        body: dict[str, Any] = {"spec": spec}
        if dataset is not None:
            body["dataset"] = id_of(dataset)
        if batch_size is not None:
            body["batch_size"] = batch_size
        return dict(self._client.transport.json("POST", "/specs/validate/", json=body))

    def list(self, *, limit: int | None = None) -> list[Spec]:
        return [
            Spec(self._client, row) for row in self._client.transport.pages("/specs/", limit=limit)
        ]

    def get(self, spec: Spec | str) -> Spec:
        return Spec(self._client, self._client.transport.json("GET", f"/specs/{id_of(spec)}/"))


class Template(Record):
    path = "/templates/"

    @property
    def id(self) -> str:
        return str(self.data["key"])

    @property
    def key(self) -> str:
        return str(self.data["key"])

    @property
    def spec(self) -> dict[str, Any]:
        return dict(self.data["spec"])

    @property
    def params(self) -> dict[str, Any]:
        """The train job's suggested params."""
        return dict(self.data.get("params") or {})

    def fit(self, dataset: Dataset | str, **params: Any) -> Job:
        """Save the template as a spec and train it on `dataset` (suggested params, overridden
        by `params`)."""
        spec = self._client.specs.create(self.name, self.spec)
        return self._client.jobs.train(dataset=dataset, spec=spec, **(self.params | params))


class Templates:
    """The server's templates, by key: `ny.templates["mnist_mlp"]`."""

    def __init__(self, client: Neuroyard) -> None:
        self._client = client

    def list(self) -> list[Template]:
        rows = self._client.transport.json("GET", "/templates/")
        return [Template(self._client, row) for row in rows]

    def __getitem__(self, key: str) -> Template:
        return Template(self._client, self._client.transport.json("GET", f"/templates/{key}/"))

    def __iter__(self) -> Iterator[Template]:
        return iter(self.list())

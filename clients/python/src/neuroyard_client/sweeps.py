"""Sweeps: a hyperparameter search whose trials are train jobs. Create one, follow its trials
live, cancel it, take its best model, and download every trial's TensorBoard run in one zip."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from neuroyard_client.errors import NeuroyardError
from neuroyard_client.records import Record, id_of

if TYPE_CHECKING:
    from neuroyard_client.client import Neuroyard
    from neuroyard_client.datasets import Dataset
    from neuroyard_client.models import TrainedModel
    from neuroyard_client.specs import Spec

FINAL = ("succeeded", "failed", "cancelled")
POLL_SECONDS = 2.0


class Sweep(Record):
    path = "/sweeps/"

    @property
    def status(self) -> str:
        return str(self.data["status"])

    @property
    def settings(self) -> dict[str, Any]:
        return dict(self.data.get("settings") or {})

    @property
    def trials(self) -> list[dict[str, Any]]:
        """`[{"number", "job", "values", "state", "value", "status", "epochs", ...}]` by number
        (what `get` and `refresh` read; a listed sweep has none)."""
        return list(self.data.get("trials") or [])

    @property
    def best_so_far(self) -> dict[str, Any] | None:
        """The completed trial with the best value yet (pruned trials never count)."""
        best = self.data.get("best_so_far")
        return dict(best) if best else None

    @property
    def error(self) -> dict[str, str] | None:
        code = self.data.get("error_code")
        return {"code": code, "message": self.data.get("error_message") or ""} if code else None

    @property
    def best_model(self) -> TrainedModel:
        """The best trial's model, registered once the sweep succeeded."""
        model_id = self.data.get("best_model") or self.refresh().data.get("best_model")
        if not model_id:
            raise NeuroyardError(
                "no_model", f"Sweep {self.id} is {self.status} and has no best model yet."
            )
        return self._client.models.get(str(model_id))

    def cancel(self) -> Sweep:
        """Cancel the sweep: no trial starts after this, and its running trials are cancelled."""
        self.data = self._client.transport.json("POST", f"/sweeps/{self.id}/cancel/")
        return self

    def follow(
        self,
        *,
        interval: float = POLL_SECONDS,
        on_change: Callable[[Sweep], None] | None = None,
        timeout: float | None = None,
    ) -> Sweep:
        """Poll the sweep until it ends, calling `on_change(self)` each time its trials change
        (one starts, reports an epoch, is pruned, ends)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        seen: object = None
        while True:
            self.refresh()
            now = (self.status, [(t["state"], t["status"], t["epochs"]) for t in self.trials])
            if now != seen:
                seen = now
                if on_change is not None:
                    on_change(self)
            if self.status in FINAL:
                return self
            if deadline is not None and time.monotonic() >= deadline:
                raise NeuroyardError(
                    "timeout", f"Sweep {self.id} is still {self.status} after {timeout} s."
                )
            time.sleep(interval)

    def download_tensorboard(self, target: str | Path) -> Path:
        """Every ended trial's TensorBoard event files in one zip (`trial-000/`, ...), for
        `tensorboard --logdir` on the unzipped folder."""
        path = Path(target)
        if path.is_dir():
            path = path / f"sweep-{self.id[:8]}-tensorboard.zip"
        return self._client.download(f"/sweeps/{self.id}/tensorboard/", path)


class Sweeps:
    def __init__(self, client: Neuroyard) -> None:
        self._client = client

    def create(
        self,
        *,
        name: str,
        dataset: Dataset | str,
        spec: Spec | str,
        settings: dict[str, Any],
        params: dict[str, Any] | None = None,
    ) -> Sweep:
        """Start a sweep. `settings`: space, searcher (grid|random|tpe), early_stopping
        (none|asha|hyperband), metric, direction, budget {trials, epochs, minutes},
        parallelism, seed;
        `params`: the trials' train params before searching (epochs, batch_size, ...)."""
        body = {
            "name": name,
            "dataset": id_of(dataset),
            "spec": id_of(spec),
            "params": params or {},
            "settings": settings,
        }
        return Sweep(self._client, self._client.transport.json("POST", "/sweeps/", json=body))

    def get(self, sweep: Sweep | str) -> Sweep:
        data = self._client.transport.json("GET", f"/sweeps/{id_of(sweep)}/")
        return Sweep(self._client, data)

    def list(self, *, limit: int | None = None) -> list[Sweep]:
        """Your sweeps, newest first (without their trials: `get` one for those)."""
        rows = self._client.transport.pages("/sweeps/", limit=limit)
        return [Sweep(self._client, row) for row in rows]

    def cancel(self, sweep: Sweep | str) -> Sweep:
        data = self._client.transport.json("POST", f"/sweeps/{id_of(sweep)}/cancel/")
        return Sweep(self._client, data)

"""Datasets: upload (resumable, with a progress bar), wait for ingestion, list, show, delete."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from neuroyard_client.errors import DatasetInvalid, NeuroyardError
from neuroyard_client.progress import progress_bar
from neuroyard_client.records import Record, id_of
from neuroyard_client.uploads import CHUNK_SIZE, ResumableUpload

if TYPE_CHECKING:
    from neuroyard_client.client import Neuroyard


class Dataset(Record):
    path = "/datasets/"

    @property
    def status(self) -> str:
        return str(self.data["status"])

    @property
    def stats(self) -> dict[str, Any]:
        return dict(self.data.get("stats") or {})

    def wait(self, *, timeout: float | None = None, poll: float = 0.5) -> Dataset:
        """Wait until ingestion has made it ready; raises DatasetInvalid with the reason."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.refresh().status == "processing":
            if deadline is not None and time.monotonic() > deadline:
                raise NeuroyardError(
                    "timeout", f"Dataset {self.id} is still being checked after {timeout:.0f}s."
                )
            time.sleep(poll)
        if self.status == "invalid":
            raise DatasetInvalid(
                str(self.data.get("error_code") or "dataset_invalid"),
                f"Dataset {self.name} is invalid: {self.data.get('error')}",
            )
        return self


class Datasets:
    def __init__(self, client: Neuroyard) -> None:
        self._client = client

    def list(self, *, limit: int | None = None) -> list[Dataset]:
        rows = self._client.transport.pages("/datasets/", limit=limit)
        return [Dataset(self._client, row) for row in rows]

    def get(self, dataset: Dataset | str) -> Dataset:
        data = self._client.transport.json("GET", f"/datasets/{id_of(dataset)}/")
        return Dataset(self._client, data)

    def delete(self, dataset: Dataset | str) -> None:
        self._client.transport.request("DELETE", f"/datasets/{id_of(dataset)}/")

    def upload(
        self,
        path: str | Path,
        *,
        name: str | None = None,
        wait: bool = True,
        progress: bool | None = None,
        chunk_size: int = CHUNK_SIZE,
        **options: Any,
    ) -> Dataset:
        """Upload a dataset file (NPZ, CSV, ZIP of image folders) and, unless `wait=False`,
        wait until it is ready. Big files go in resumable pieces of `chunk_size` bytes; an
        interrupted upload goes on from where the server has it. `options` are the server's
        ingestion options (`label_column`, `image_size`, `test_fraction`, ...)."""
        path = Path(path)
        if not path.is_file():
            raise NeuroyardError("file_not_found", f"No such file: {path}")
        fields = {k: str(v) for k, v in options.items() if v is not None}
        if name:
            fields["name"] = name
        show = self._client.progress if progress is None else progress
        bar = progress_bar(
            enabled=show, total=path.stat().st_size, desc=f"upload {path.name}",
            unit="B", unit_scale=True, unit_divisor=1024,
        )  # fmt: skip
        upload = ResumableUpload(
            self._client.transport,
            path,
            fields,
            chunk_size=chunk_size,
            on_offset=lambda offset: bar.update(offset - bar.n),
        )
        try:
            dataset_id = upload.run()
        finally:
            bar.close()
        self.last_upload = upload
        dataset = self.get(dataset_id)
        return dataset.wait() if wait else dataset

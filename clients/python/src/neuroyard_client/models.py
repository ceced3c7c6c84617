"""Trained (and uploaded) models: list, download in any export format, predict."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import TYPE_CHECKING, Any

from neuroyard_client.records import Record, id_of

if TYPE_CHECKING:
    from neuroyard_client.client import Neuroyard

FORMATS = ("keras", "savedmodel", "tflite")
SUFFIXES = {"keras": ".keras", "savedmodel": ".zip", "tflite": ".tflite"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff"}


class TrainedModel(Record):
    path = "/models/"

    @property
    def class_names(self) -> list[str]:
        return list(self.data.get("class_names") or [])

    def download(
        self, path: str | Path | None = None, *, format: str = "keras", timeout: float = 600
    ) -> Path:
        """Save the model; SavedModel (a zip) and TFLite are converted on the first download,
        which this waits for. Returns the file's path (default: `<name><suffix>` here)."""
        if format not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}")
        target = Path(path) if path else Path(f"{self.name or self.id}{SUFFIXES[format]}")
        url = f"/models/{self.id}/download/"
        return self._client.download(url, target, params={"format": format}, timeout=timeout)

    def predict(
        self, inputs: list[Any], *, top_k: int | None = None, timeout: float = 120
    ) -> list[dict[str, Any]]:
        """Synchronous predictions for a few raw samples (numbers, sentences, table rows, or
        images as paths / bytes); one answer per sample."""
        body: dict[str, Any] = {"inputs": [_sample(x) for x in inputs]}
        if top_k is not None:
            body["top_k"] = top_k
        transport = self._client.transport
        response = transport.request("POST", f"/models/{self.id}/predict/", json=body)
        if response.status_code == 202:  # a cold model or a busy worker: ask again
            poll = response.json()["poll_url"]
            response = transport.poll_accepted("GET", poll, timeout=timeout)
        return list(response.json()["predictions"])


def _sample(value: Any) -> Any:
    """A file path of an image, or bytes, become the base64 the endpoint takes."""
    if isinstance(value, Path) or (
        isinstance(value, str) and Path(value).suffix.lower() in IMAGE_SUFFIXES
    ):
        value = Path(value).read_bytes()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if hasattr(value, "tolist"):  # a NumPy array, without importing NumPy
        return value.tolist()
    return value


class Models:
    def __init__(self, client: Neuroyard) -> None:
        self._client = client

    def list(self, *, limit: int | None = None) -> list[TrainedModel]:
        rows = self._client.transport.pages("/models/", limit=limit)
        return [TrainedModel(self._client, row) for row in rows]

    def get(self, model: TrainedModel | str) -> TrainedModel:
        data = self._client.transport.json("GET", f"/models/{id_of(model)}/")
        return TrainedModel(self._client, data)

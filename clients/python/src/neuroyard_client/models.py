"""Trained (and uploaded) models: list, download in any export format, predict."""

from __future__ import annotations

import base64
from dataclasses import dataclass
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
        return list(self._predict(body, timeout=timeout)["predictions"])

    def generate(
        self,
        *,
        count: int | None = None,
        latent: list[list[float]] | None = None,
        class_: int | str | None = None,
        interpolate: int | None = None,
        seed: int | None = None,
        timeout: float = 120,
    ) -> Generated:
        """Pictures from a GAN's generator: `count` from random latent points, one per `latent`
        point, or `interpolate` along the line between two (`latent`'s, or random ones); `class_`
        for a conditional GAN. The server checks the request (400 with a code otherwise)."""
        asked = {"count": count, "latent": latent, "class": class_,
                 "interpolate": interpolate, "seed": seed}  # fmt: skip
        answer = self._predict(
            {key: value for key, value in asked.items() if value is not None}, timeout=timeout
        )
        rows = answer["predictions"]
        strip = answer.get("strip")
        return Generated(
            pictures=[base64.b64decode(row["image"]) for row in rows],
            latent=[list(row["latent"]) for row in rows],
            labels=[row.get("label") for row in rows],
            strip=base64.b64decode(strip) if strip else None,
        )

    def _predict(self, body: dict[str, Any], *, timeout: float) -> dict[str, Any]:
        transport = self._client.transport
        response = transport.request("POST", f"/models/{self.id}/predict/", json=body)
        if response.status_code == 202:  # a cold model or a busy worker: ask again
            poll = response.json()["poll_url"]
            response = transport.poll_accepted("GET", poll, timeout=timeout)
        answer: dict[str, Any] = response.json()
        return answer


@dataclass(frozen=True)
class Generated:
    """A generator's pictures (PNG bytes), the latent point and class of each, and an
    interpolation's strip (PNG bytes)."""

    pictures: list[bytes]
    latent: list[list[float]]
    labels: list[str | None]
    strip: bytes | None = None

    def save(self, folder: str | Path) -> list[Path]:
        """picture-000.png, ... (and strip.png) in `folder`; the paths written."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        named = [(f"picture-{n:03d}.png", png) for n, png in enumerate(self.pictures)]
        if self.strip is not None:
            named.append(("strip.png", self.strip))
        for name, png in named:
            (folder / name).write_bytes(png)
        return [folder / name for name, _ in named]


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

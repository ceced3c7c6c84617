"""Uploads for the dataset tests, and `ingested`: upload through the API, then run the
ingestion task's body in this process (the integration tests run it on a real cpu worker)."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import numpy as np
from PIL import Image
from rest_framework.test import APIClient

from neuroyard_worker.runtime.dataset_ingest import ingest_dataset


def named(name: str, content: bytes) -> io.BytesIO:
    buffer = io.BytesIO(content)
    buffer.name = name
    return buffer


def image_bytes(pixels: np.ndarray, format: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format=format)
    return buffer.getvalue()


def zip_upload(entries: dict[str, bytes], name: str = "images.zip", **kwargs: Any) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", **kwargs) as archive:
        for path, content in entries.items():
            archive.writestr(path, content)
    return named(name, buffer.getvalue())


def squares_and_stripes(per_class: int = 4, size: int = 12) -> dict[str, bytes]:
    """Two classes of grey PNGs: a bright square, or horizontal stripes."""
    rng = np.random.default_rng(0)
    entries = {}
    for i in range(per_class):
        square = np.zeros((size, size), np.uint8)
        square[2:-2, 2:-2] = 200 + rng.integers(0, 50)
        stripes = np.zeros((size, size), np.uint8)
        stripes[::2] = 255
        entries[f"square/{i}.png"] = image_bytes(square)
        entries[f"stripes/{i}.png"] = image_bytes(stripes)
    return entries


def post(api: APIClient, upload: io.BytesIO, **fields: Any) -> Any:
    return api.post("/api/v1/datasets/", {"file": upload, **fields}, format="multipart")


def ingested(api: APIClient, upload: io.BytesIO, **fields: Any) -> dict[str, Any]:
    """The dataset as the API shows it once ingestion has settled it (ready or invalid)."""
    response = post(api, upload, **fields)
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "processing"
    ingest_dataset(response.json()["id"])
    return api.get(f"/api/v1/datasets/{response.json()['id']}/").json()

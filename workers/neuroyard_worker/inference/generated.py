"""A GAN generator's answer to a predict call: each picture as a PNG (base64) with the latent
point it came from and its class, and an interpolation's pictures as one strip."""

from __future__ import annotations

import base64
from typing import Any

import numpy as np

from neuroyard_worker.engine.gan_pictures import png_bytes, sample_grid, to_unit


def generated_answer(
    pictures: np.ndarray, x: np.ndarray, *, reading: dict[str, Any], class_names: list[str]
) -> dict[str, Any]:
    """`pictures`: the generator's outputs for inputs `x`; `reading`: GeneratorBatch.reading()."""
    latent_dim = int(reading["latent_dim"])
    low, high = (float(end) for end in reading["pixel_range"])
    unit = to_unit(pictures, low, high)
    rows = []
    for picture, inputs in zip(unit, x, strict=True):
        row: dict[str, Any] = {
            "image": _base64_png(picture),
            "latent": inputs[:latent_dim].tolist(),
        }
        if class_names:
            index = int(np.argmax(inputs[latent_dim:]))
            row |= {"label": class_names[index], "index": index}
        rows.append(row)
    answer: dict[str, Any] = {"predictions": rows}
    if reading.get("strip"):
        answer["strip"] = _base64_png(sample_grid(unit, columns=len(unit)) / 255.0)
    return answer


def _base64_png(unit_pixels: np.ndarray) -> str:
    return base64.b64encode(png_bytes(unit_pixels * 255.0)).decode()

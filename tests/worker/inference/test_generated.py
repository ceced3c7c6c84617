"""A generator's answer: each picture a PNG of its pixels mapped from the generator's range to
0..255, with its latent point and class, and an interpolation's pictures as one strip."""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image

from neuroyard_worker.inference.generated import generated_answer


def pixels(text: str) -> np.ndarray:
    with Image.open(io.BytesIO(base64.b64decode(text))) as picture:
        assert picture.format == "PNG"
        return np.asarray(picture)


def test_pictures_are_pngs_in_the_generator_s_range_with_their_latent_point_and_class() -> None:
    pictures = np.stack([np.full((4, 5, 1), -1.0), np.full((4, 5, 1), 1.0)]).astype(np.float32)
    x = np.array([[0.5, -0.5, 0.0, 1.0], [1.5, 2.5, 1.0, 0.0]], np.float32)  # 2 latent, 2 classes

    answer = generated_answer(
        pictures, x, reading={"latent_dim": 2, "pixel_range": [-1, 1]}, class_names=["a", "b"]
    )

    first, second = answer["predictions"]
    assert pixels(first["image"]).shape == (4, 5) and pixels(first["image"]).max() == 0
    assert pixels(second["image"]).min() == 255
    assert (first["latent"], first["label"], first["index"]) == ([0.5, -0.5], "b", 1)
    assert (second["latent"], second["label"], second["index"]) == ([1.5, 2.5], "a", 0)
    assert "strip" not in answer


def test_an_interpolation_is_also_one_strip_of_its_pictures_in_a_row() -> None:
    pictures = np.random.default_rng(0).random((6, 28, 28, 3)).astype(np.float32)
    x = np.zeros((6, 8), np.float32)

    answer = generated_answer(
        pictures, x, reading={"latent_dim": 8, "pixel_range": [0, 1], "strip": True}, class_names=[]
    )

    assert "label" not in answer["predictions"][0]
    assert pixels(answer["strip"]).shape == (28 + 4, 6 * 30 + 2, 3)

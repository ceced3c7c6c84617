"""The classic example datasets as pure NumPy: small problems a new user can train in a minute.

Each function returns the arrays of an NPZ dataset (`x`, `y`, and `x_test`, `y_test` where the
problem has a held-out set; `class_names` for classification). Same call, same arrays: every
generator uses a fixed seed.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

Arrays = dict[str, np.ndarray]

# scikit-learn's copy of the UCI handwritten digits (E. Alpaydin, C. Kaynak, 1998): 1797 8x8
# images with pixels 0..16, kept here so the web process does not need scikit-learn.
DIGITS_FILE = Path(__file__).with_name("example_data") / "digits.npz"
DIGITS_TEST_SAMPLES = 297

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
FESTIVAL_WEIGHTS = np.array([0.5, 0.25, 0.15, 0.1], np.float32)
FESTIVAL_THRESHOLD = 0.5
FOUR_PIXEL_CLASSES = ["solid", "vertical", "diagonal", "horizontal"]


def _split(x: np.ndarray, y: np.ndarray, test: int) -> Arrays:
    return {"x": x[:-test], "y": y[:-test], "x_test": x[-test:], "y_test": y[-test:]}


def festival(samples: int = 400) -> Arrays:
    """Go to the festival or not: four scores in [0, 1] (weather, company, travel, price); go
    when their weighted sum (weights 0.5, 0.25, 0.15, 0.1) reaches 0.5. One neuron learns it."""
    x = np.random.default_rng(1).random((samples, 4), dtype=np.float32)
    y = (x @ FESTIVAL_WEIGHTS >= FESTIVAL_THRESHOLD).astype(np.int64)
    return _split(x, y, samples // 5) | {"class_names": np.array(["stay home", "go"])}


def xor() -> Arrays:
    """The four points of exclusive or: 1 when exactly one input is 1. No single neuron can."""
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)
    return {"x": x, "y": np.array([0, 1, 1, 0], np.int64)}


def adder(samples: int = 1200) -> Arrays:
    """Two numbers in [0, 1) and their sum: the smallest regression problem."""
    x = np.random.default_rng(2).random((samples, 2), dtype=np.float32)
    return _split(x, x.sum(axis=1), samples // 6)


def four_pixel_camera(samples: int = 500) -> Arrays:
    """2x2 grey images, pixels in [-1, 1] (-1 black, 1 white), shape (2, 2, 1): solid, vertical,
    diagonal or horizontal (after Brandon Rohrer's "How neural networks work")."""
    patterns = np.array(
        [
            [[1, 1], [1, 1]],  # solid
            [[1, -1], [1, -1]],  # vertical
            [[1, -1], [-1, 1]],  # diagonal
            [[1, 1], [-1, -1]],  # horizontal
        ],
        np.float32,
    )
    rng = np.random.default_rng(3)
    y = rng.integers(0, len(patterns), samples)
    sign = rng.choice(np.array([-1.0, 1.0], np.float32), samples)  # the inverted picture too
    brightness = rng.uniform(0.5, 1.0, (samples, 2, 2)).astype(np.float32)
    x = patterns[y] * sign[:, None, None] * brightness
    arrays = _split(x[..., None], y.astype(np.int64), samples // 5)
    return arrays | {"class_names": np.array(FOUR_PIXEL_CLASSES)}


def digits_images() -> tuple[np.ndarray, np.ndarray]:
    """The handwritten digits as 8x8 uint8 images (pixels 0..16) and their labels 0..9."""
    with np.load(DIGITS_FILE, allow_pickle=False) as npz:
        return npz["images"], npz["labels"].astype(np.int64)


def digits() -> Arrays:
    """scikit-learn's handwritten digits, each 8x8 image flattened to 64 values in [0, 1]."""
    images, labels = digits_images()
    x = (images.reshape(len(images), 64) / 16.0).astype(np.float32)
    arrays = _split(x, labels, DIGITS_TEST_SAMPLES)
    return arrays | {"class_names": np.array([str(d) for d in range(10)])}


def digits_28() -> Arrays:
    """The digits enlarged to MNIST's 28x28 (each pixel 3x3, a 2-pixel border), grey images of
    shape (28, 28, 1) in [0, 1], split as `digits()`: for the 28x28 templates (the DCGAN's)."""
    images, labels = digits_images()
    large = np.kron(images / 16.0, np.ones((3, 3)))
    x = np.pad(large, ((0, 0), (2, 2), (2, 2)))[..., np.newaxis].astype(np.float32)
    arrays = _split(x, labels, DIGITS_TEST_SAMPLES)
    return arrays | {"class_names": np.array([str(d) for d in range(10)])}


def npz_bytes(arrays: Arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def png_bytes(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


def digits_image_zip(*, split_folders: bool = True) -> bytes:
    """The digits as an image-folder ZIP of 8x8 grey PNGs, one folder per digit; with
    `split_folders`, inside train/ and test/ as in `digits()`."""
    images, labels = digits_images()
    pixels = (images.astype(np.uint16) * 255 // 16).astype(np.uint8)
    test_from = len(images) - DIGITS_TEST_SAMPLES
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for i, (image, label) in enumerate(zip(pixels, labels, strict=True)):
            split = ("test/" if i >= test_from else "train/") if split_folders else ""
            # A fixed date: the same examples make the same bytes, so reloading is a no-op.
            entry = zipfile.ZipInfo(f"digits/{split}{label}/{i:04d}.png", date_time=ZIP_EPOCH)
            archive.writestr(entry, png_bytes(image))
    return buffer.getvalue()


@dataclass(frozen=True)
class Example:
    name: str
    format: str
    build: Callable[[], bytes]  # the file a user would upload


EXAMPLES: dict[str, Example] = {
    "festival": Example("Festival decision", "npz", lambda: npz_bytes(festival())),
    "xor": Example("XOR", "npz", lambda: npz_bytes(xor())),
    "adder": Example("Adder", "npz", lambda: npz_bytes(adder())),
    "four_pixel_camera": Example(
        "Four-pixel camera", "npz", lambda: npz_bytes(four_pixel_camera())
    ),
    "digits": Example("Handwritten digits (8x8, flattened)", "npz", lambda: npz_bytes(digits())),
    "digits_images": Example("Handwritten digits (8x8 images)", "image_folder", digits_image_zip),
    "digits_28": Example(
        "Handwritten digits (28x28 images)", "npz", lambda: npz_bytes(digits_28())
    ),
}

"""Small Keras networks and pictures for the image-job tests: fast on two CPU cores."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
from sklearn.datasets import load_digits


def small_convnet(path: Path, *, channels: int = 1, seed: int = 0) -> Path:
    """An untrained digits-shaped ConvNet (8x8 inputs, two conv layers), saved as .keras."""
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.Input((8, 8, channels)),
            keras.layers.Conv2D(8, 3, padding="same", activation="relu", name="conv1"),
            keras.layers.Conv2D(12, 3, activation="relu", name="conv2"),
            keras.layers.Flatten(),
            keras.layers.Dense(10, activation="softmax", name="classes"),
        ]
    )
    model.save(path)
    return path


def digits_images() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's digits as (n, 8, 8, 1) images in [0, 1], and their labels."""
    digits = load_digits()
    return (digits.images / 16.0).astype(np.float32)[..., np.newaxis], digits.target


def trained_digits_classifier(path: Path, *, train_samples: int = 1400) -> Path:
    x, y = digits_images()
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            keras.layers.Conv2D(16, 3, padding="same", activation="relu", name="conv1"),
            keras.layers.Conv2D(16, 3, activation="relu", name="conv2"),
            keras.layers.Flatten(),
            keras.layers.Dense(10, activation="softmax", name="classes"),
        ]
    )
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x[:train_samples], y[:train_samples], epochs=15, batch_size=32, verbose=0)
    model.save(path)
    return path


def smooth_picture(height: int, width: int, channels: int = 3) -> np.ndarray:
    """Float pixels in [0, 255]: gentle gradients and a bright disc, no noise."""
    rows, cols = np.mgrid[0:height, 0:width].astype(np.float32)
    disc = (rows - height / 2) ** 2 + (cols - width / 3) ** 2 < (min(height, width) / 4) ** 2
    planes = [
        255.0 * rows / max(height - 1, 1),
        255.0 * cols / max(width - 1, 1),
        np.where(disc, 230.0, 40.0),
    ]
    return np.stack(planes[:channels] if channels == 3 else [planes[2]], axis=-1)


def stripes_picture(height: int, width: int, period: int = 4) -> np.ndarray:
    cols = np.arange(width)
    row = np.where((cols // period) % 2 == 0, 20.0, 235.0).astype(np.float32)
    return np.repeat(np.tile(row, (height, 1))[..., np.newaxis], 3, axis=-1)

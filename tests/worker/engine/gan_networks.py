"""A CPU-sized DCGAN and a digit classifier to judge it, for the GAN tests and bench.gan."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

CLASSES = 10
_COMPILE = {"optimizer": "adam", "loss": "binary_crossentropy"}  # the GAN job does not use it


def generator_spec(channels: int = 1) -> dict[str, Any]:
    """Trains in seconds: 7x7x32, then 14x14x16, then 28x28. The job sets its Input shape."""
    leaky = {"type": "Activation", "activation": "leaky_relu"}
    up = {"type": "Conv2DTranspose", "kernel_size": 4, "strides": 2, "padding": "same"}
    return {
        "layers": [
            {"type": "Input", "shape": [1]},
            {"type": "Dense", "units": 7 * 7 * 32, "use_bias": False},
            {"type": "BatchNormalization"},
            leaky,
            {"type": "Reshape", "target_shape": [7, 7, 32]},
            up | {"filters": 16, "use_bias": False},
            {"type": "BatchNormalization"},
            leaky,
            up | {"filters": channels, "activation": "tanh"},
        ],
        "compile": _COMPILE,
    }


def discriminator_spec(outputs: int = 1) -> dict[str, Any]:
    down = {"type": "Conv2D", "kernel_size": 4, "strides": 2, "padding": "same"}
    return {
        "layers": [
            {"type": "Input", "shape": [1, 1, 1]},
            down | {"filters": 16, "activation": "leaky_relu"},
            down | {"filters": 32, "activation": "leaky_relu"},
            {"type": "Flatten"},
            {"type": "Dense", "units": outputs},
        ],
        "compile": _COMPILE,
    }


def digit_classifier(digits: dict[str, np.ndarray]) -> tuple[keras.Model, float]:
    """A small convnet trained on the real 28x28 digits, and its test accuracy."""
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.Conv2D(16, 3, strides=2, activation="relu"),
            keras.layers.Conv2D(32, 3, strides=2, activation="relu"),
            keras.layers.Flatten(),
            keras.layers.Dense(CLASSES, activation="softmax"),
        ]
    )
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(digits["x"], digits["y"], epochs=12, batch_size=64, verbose=0)
    return model, float(model.evaluate(digits["x_test"], digits["y_test"], verbose=0)[1])

"""Every name the spec language allows is one the installed Keras understands."""

from __future__ import annotations

import pytest

from neuroyard_core.spec.keras_names import ACTIVATIONS, LOSSES, METRICS

keras = pytest.importorskip("keras")


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_each_activation_exists_and_keeps_the_shape(name: str) -> None:
    activation = keras.activations.get(name)

    # summarize assumes an activation never changes its input's shape.
    assert tuple(activation(keras.ops.ones((2, 3, 5))).shape) == (2, 3, 5)


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_each_loss_exists(name: str) -> None:
    assert callable(keras.losses.get(name))


@pytest.mark.parametrize("name", sorted(METRICS - {"accuracy"}))
def test_each_metric_exists(name: str) -> None:
    assert keras.metrics.get(name) is not None


def test_accuracy_is_a_metric_compile_understands() -> None:
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])

    model.compile(loss="mse", metrics=["accuracy"])

"""A trained ConvNet's conv layers become a feature extractor for images of any size; networks
that cannot be one are refused with a reason."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import pytest

from neuroyard_core.errors import CodedError
from neuroyard_worker.engine.errors import EngineError
from neuroyard_worker.engine.networks import TrainedNetwork, load_network
from tests.worker.engine.image_networks import small_convnet


def test_features_of_a_trained_convnet_take_any_image_size_with_its_weights(
    tmp_path: Path,
) -> None:
    network = load_network(TrainedNetwork(small_convnet(tmp_path / "convnet.keras")))
    extractor = network.features(["conv1", "conv2"])
    sample = np.random.default_rng(0).uniform(size=(1, 8, 8, 1)).astype(np.float32)

    small, large = extractor(sample), extractor(np.zeros((1, 50, 30, 1), np.float32))
    trained = keras.Model(network.model.inputs[0], network.model.get_layer("conv2").output)

    assert network.weights == "trained" and network.channels == 1 and network.min_side == 8
    assert network.conv_layers() == ["conv1", "conv2"]
    assert tuple(large[0].shape) == (1, 50, 30, 8) and tuple(large[1].shape) == (1, 48, 28, 12)
    np.testing.assert_allclose(np.asarray(small[1]), np.asarray(trained(sample)), rtol=1e-6)


def test_a_network_that_does_not_take_images_is_refused(tmp_path: Path) -> None:
    keras.Sequential([keras.Input((64,)), keras.layers.Dense(10)]).save(tmp_path / "mlp.keras")

    with pytest.raises(EngineError) as error:
        load_network(TrainedNetwork(tmp_path / "mlp.keras"))
    assert error.value.code == "model_unsuitable"


def test_layers_behind_a_fixed_reshape_are_refused_for_other_sizes(tmp_path: Path) -> None:
    keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            keras.layers.Conv2D(4, 3, name="conv1"),
            keras.layers.Reshape((6, 6, 4)),
            keras.layers.Conv2D(4, 3, name="conv2"),
        ]
    ).save(tmp_path / "reshaped.keras")
    network = load_network(TrainedNetwork(tmp_path / "reshaped.keras"))

    assert network.features(["conv1"]) is not None
    with pytest.raises(EngineError) as error:
        network.features(["conv2"])
    assert error.value.code == "model_unsuitable"


def test_a_file_that_is_not_a_keras_model_is_refused(tmp_path: Path) -> None:
    (tmp_path / "model.keras").write_bytes(b"PK\x03\x04 not a zip")

    with pytest.raises(CodedError) as error:
        load_network(TrainedNetwork(tmp_path / "model.keras"))
    assert error.value.code == "model_unreadable"  # by the checks an uploaded file gets

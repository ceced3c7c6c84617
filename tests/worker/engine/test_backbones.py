"""VGG19 and InceptionV3 read their weights from a local file, or run with random weights when
given none and say so; the engine never goes to the network (the runner downloads first)."""

from __future__ import annotations

import socket
from pathlib import Path

import keras
import numpy as np
import pytest

from neuroyard_core.pretrained import WEIGHTS_FILES
from neuroyard_worker.engine.backbones import build_backbone
from neuroyard_worker.engine.errors import EngineError


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to download fails the test loudly instead of hanging."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(keras.utils, "get_file", refuse)
    monkeypatch.setattr("keras.src.utils.file_utils.get_file", refuse)


@pytest.mark.parametrize("name", ["vgg19", "inception_v3"])
def test_without_a_weights_file_the_network_is_random_and_says_so(name: str) -> None:
    backbone = build_backbone(name, weights_file=None)  # type: ignore[arg-type]

    assert backbone.weights == "random"
    assert backbone.model.input_shape == (None, None, None, 3)


def test_a_weights_file_under_the_keras_name_is_loaded(tmp_path: Path) -> None:
    keras.utils.set_random_seed(3)
    reference = keras.applications.VGG19(
        include_top=False, weights=None, input_shape=(None, None, 3)
    )
    reference.save(tmp_path / WEIGHTS_FILES["vgg19"].filename)  # the legacy .h5 Keras ships

    keras.utils.set_random_seed(4)
    backbone = build_backbone("vgg19", weights_file=tmp_path / WEIGHTS_FILES["vgg19"].filename)

    assert backbone.weights == "imagenet"
    for ours, theirs in zip(backbone.model.weights, reference.weights, strict=True):
        np.testing.assert_array_equal(np.asarray(ours), np.asarray(theirs))


def test_a_file_that_is_not_the_networks_weights_is_an_error(tmp_path: Path) -> None:
    (tmp_path / WEIGHTS_FILES["vgg19"].filename).write_bytes(b"\x89HDF\r\n not really")

    with pytest.raises(EngineError) as error:
        build_backbone("vgg19", weights_file=tmp_path / WEIGHTS_FILES["vgg19"].filename)
    assert error.value.code == "weights_invalid"


def test_vgg_preprocessing_is_keras_caffe_mode() -> None:
    pixels = np.random.default_rng(0).uniform(0, 255, (1, 4, 5, 3)).astype(np.float32)
    backbone = build_backbone("vgg19", weights_file=None)
    expected = keras.applications.vgg19.preprocess_input(pixels.copy())

    np.testing.assert_allclose(np.asarray(backbone.preprocess(pixels)), expected, rtol=1e-6)


def test_the_no_network_guard_catches_a_keras_download() -> None:
    with pytest.raises(AssertionError, match="network access attempted"):
        keras.applications.VGG19(include_top=False, weights="imagenet")

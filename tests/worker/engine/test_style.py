"""style_transfer(): Adam on the pixels against Gram-matrix style and feature content losses."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

from neuroyard_worker.engine.networks import KerasApplication, TrainedNetwork, load_network
from neuroyard_worker.engine.style import (
    VGG_STYLE_LAYERS,
    StyleRequest,
    StyleStep,
    gram_matrix,
    style_transfer,
)
from tests.worker.engine.image_networks import small_convnet, smooth_picture, stripes_picture


@pytest.fixture(scope="module")
def convnet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_convnet(tmp_path_factory.mktemp("style") / "convnet.keras")


def vgg_request(**changes: object) -> StyleRequest:
    request = StyleRequest(
        content=smooth_picture(30, 40),
        style=stripes_picture(36, 36),
        network=KerasApplication("vgg19"),
        steps=80,
        output_size=48,
        frame_every=20,
        learning_rate=0.05,
        # Style over smoothness: random VGG19 features on a tiny picture need a few steps more.
        style_weight=1.0,
        total_variation_weight=0.1,
    )
    return dataclasses.replace(request, **changes)  # type: ignore[arg-type]


def test_total_loss_falls_by_a_large_factor_at_the_requested_size() -> None:
    steps: list[int] = []

    result = style_transfer(vgg_request(), on_step=lambda step, total, values: steps.append(step))

    first, last = result.losses[0]["total"], result.losses[-1]["total"]
    assert last < first / 10
    assert result.image.shape == (36, 48, 3)  # longest side 48, the content's aspect
    assert steps == list(range(1, 81))
    assert [step for step, _ in result.frames] == [20, 40, 60]
    assert result.weights == "random" and result.style_layers == VGG_STYLE_LAYERS
    assert result.content_layers == ("block5_conv2",)
    assert result.traces == 1


def test_every_loss_term_is_reported_each_step() -> None:
    result = style_transfer(vgg_request(steps=3, frame_every=0))

    assert all(
        set(values) == {"content", "style", "total_variation", "total"} for values in result.losses
    )
    assert result.losses[0]["content"] == 0.0  # the image starts as the content
    for values in result.losses:
        parts = values["content"] + values["style"] + values["total_variation"]
        assert values["total"] == pytest.approx(parts, rel=1e-5)


def test_a_trained_convnet_can_be_the_feature_network(convnet: Path) -> None:
    content = smooth_picture(24, 32, channels=1)

    result = style_transfer(
        StyleRequest(
            content=content,
            style=stripes_picture(20, 20),
            network=TrainedNetwork(convnet),
            steps=40,
            output_size=32,
            content_weight=1e4,
            style_weight=1e6,
            total_variation_weight=0.1,
        )
    )

    assert result.weights == "trained"
    assert result.content_layers == ("conv2",) and result.style_layers == ("conv1", "conv2")
    assert result.image.shape == (24, 32, 1)
    assert result.losses[-1]["total"] < result.losses[0]["total"] / 5
    assert result.traces == 1


def test_cancel_stops_before_the_next_step() -> None:
    done: list[int] = []

    result = style_transfer(
        vgg_request(steps=10),
        on_step=lambda step, total, values: done.append(step),
        stop_requested=lambda: len(done) >= 2,
    )

    assert result.cancelled and len(result.losses) == 2


@pytest.fixture
def mixed_float16() -> Iterator[None]:
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy("mixed_float16")
    yield
    keras.config.set_dtype_policy(previous)


def test_gram_matrices_and_losses_stay_float32_under_mixed_precision(mixed_float16: None) -> None:
    network = load_network(KerasApplication("vgg19"))
    unit = smooth_picture(32, 32) / 255.0
    step = StyleStep(
        network,
        ["block2_conv1"],
        ["block1_conv1", "block2_conv1"],
        content=unit,
        style=unit[::-1],
        content_weight=1e4,
        style_weight=1e-2,
        total_variation_weight=30.0,
        learning_rate=0.02,
    )

    losses = step()

    assert network.model.get_layer("block1_conv1").compute_dtype == "float16"
    assert {value.dtype for value in losses.values()} == {tf.float32}
    assert step.image.dtype == tf.float32
    assert gram_matrix(tf.ones([1, 4, 4, 3], tf.float16)).dtype == tf.float32
    assert np.isfinite(float(losses["total"]))
    assert float(step()["total"]) != float(losses["total"])  # the loss-scaled step moves

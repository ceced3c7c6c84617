"""dream(): gradient ascent on chosen layers' activations, over octaves and tiles, compiled once."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from neuroyard_worker.engine.dream import DreamRequest, dream, octave_sizes
from neuroyard_worker.engine.errors import EngineError
from neuroyard_worker.engine.networks import KerasApplication, TrainedNetwork
from tests.worker.engine.image_networks import small_convnet, smooth_picture


@pytest.fixture(scope="module")
def convnet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_convnet(tmp_path_factory.mktemp("dream") / "convnet.keras")


def small_request(convnet: Path, **changes: object) -> DreamRequest:
    request = DreamRequest(
        image=smooth_picture(40, 56, channels=1),
        network=TrainedNetwork(convnet),
        octaves=3,
        steps_per_octave=4,
        step_size=0.05,
        tile_size=512,
    )
    return dataclasses.replace(request, **changes)  # type: ignore[arg-type]


def test_objective_rises_and_the_image_changes(convnet: Path) -> None:
    steps: list[tuple[int, int, dict[str, float]]] = []
    request = small_request(convnet, octaves=1, steps_per_octave=8)

    result = dream(request, on_step=lambda *step: steps.append(step))

    assert [(step, total) for step, total, _ in steps] == [(n, 8) for n in range(1, 9)]
    objective = [values["objective"] for _, _, values in steps]
    assert objective[-1] > objective[0] * 1.05
    assert objective == list(result.objective)
    assert result.image.shape == request.image.shape  # same size, still grey
    assert np.abs(result.image - request.image).mean() > 1.0
    assert result.weights == "trained" and result.layers == ("conv1", "conv2")


def test_step_is_compiled_once_for_every_octave_size(convnet: Path) -> None:
    result = dream(small_request(convnet, octaves=3, octave_scale=1.4))

    assert len(result.frames) == 3
    assert len(result.objective) == 12
    assert result.traces == 1


def test_tiles_cover_an_image_larger_than_one_tile(convnet: Path) -> None:
    request = small_request(convnet, octaves=1, steps_per_octave=3, tile_size=20)

    result = dream(request)

    change = np.abs(result.image - request.image)[..., 0]
    quadrants = [change[:20, :28], change[:20, 28:], change[20:, :28], change[20:, 28:]]
    assert all(quadrant.mean() > 0.5 for quadrant in quadrants)
    assert result.traces == 1


def test_cancel_stops_before_the_next_step(convnet: Path) -> None:
    done: list[int] = []

    result = dream(
        small_request(convnet),
        on_step=lambda step, total, values: done.append(step),
        stop_requested=lambda: len(done) >= 5,
    )

    assert result.cancelled
    assert done == [1, 2, 3, 4, 5] and len(result.objective) == 5
    assert len(result.frames) == 1  # only the first octave finished


def test_an_unknown_layer_is_named_in_the_error(convnet: Path) -> None:
    with pytest.raises(EngineError) as error:
        dream(small_request(convnet, layers=("conv9",)))

    assert error.value.code == "layer_unknown"
    assert "conv9" in error.value.message and "conv1, conv2" in error.value.message


def test_a_dense_layer_gives_no_feature_maps_to_dream_on(convnet: Path) -> None:
    with pytest.raises(EngineError) as error:
        dream(small_request(convnet, layers=("classes",)))

    assert error.value.code == "layer_unknown"


def test_inception_v3_dreams_with_random_weights_when_given_no_file() -> None:
    picture = smooth_picture(60, 90)  # smaller than InceptionV3's 75 pixels: enlarged to fit
    request = DreamRequest(
        image=picture,
        network=KerasApplication("inception_v3"),
        octaves=2,
        steps_per_octave=2,
    )

    result = dream(request)

    assert result.weights == "random"
    assert result.layers == ("mixed3", "mixed5")
    assert result.image.shape == (60, 90, 3)
    assert np.abs(result.image - picture).mean() > 0.5
    assert result.traces == 1


def test_octaves_grow_around_the_working_size_and_respect_the_minimum() -> None:
    assert octave_sizes((100, 200), 5, 1.3, 32) == [
        (59, 118),
        (77, 154),
        (100, 200),
        (130, 260),
        (169, 338),
    ]
    assert min(octave_sizes((40, 40), 3, 2.0, 32)[0]) == 32

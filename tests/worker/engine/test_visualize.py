"""visualize(): kernels, activations and filter visualisations of a ConvNet, as grids of tiles."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from neuroyard_worker.engine.errors import EngineError
from neuroyard_worker.engine.visualize import (
    MIN_TILE_SIDE,
    PADDING,
    VisualizeRequest,
    tile_grid,
    visualize,
)
from tests.worker.engine.image_networks import small_convnet, smooth_picture


@pytest.fixture(scope="module")
def convnet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_convnet(tmp_path_factory.mktemp("visualize") / "convnet.keras")


def grids_by_name(result: object) -> dict[tuple[str, str], object]:
    return {(grid.name, grid.layer): grid for grid in result.grids}  # type: ignore[attr-defined]


def test_each_grid_has_one_tile_per_filter_or_map(convnet: Path) -> None:
    result = visualize(
        VisualizeRequest(
            model_path=convnet,
            image=smooth_picture(20, 30),
            feature_steps=5,
            feature_size=32,
            max_filters=5,
        )
    )

    grids = grids_by_name(result)
    assert set(grids) == {
        ("kernels", "conv1"),
        ("activations", "conv1"),
        ("activations", "conv2"),
        ("features", "conv2"),
    }
    assert grids["kernels", "conv1"].tiles == 8  # type: ignore[attr-defined]
    assert grids["activations", "conv1"].tiles == 8  # type: ignore[attr-defined]
    assert grids["activations", "conv2"].tiles == 12  # type: ignore[attr-defined]
    assert grids["features", "conv2"].tiles == 5  # type: ignore[attr-defined]
    assert all(grid.pixels.shape[2] == 1 for grid in result.grids)  # a grey network


def test_gradient_ascent_raises_each_filters_activation_and_compiles_once(convnet: Path) -> None:
    objective: list[float] = []
    request = VisualizeRequest(
        model_path=convnet, kernels=False, filters=(0, 3, 7), feature_steps=6, feature_size=24
    )

    result = visualize(request, on_step=lambda step, total, v: objective.append(v["objective"]))

    assert len(objective) == 6 and objective[-1] > objective[0]
    assert len(result.feature_objective) == 3
    assert result.traces == 1
    assert [grid.tiles for grid in result.grids] == [3]


def test_activations_need_an_image_and_are_skipped_without_one(convnet: Path) -> None:
    result = visualize(VisualizeRequest(model_path=convnet, features=False))

    assert [(grid.name, grid.layer) for grid in result.grids] == [("kernels", "conv1")]


def test_a_filter_the_layer_does_not_have_is_refused(convnet: Path) -> None:
    with pytest.raises(EngineError) as error:
        visualize(VisualizeRequest(model_path=convnet, kernels=False, filters=(12,)))

    assert error.value.code == "layer_unknown"


def test_grid_lays_tiles_out_in_a_near_square_enlarged_to_be_seen() -> None:
    tiles = np.random.default_rng(0).uniform(size=(10, 3, 3, 1)).astype(np.float32)

    pixels, columns = tile_grid(tiles, normalise="together")

    side = 3 * 11  # 3-pixel tiles enlarged 11 times: the first multiple of 3 reaching 32 pixels
    assert side >= MIN_TILE_SIDE > side - 3
    assert columns == 4  # 10 tiles: 4 columns, 3 rows
    assert pixels.shape == (3 * (side + PADDING) + PADDING, 4 * (side + PADDING) + PADDING, 1)
    assert pixels.min() == 0.0 and pixels.max() == 255.0

"""load_arrays reads the canonical NPZ safely; check_arrays_fit catches data the network cannot
train on before TensorFlow does."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from neuroyard_core.spec import parse_spec, summarize
from neuroyard_worker.engine.data import (
    ArraySplits,
    load_arrays,
    read_sample,
    split_samples,
)
from neuroyard_worker.engine.data_fit import check_arrays_fit
from neuroyard_worker.engine.errors import EngineError
from neuroyard_worker.engine.training_data import open_training_data
from tests.worker.example_specs import ADDER, DIGITS_MLP, PERCEPTRON, SMALL_CONVNET


def saved(tmp_path: Path, **arrays: Any) -> Path:
    path = tmp_path / "data.npz"
    np.savez(path, **arrays)
    return path


def test_loads_train_and_test_arrays(tmp_path: Path) -> None:
    x, y = np.ones((5, 3), np.float32), np.arange(5)

    splits = load_arrays(saved(tmp_path, x=x, y=y, x_test=x[:2], y_test=y[:2]))

    assert np.array_equal(splits.x, x) and np.array_equal(splits.y, y)
    assert splits.x_test is not None and splits.x_test.shape == (2, 3)


def test_test_arrays_are_optional(tmp_path: Path) -> None:
    splits = load_arrays(saved(tmp_path, x=np.ones((5, 3)), y=np.arange(5)))

    assert splits.x_test is None and splits.y_test is None


def test_pickled_objects_are_refused_not_unpickled(tmp_path: Path) -> None:
    path = saved(tmp_path, x=np.array([{"a": 1}, None], dtype=object), y=np.arange(2))

    with pytest.raises(EngineError) as caught:
        load_arrays(path)

    assert caught.value.code == "data_invalid"


@pytest.mark.parametrize(
    ("arrays", "words"),
    [
        ({"x": np.ones((3, 2))}, "must hold arrays 'x' and 'y'; it holds x"),
        (
            {"x": np.ones((3, 2)), "y": np.ones(3), "x_test": np.ones((1, 2))},
            "'x_test' and 'y_test' together",
        ),
        ({"x": np.ones((3, 2)), "y": np.ones(4)}, "'x' has 3 samples but 'y' has 4"),
        ({"x": np.array(["a", "b"]), "y": np.ones(2)}, "'x' must be numeric"),
        ({"x": np.ones((0, 2)), "y": np.ones(0)}, "'x' holds no samples"),
    ],
)
def test_malformed_data_is_refused(
    tmp_path: Path, arrays: dict[str, np.ndarray], words: str
) -> None:
    with pytest.raises(EngineError) as caught:
        load_arrays(saved(tmp_path, **arrays))

    assert caught.value.code == "data_invalid"
    assert words in caught.value.message


def test_a_file_that_is_not_an_npz_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "data.npz"
    path.write_text("x,y\n1,2\n")

    with pytest.raises(EngineError, match="cannot read data.npz") as caught:
        load_arrays(path)

    assert caught.value.code == "data_invalid"


def incompatibility(spec: dict[str, object], splits: ArraySplits) -> str:
    parsed = parse_spec(spec)
    with pytest.raises(EngineError) as caught:
        check_arrays_fit(splits, parsed, summarize(parsed))
    assert caught.value.code == "spec_incompatible"
    return caught.value.message


def test_digits_fit_the_digits_mlp() -> None:
    parsed = parse_spec(DIGITS_MLP)

    check_arrays_fit(ArraySplits(np.ones((5, 64)), np.arange(5)), parsed, summarize(parsed))


def test_samples_of_another_shape_are_incompatible() -> None:
    message = incompatibility(SMALL_CONVNET, ArraySplits(np.ones((5, 64)), np.arange(5)))

    assert message == (
        "the network takes samples of shape (8, 8, 1), but 'x' holds samples of shape (64,)"
    )


def test_test_samples_are_checked_too() -> None:
    splits = ArraySplits(np.ones((5, 64)), np.arange(5), np.ones((2, 63)), np.arange(2))

    assert "'x_test' holds samples of shape (63,)" in incompatibility(DIGITS_MLP, splits)


def test_class_numbers_beyond_the_output_units_are_incompatible() -> None:
    message = incompatibility(DIGITS_MLP, ArraySplits(np.ones((3, 64)), np.array([0, 4, 12])))

    assert message == (
        "'y' holds class numbers from 0 to 12, but the last layer has 10 units, "
        "so class numbers must be 0 to 9"
    )


def test_fractional_class_numbers_are_incompatible() -> None:
    message = incompatibility(DIGITS_MLP, ArraySplits(np.ones((2, 64)), np.array([0.5, 1.0])))

    assert "needs whole class numbers" in message


def test_binary_targets_must_lie_between_0_and_1() -> None:
    message = incompatibility(PERCEPTRON, ArraySplits(np.ones((2, 4)), np.array([0, 2])))

    assert "needs targets between 0 and 1" in message


def test_regression_targets_must_match_the_output_shape() -> None:
    message = incompatibility(ADDER, ArraySplits(np.ones((2, 2)), np.ones((2, 3))))

    assert "output of shape (1,), but 'y' holds targets of shape (3,)" in message


# --- dataset folders: the shards and manifest ingestion writes --------------------------------


@pytest.fixture
def digits_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db: Any) -> Path:
    """The digits example ingested into shards of 40 samples (64 float32 values each)."""
    from neuroyard.datasets import examples
    from neuroyard_core.formats.options import IngestOptions
    from neuroyard_worker.ingestion import writer
    from neuroyard_worker.ingestion.convert import convert

    monkeypatch.setattr(writer, "SHARD_BYTES", 40 * 64 * 4)
    source = saved(tmp_path, **examples.digits())
    return convert(source, tmp_path / "digits", format="npz", options=IngestOptions()).folder


def streamed_samples(dataset: Any) -> tuple[np.ndarray, np.ndarray]:
    batches = list(dataset.as_numpy_iterator())
    return np.concatenate([b[0] for b in batches]), np.concatenate([b[1] for b in batches])


def test_a_dataset_folder_within_the_budget_opens_as_its_arrays(digits_folder: Path) -> None:
    from neuroyard.datasets import examples

    data = open_training_data(digits_folder)

    assert not data.streamed
    arguments = data.fit_arguments(batch_size=32, validation_split=0.0, seed=0)
    assert np.array_equal(arguments["x"], examples.digits()["x"])
    assert np.array_equal(arguments["y"], examples.digits()["y"])
    assert data.evaluate_arguments(batch_size=32)["x"].shape == (297, 64)  # type: ignore[index]


def test_a_dataset_over_the_budget_streams_every_sample_once_an_epoch(digits_folder: Path) -> None:
    from neuroyard.datasets import examples

    data = open_training_data(digits_folder, memory_budget=0)
    train = data.fit_arguments(batch_size=32, validation_split=0.0, seed=1)["x"]

    first_x, first_y = streamed_samples(train)
    second_x, _ = streamed_samples(train)

    assert data.streamed and len(list(train)) == math.ceil(1500 / 32)
    source = examples.digits()
    order = np.lexsort(first_x.T[::-1])
    assert np.array_equal(first_x[order], source["x"][np.lexsort(source["x"].T[::-1])])
    assert np.bincount(first_y).tolist() == np.bincount(source["y"]).tolist()
    assert not np.array_equal(first_x, second_x), "each epoch is shuffled anew"


def test_a_streamed_validation_split_holds_out_the_last_samples_as_keras_does(
    digits_folder: Path,
) -> None:
    from neuroyard.datasets import examples

    data = open_training_data(digits_folder, memory_budget=0)
    arguments = data.fit_arguments(batch_size=32, validation_split=0.2, seed=1)

    validation_x, validation_y = streamed_samples(arguments["validation_data"])
    train_x, _ = streamed_samples(arguments["x"])

    assert np.array_equal(validation_x, examples.digits()["x"][1200:])
    assert np.array_equal(validation_y, examples.digits()["y"][1200:])
    assert len(train_x) == 1200


def test_streamed_images_reach_the_network_scaled(tmp_path: Path, db: Any) -> None:
    from neuroyard.datasets import examples
    from neuroyard_core.formats.options import IngestOptions
    from neuroyard_worker.ingestion.convert import convert

    source = tmp_path / "digits.zip"
    source.write_bytes(examples.digits_image_zip())
    folder = convert(source, tmp_path / "out", format="image_folder", options=IngestOptions())

    data = open_training_data(folder.folder, memory_budget=0)
    x, y = streamed_samples(data.evaluate_arguments(batch_size=64)["x"])  # type: ignore[index]

    assert x.dtype == np.float32 and x.shape == (297, 8, 8, 1)
    assert x.min() >= 0.0 and x.max() == 1.0
    assert data.shapes()[0].sample_shape == (8, 8, 1)


def test_one_sample_is_read_from_its_shard_alone(digits_folder: Path) -> None:
    from neuroyard.datasets import examples

    x, y = read_sample(digits_folder, split="test", index=100)

    assert split_samples(digits_folder, "test") == 297
    assert split_samples(digits_folder, "validation") == 0
    assert np.array_equal(x, examples.digits()["x_test"][100])
    assert y == examples.digits()["y_test"][100]


def test_an_image_folder_is_stored_shuffled_so_a_validation_split_holds_every_class(
    tmp_path: Path, db: Any
) -> None:
    """Folders list one class after another; stored in that order, Keras' validation split (the
    last samples) would hold only the last classes and report a meaningless accuracy."""
    from neuroyard.datasets import examples
    from neuroyard_core.formats.options import IngestOptions
    from neuroyard_worker.ingestion.convert import convert

    source = tmp_path / "digits.zip"
    source.write_bytes(examples.digits_image_zip())
    folder = convert(source, tmp_path / "images", format="image_folder", options=IngestOptions())

    arguments = open_training_data(folder.folder).fit_arguments(
        batch_size=32, validation_split=0.0, seed=0
    )
    labels = np.asarray(arguments["y"])
    assert sorted(set(labels[-len(labels) // 5 :].tolist())) == list(range(10))
    assert len(labels) == 1500 and np.bincount(labels).min() > 100

"""NPZ datasets: x and y, optional validation and test arrays and class names."""

import numpy as np
import pytest

from neuroyard.datasets import examples
from tests.conftest import npz_upload
from tests.platform.datasets.uploads import ingested, post

pytestmark = pytest.mark.django_db


def test_npz_upload_is_accepted_at_once_and_becomes_ready(api):  # noqa: ANN001
    dataset = ingested(api, npz_upload("digits.npz", **examples.digits()), name="digits")

    assert dataset["status"] == "ready", dataset["error"]
    stats = dataset["stats"]
    assert stats["input_shape"] == [64]
    assert stats["splits"] == {"train": 1500, "validation": 0, "test": 297}
    assert stats["num_classes"] == 10
    assert stats["class_names"] == [str(d) for d in range(10)]
    assert sum(stats["class_counts"]) == 1797
    assert stats["value_range"] == [0.0, 1.0]
    assert dataset["task"] == "classification"
    assert len(dataset["sha256"]) == 64


def test_class_names_in_the_npz_name_the_classes(api):  # noqa: ANN001
    dataset = ingested(api, npz_upload("camera.npz", **examples.four_pixel_camera()))

    assert dataset["stats"]["class_names"] == ["solid", "vertical", "diagonal", "horizontal"]
    assert dataset["stats"]["input_shape"] == [2, 2, 1]


def test_float_targets_make_a_regression_dataset(api):  # noqa: ANN001
    dataset = ingested(api, npz_upload("adder.npz", **examples.adder()))

    assert dataset["task"] == "regression"
    low, high = dataset["stats"]["target_range"]
    assert 0.0 <= low < 0.1 and 1.9 < high <= 2.0


def test_validation_and_test_splits_by_fraction_are_seeded(api, other_api):  # noqa: ANN001
    arrays = {"x": np.random.default_rng(0).random((1000, 3)), "y": np.arange(1000) % 4}
    fields = {"validation_fraction": 0.2, "test_fraction": 0.1, "seed": 3}

    first = ingested(api, npz_upload("a.npz", **arrays), **fields)["stats"]["splits"]
    again = ingested(other_api, npz_upload("a.npz", **arrays), **fields)["stats"]["splits"]

    assert first == again
    assert sum(first.values()) == 1000
    assert 150 < first["validation"] < 250 and 50 < first["test"] < 150


def test_the_same_file_twice_gives_the_existing_dataset(api):  # noqa: ANN001
    first = ingested(api, npz_upload("xor.npz", **examples.xor()))

    again = post(api, npz_upload("xor-copy.npz", **examples.xor()))

    assert again.status_code == 200
    assert again.json()["id"] == first["id"]

"""The built-in examples (`python -m neuroyard_worker.runtime.examples`): shared, read-only."""

import numpy as np
import pytest

from neuroyard.datasets import examples
from neuroyard.datasets.models import Dataset
from neuroyard_worker.runtime.examples import load_examples

pytestmark = pytest.mark.django_db

KEYS = ["festival", "xor", "adder", "four_pixel_camera", "digits", "digits_images"]


@pytest.fixture
def loaded(db) -> dict[str, Dataset]:  # noqa: ANN001
    load_examples(say=lambda _: None)
    return {d.example_key: d for d in Dataset.objects.filter(public=True)}


def test_every_example_is_ready_under_its_key(loaded):  # noqa: ANN001
    assert sorted(loaded) == sorted(KEYS)
    assert {d.status for d in loaded.values()} == {"ready"}
    assert loaded["festival"].stats["class_names"] == ["stay home", "go"]
    assert loaded["xor"].stats["total_samples"] == 4
    assert loaded["adder"].task == "regression"
    assert loaded["four_pixel_camera"].stats["num_classes"] == 4
    assert loaded["digits"].stats["input_shape"] == [64]
    assert loaded["digits_images"].stats["input_shape"] == [8, 8, 1]


def test_loading_again_changes_nothing(loaded):  # noqa: ANN001
    load_examples(say=lambda _: None)

    again = {d.example_key: d.id for d in Dataset.objects.filter(public=True)}
    assert again == {key: d.id for key, d in loaded.items()}


def test_every_user_sees_and_previews_the_examples(api, loaded):  # noqa: ANN001
    listed = api.get("/api/v1/datasets/").json()["results"]

    assert sorted(d["example_key"] for d in listed) == sorted(KEYS)
    camera = loaded["four_pixel_camera"].id
    assert api.get(f"/api/v1/datasets/{camera}/").json()["public"] is True
    preview = api.get(f"/api/v1/datasets/{camera}/preview/").json()
    assert preview["kind"] == "images" and len(preview["thumbnails"]) == 12


def test_no_user_can_delete_an_example(api, loaded):  # noqa: ANN001
    response = api.delete(f"/api/v1/datasets/{loaded['xor'].id}/")

    assert response.status_code == 403
    assert response.json()["code"] == "dataset_read_only"
    assert Dataset.objects.filter(example_key="xor").exists()


def test_the_generators_make_the_classic_problems() -> None:
    xor = examples.xor()
    assert (xor["y"] == np.logical_xor(xor["x"][:, 0], xor["x"][:, 1])).all()
    adder = examples.adder()
    assert np.allclose(adder["y"], adder["x"].sum(axis=1))
    camera = examples.four_pixel_camera()
    assert camera["x"].min() >= -1 and camera["x"].max() <= 1
    assert examples.festival()["x"].shape[1] == 4

"""Image-folder ZIPs: one folder per class, PNG or JPEG, resized to one size, grey or colour."""

import numpy as np
import pytest

from neuroyard.datasets import examples
from tests.platform.datasets.uploads import (
    image_bytes,
    ingested,
    named,
    squares_and_stripes,
    zip_upload,
)

pytestmark = pytest.mark.django_db


def test_class_folders_become_classes_and_images_are_resized(api):  # noqa: ANN001
    entries = squares_and_stripes(per_class=3, size=12)
    entries["stripes/colour.jpg"] = image_bytes(np.full((20, 10, 3), 90, np.uint8), "JPEG")

    dataset = ingested(api, zip_upload(entries), image_size="6x8", color_mode="rgb")

    assert dataset["status"] == "ready", dataset["error"]
    stats = dataset["stats"]
    assert stats["class_names"] == ["square", "stripes"]
    assert stats["class_counts"] == [3, 4]
    assert stats["input_shape"] == [6, 8, 3]
    assert stats["dtype"] == "float32" and stats["stored_dtype"] == "uint8"
    assert stats["preprocessing"]["image_size"] == [6, 8]
    assert stats["preprocessing"]["color_mode"] == "rgb"
    assert stats["preprocessing"]["scale"] == pytest.approx(1 / 255)


def test_without_a_declared_size_the_first_image_sets_size_and_colour(api):  # noqa: ANN001
    dataset = ingested(api, zip_upload(squares_and_stripes(size=12)))

    assert dataset["stats"]["input_shape"] == [12, 12, 1]
    assert dataset["stats"]["preprocessing"]["color_mode"] == "grayscale"


def test_train_and_test_folders_give_the_splits(api):  # noqa: ANN001
    dataset = ingested(api, named("digits.zip", examples.digits_image_zip()))

    assert dataset["stats"]["splits"] == {"train": 1500, "validation": 0, "test": 297}
    assert dataset["stats"]["num_classes"] == 10


def test_thumbnails_of_each_class_are_served_as_png(api, other_api):  # noqa: ANN001
    dataset = ingested(api, zip_upload(squares_and_stripes(per_class=5)))

    preview = api.get(f"/api/v1/datasets/{dataset['id']}/preview/").json()

    assert preview["kind"] == "images"
    assert [t["label"] for t in preview["thumbnails"]] == ["square"] * 3 + ["stripes"] * 3
    response = api.get(preview["thumbnails"][0]["url"])
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert other_api.get(preview["thumbnails"][0]["url"]).status_code == 404
    assert api.get(f"/api/v1/datasets/{dataset['id']}/thumbnails/99.png").status_code == 404

"""Models people upload or trained before are starting points: end to end, with a real worker,
an uploaded `.keras` model is fine-tuned on a new dataset with a new head, a Keras application
starts a job (saying plainly that its weights are random here), and small networks are drawn."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from neuroyard.datasets import examples
from neuroyard.specs.templates import template_get
from tests.conftest import npz_upload, upload_dataset, upload_model, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def digits(flat: bool, classes: int, samples: int | None = None) -> dict[str, np.ndarray]:
    images, labels = examples.digits_images()
    x = (images / 16.0).astype(np.float32)
    x = x.reshape(len(x), 64) if flat else x[..., None]
    keep = np.flatnonzero(labels < classes)[:samples]
    split = len(keep) * 4 // 5
    return {"x": x[keep[:split]], "y": labels[keep[:split]],
            "x_test": x[keep[split:]], "y_test": labels[keep[split:]]}  # fmt: skip


def trained_digits_model(path: Path) -> bytes:
    """A 64-32-10 digits classifier, trained elsewhere (here: in the test process)."""
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((64,)),
            keras.layers.Dense(32, activation="relu", name="hidden"),
            keras.layers.Dense(10, activation="softmax", name="digit"),
        ]
    )
    model.compile("adam", "sparse_categorical_crossentropy")
    arrays = digits(flat=True, classes=10)
    model.fit(arrays["x"], arrays["y"], epochs=5, verbose=0)
    model.save(path)
    return path.read_bytes()


def finished(api, job_id: str, worker) -> dict[str, Any]:  # noqa: ANN001
    job = wait_for(
        lambda: (
            (j := api.get(f"/api/v1/jobs/{job_id}/").json())["status"]
            in ("succeeded", "failed", "cancelled")
            and j
        ),
        timeout=300,
        every=0.1,
    )
    assert job["status"] == "succeeded", job["error"] or worker.log()[-3000:]
    return job


def test_an_uploaded_model_is_fine_tuned_with_a_new_head(
    api,
    cpu_worker,
    gpu_worker,
    inference_worker,
    tmp_path: Path,  # noqa: ANN001
) -> None:
    trained_digits_model(tmp_path / "digits.keras")
    uploaded = upload_model(api, tmp_path / "digits.keras")
    assert uploaded["status"] == "ready", uploaded
    dataset = upload_dataset(api, npz_upload("three.npz", **digits(flat=True, classes=3)))

    response = api.post(
        "/api/v1/jobs/",
        {
            "kind": "train",
            "dataset": dataset["id"],
            "model": uploaded["id"],
            "params": {"epochs": 5, "learning_rate": 0.01},
        },
        format="json",
    )
    assert response.status_code == 202, response.content
    job = finished(api, response.json()["id"], gpu_worker)

    transfer = job["result"]["transfer"]
    assert (transfer["weights"], transfer["frozen_layers"], transfer["head"]) == (
        "trained",
        1,
        ["head_output"],
    )
    assert job["result"]["test_metrics"]["accuracy"] > 0.9
    model = api.get(f"/api/v1/models/{job['result']['model']}/").json()
    assert (model["source"], model["output_shape"], model["input_shape"]) == ("trained", [3], [64])


def test_a_backbone_job_says_its_weights_are_random(api, cpu_worker, gpu_worker) -> None:  # noqa: ANN001
    dataset = upload_dataset(
        api, npz_upload("images.npz", **digits(flat=False, classes=10, samples=200))
    )
    head = template_get(key="transfer_head")
    spec = api.post("/api/v1/specs/", {"name": "head", "spec": head.spec}, format="json").json()

    response = api.post(
        "/api/v1/jobs/",
        {
            "kind": "train",
            "dataset": dataset["id"],
            "spec": spec["id"],
            "params": head.params | {"epochs": 1},
        },
        format="json",
    )
    assert response.status_code == 202, response.content
    job = finished(api, response.json()["id"], gpu_worker)

    transfer = job["result"]["transfer"]
    assert (transfer["base"], transfer["weights"]) == ("mobilenet_v2", "random")
    assert "RANDOM weights" in transfer["note"]


def test_a_trained_small_network_can_be_drawn(api, cpu_worker, gpu_worker) -> None:  # noqa: ANN001
    template = template_get(key="four_pixel_camera")
    arrays = {k: v for k, v in examples.four_pixel_camera().items() if k != "class_names"}
    dataset = upload_dataset(api, npz_upload("camera.npz", **arrays))
    spec = api.post("/api/v1/specs/", {"name": "camera", "spec": template.spec}, format="json")

    response = api.post(
        "/api/v1/jobs/",
        {"kind": "train", "dataset": dataset["id"], "spec": spec.json()["id"],
         "params": template.params | {"epochs": 2}},
        format="json",
    )  # fmt: skip
    job = finished(api, response.json()["id"], gpu_worker)

    diagram = api.get(f"/api/v1/models/{job['result']['model']}/weights/").json()
    assert [(layer["name"], layer["units"]) for layer in diagram["layers"]] == [
        ("input", 4),
        ("detectors", 8),
        ("pattern", 4),
    ]
    assert diagram["connections"] == 4 * 8 + 8 * 4


def test_an_uploaded_convnet_dreams_like_a_trained_one(
    api, gpu_worker, inference_worker, tmp_path: Path
) -> None:  # noqa: ANN001
    import keras

    from tests.integration.test_image_jobs import png_upload
    from tests.worker.engine.image_networks import smooth_picture

    path = tmp_path / "convnet.keras"
    keras.Sequential(
        [
            keras.Input((16, 16, 3)),
            keras.layers.Conv2D(4, 3, padding="same", activation="relu", name="conv1"),
            keras.layers.Conv2D(4, 3, padding="same", activation="relu", name="conv2"),
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(2, activation="softmax"),
        ]
    ).save(path)
    model = upload_model(api, path)
    assert model["status"] == "ready", model

    body = {
        "kind": "deepdream",
        "model": model["id"],
        "params": json.dumps({"octaves": 1, "steps_per_octave": 2}),
        "image": png_upload("photo.png", smooth_picture(40, 60)),
    }
    response = api.post("/api/v1/jobs/", body, format="multipart")
    assert response.status_code == 202, response.content
    job = finished(api, response.json()["id"], gpu_worker)

    assert job["result"]["layers"] == ["conv1", "conv2"]

"""Batch prediction jobs end to end: a model trained by a train job predicts a held-out test set
(as a dataset, and as a file given with the job) on a real worker, with Keras' accuracy."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from tests.conftest import digits_arrays, npz_upload, upload_dataset, wait_for
from tests.platform.registry.trained_models import digits_mlp, registered_model, trained_on

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ENDED = ("succeeded", "failed", "cancelled")


def finished(api: Any, job_id: str, worker: Any) -> dict[str, Any]:
    def ended() -> dict[str, Any] | None:
        job = api.get(f"/api/v1/jobs/{job_id}/").json()
        return job if job["status"] in ENDED else None

    job: dict[str, Any] = wait_for(ended, timeout=300, every=0.1)
    assert job["status"] == "succeeded", job["error"] or worker.log()[-3000:]
    return job


def artifact_bytes(api: Any, job_id: str) -> dict[str, bytes]:
    found = {}
    for artifact in api.get(f"/api/v1/jobs/{job_id}/artifacts/").json():
        download = api.get(artifact["download_url"])
        assert download.status_code == 200
        found[artifact["name"]] = b"".join(download.streaming_content)
    return found


def digits_model(api: Any, user: Any, arrays: dict[str, np.ndarray], tmp: Path) -> tuple[str, str]:
    """(dataset id, model id): the digits uploaded and ingested, and an MLP fitted on them
    registered as a train job registers its model."""
    dataset = upload_dataset(api, npz_upload("digits.npz", **arrays), name="digits")
    path = digits_mlp(tmp / "digits.keras", arrays)
    model = registered_model(user, path, **trained_on(dataset["id"]))
    return dataset["id"], str(model.id)


def keras_evaluate(api: Any, model_id: str, x: np.ndarray, y: np.ndarray, tmp: Path) -> float:
    import keras

    download = api.get(f"/api/v1/models/{model_id}/download/?format=keras")
    (tmp / "download.keras").write_bytes(b"".join(download.streaming_content))
    model = keras.saving.load_model(tmp / "download.keras", safe_mode=True)
    return float(model.evaluate(x, y, verbose=0)[1])


def predicted_file(api: Any, model_id: str, upload: io.BytesIO, worker: Any) -> dict[str, Any]:
    """A predict job on a file given with it, finished."""
    response = api.post(
        "/api/v1/jobs/",
        {"kind": "predict", "model": model_id, "params": json.dumps({}), "data": upload},
        format="multipart",
    )
    assert response.status_code == 202, response.content
    return finished(api, response.json()["id"], worker)


def keras_predicted_classes(path: Path, x: np.ndarray) -> list[int]:
    import keras

    model = keras.saving.load_model(path, safe_mode=True)
    return [int(c) for c in np.argmax(model.predict(x, verbose=0), axis=1)]


def test_predictions_on_a_held_out_test_set_match_keras_evaluate(
    api, user, cpu_worker, gpu_worker, tmp_path: Path
) -> None:  # noqa: ANN001
    arrays = digits_arrays()
    dataset_id, model_id = digits_model(api, user, arrays, tmp_path)
    expected = keras_evaluate(api, model_id, arrays["x_test"], arrays["y_test"], tmp_path)
    keras_classes = keras_predicted_classes(tmp_path / "download.keras", arrays["x_test"])
    test_samples = len(arrays["y_test"])

    response = api.post(
        "/api/v1/jobs/",
        {"kind": "predict", "model": model_id, "dataset": dataset_id, "params": {"top_k": 3}},
        format="json",
    )
    assert response.status_code == 202, response.content
    job = finished(api, response.json()["id"], gpu_worker)

    result = job["result"]
    assert result["samples"] == test_samples and result["splits"] == ["test"]
    assert result["split"] == "auto" and result["model"]["id"] == model_id
    assert len(result["metrics"]["per_class"]) == 10 and "f1" in result["metrics"]["per_class"][0]
    assert "top_5_accuracy" in result["metrics"] and "mistakes" not in result["metrics"]
    assert result["metrics"]["accuracy"] == pytest.approx(expected, abs=1e-6)
    assert np.array(result["metrics"]["confusion_matrix"]).sum() == test_samples
    assert job["progress"]["step"] == job["progress"]["steps"]
    files = artifact_bytes(api, job["id"])
    assert set(files) == {"predictions.csv", "predictions.npz", "confusion_matrix.png"}
    rows = list(csv.DictReader(io.StringIO(files["predictions.csv"].decode())))
    assert len(rows) == test_samples and "top_3_probability" in rows[0]
    assert Image.open(io.BytesIO(files["confusion_matrix.png"])).format == "PNG"

    # The same samples as a file given with the job: ingested, predicted, the same accuracy.
    held_out = npz_upload("held-out.npz", x=arrays["x_test"], y=arrays["y_test"])
    job = predicted_file(api, model_id, held_out, gpu_worker)
    assert job["result"]["samples"] == test_samples
    assert job["result"]["metrics"]["accuracy"] == pytest.approx(expected, abs=1e-6)

    # New samples come without labels: predictions, and no metrics made up for them.
    unlabelled = npz_upload("new-digits.npz", x=arrays["x_test"])
    job = predicted_file(api, model_id, unlabelled, gpu_worker)
    assert job["result"]["samples"] == test_samples
    assert job["result"]["labelled"] is False and job["result"]["metrics"] == {}
    files = artifact_bytes(api, job["id"])
    assert set(files) == {"data", "predictions.csv", "predictions.npz"}  # no confusion matrix
    rows = list(csv.DictReader(io.StringIO(files["predictions.csv"].decode())))
    assert "true_label" not in rows[0]
    assert [row["predicted_label"] for row in rows] == [str(c) for c in keras_classes]


def image_folder_zip(images: np.ndarray, labels: np.ndarray, names: list[str]) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i, (pixels, label) in enumerate(zip(images, labels, strict=True)):
            png = io.BytesIO()
            Image.fromarray(pixels).save(png, format="PNG")
            archive.writestr(f"{names[label]}/{i:04d}.png", png.getvalue())
    buffer.seek(0)
    buffer.name = "pictures.zip"
    return buffer


def test_a_picture_folder_is_ingested_at_the_model_s_size_and_colour_mode(
    api, user, gpu_worker, tmp_path: Path
) -> None:  # noqa: ANN001
    """Pictures of another size and in colour, for a model trained on 8x8 grey images: the
    file is ingested as the training pictures were, so the predictions are the model's for
    exactly those inputs."""
    import keras

    keras.utils.set_random_seed(2)
    network = keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            keras.layers.Flatten(),
            keras.layers.Dense(2, activation="softmax"),
        ]
    )
    network.save(tmp_path / "pictures.keras")
    steps = {"kind": "image", "image_size": [8, 8], "color_mode": "grayscale",
             "resize": "bilinear", "scale": 1 / 255, "offset": 0.0}  # fmt: skip
    model = registered_model(user, tmp_path / "pictures.keras", input_shape=[8, 8, 1],
                             class_names=["dark", "light"], preprocessing=steps)  # fmt: skip
    rng = np.random.default_rng(0)
    labels = np.arange(12) % 2
    images = rng.integers(0, 128, (12, 16, 12, 3)) + 127 * labels[:, None, None, None]
    images = images.astype(np.uint8)
    grey = [
        Image.fromarray(p).convert("L").resize((8, 8), Image.Resampling.BILINEAR) for p in images
    ]
    x = np.stack([np.asarray(g, np.uint8) for g in grey])[..., None].astype(np.float32)
    predicted = network.predict(x * np.float32(1 / 255), verbose=0).argmax(axis=1)

    response = api.post(
        "/api/v1/jobs/",
        {"kind": "predict", "model": str(model.id), "params": "{}",
         "data": image_folder_zip(images, labels, ["dark", "light"])},
        format="multipart",
    )  # fmt: skip
    assert response.status_code == 202, response.content
    job = finished(api, response.json()["id"], gpu_worker)

    assert job["result"]["samples"] == 12
    assert job["result"]["metrics"]["accuracy"] == pytest.approx((predicted == labels).mean())
    assert "top_5_accuracy" not in job["result"]["metrics"]  # two classes
    # the most confident mistakes, drawn as one strip of 64-pixel thumbnails
    mistakes = job["result"]["metrics"].get("mistakes", [])
    assert len(mistakes) == (predicted != labels).sum() > 0
    confidences = [m["confidence"] for m in mistakes]
    assert confidences == sorted(confidences, reverse=True)
    assert all(m["true"] != m["predicted"] for m in mistakes)
    files = artifact_bytes(api, job["id"])
    assert Image.open(io.BytesIO(files["mistakes.png"])).size == (64 * len(mistakes), 64)
    rows = list(csv.DictReader(io.StringIO(files["predictions.csv"].decode())))
    names = np.array(["dark", "light"])
    assert sorted(r["predicted_label"] for r in rows) == sorted(names[predicted].tolist())

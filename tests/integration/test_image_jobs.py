"""The image jobs end to end on a ConvNet trained in Neuroyard: real Redis, a real Celery worker
process, TensorFlow; pictures in through the API, pictures and metrics out."""

from __future__ import annotations

import io
import json
from typing import Any

import numpy as np
import pytest
from PIL import Image

from tests.conftest import digits_arrays, npz_upload, upload_dataset, wait_for
from tests.worker.engine.image_networks import smooth_picture, stripes_picture

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

DIGITS_CONVNET = {
    "layers": [
        {"type": "Input", "shape": [8, 8, 1]},
        {"type": "Conv2D", "name": "conv1", "filters": 8, "kernel_size": [3, 3],
         "padding": "same", "activation": "relu"},
        {"type": "Conv2D", "name": "conv2", "filters": 8, "kernel_size": [3, 3],
         "activation": "relu"},
        {"type": "Flatten"},
        {"type": "Dense", "units": 10, "activation": "softmax"},
    ],
    "compile": {
        "optimizer": {"type": "adam", "learning_rate": 0.01},
        "loss": "sparse_categorical_crossentropy",
        "metrics": ["accuracy"],
    },
}  # fmt: skip


def png_upload(name: str, pixels: np.ndarray) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = name
    return buffer


ENDED = ("succeeded", "failed", "cancelled")


def finished(
    api: Any, job_id: str, worker: Any, *, status: str = "succeeded", timeout: float = 300
) -> dict[str, Any]:
    def ended() -> dict[str, Any] | None:
        job = api.get(f"/api/v1/jobs/{job_id}/").json()
        return job if job["status"] in ENDED else None

    job: dict[str, Any] = wait_for(ended, timeout=timeout, every=0.2)
    assert job["status"] == status, job["error"] or worker.log()[-3000:]
    return job


def trained_convnet(api: Any, worker: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Digits as 8x8x1 images, a small ConvNet trained on them by a train job: (dataset, model)."""
    arrays = digits_arrays()
    for name in ("x", "x_test"):
        arrays[name] = arrays[name].reshape(-1, 8, 8, 1)
    dataset = upload_dataset(api, npz_upload("digits.npz", **arrays), name="digits 8x8")
    spec = api.post(
        "/api/v1/specs/", {"name": "convnet", "spec": DIGITS_CONVNET}, format="json"
    ).json()
    train = api.post(
        "/api/v1/jobs/",
        {
            "kind": "train",
            "dataset": dataset["id"],
            "spec": spec["id"],
            "params": {"epochs": 4, "batch_size": 32},
        },
        format="json",
    ).json()
    job = finished(api, train["id"], worker)
    assert job["result"]["test_metrics"]["accuracy"] > 0.8
    model = api.get(f"/api/v1/models/{job['result']['model']}/").json()  # its last epoch's
    return dataset, model


def submit(api: Any, kind: str, model: dict[str, Any], params: dict[str, Any], **files: Any) -> str:
    body = {"kind": kind, "model": model["id"], "params": json.dumps(params), **files}
    response = api.post("/api/v1/jobs/", body, format="multipart")
    assert response.status_code == 202, response.content
    return str(response.json()["id"])


def images_of(api: Any, job_id: str) -> dict[str, Image.Image]:
    artifacts = api.get(f"/api/v1/jobs/{job_id}/artifacts/").json()
    pictures = {}
    for artifact in artifacts:
        if artifact["kind"] == "image":
            download = api.get(artifact["download_url"])
            assert download.status_code == 200
            pictures[artifact["name"]] = Image.open(
                io.BytesIO(b"".join(download.streaming_content))
            )
    return pictures


@pytest.mark.usefixtures("cpu_worker")  # ingests the dataset
def test_deepdream_and_style_transfer_run_on_a_convnet_trained_in_neuroyard(api, gpu_worker):  # noqa: ANN001
    _, model = trained_convnet(api, gpu_worker)
    picture = smooth_picture(30, 40)
    dream_id = submit(
        api,
        "deepdream",
        model,
        {"octaves": 2, "steps_per_octave": 3, "step_size": 0.05},
        image=png_upload("photo.png", picture),
    )
    style_id = submit(
        api,
        "style_transfer",
        model,
        # Weights for a small network on [0, 1] pixels; style outweighs smoothness here.
        {"steps": 12, "output_size": 40, "frame_every": 5, "content_weight": 1e4,
         "style_weight": 1e6, "total_variation_weight": 0.1},
        content=png_upload("content.png", picture),
        style=png_upload("style.png", stripes_picture(24, 24)),
    )  # fmt: skip

    dream = finished(api, dream_id, gpu_worker)
    assert dream["result"]["weights"] == "trained"
    assert dream["result"]["layers"] == ["conv1", "conv2"]
    assert dream["progress"] == {"step": 6, "steps": 6}
    metrics = api.get(f"/api/v1/jobs/{dream_id}/metrics/").json()
    assert [m["epoch"] for m in metrics] == [1, 2, 3, 4, 5, 6]
    assert metrics[2]["values"]["objective"] > metrics[0]["values"]["objective"]
    dreamed = images_of(api, dream_id)
    assert set(dreamed) == {"dream.png", "octave-1.png", "octave-2.png"}
    assert dreamed["dream.png"].size == (40, 30) and dreamed["dream.png"].mode == "RGB"
    assert np.abs(np.asarray(dreamed["dream.png"], np.float32) - picture).mean() > 1.0

    style = finished(api, style_id, gpu_worker)
    assert style["result"]["weights"] == "trained"
    assert style["result"]["size"] == [30, 40]
    losses = [m["values"]["total"] for m in api.get(f"/api/v1/jobs/{style_id}/metrics/").json()]
    assert len(losses) == 12 and losses[-1] < losses[0]
    styled = images_of(api, style_id)
    assert set(styled) == {"styled.png", "step-00005.png", "step-00010.png"}
    assert styled["styled.png"].size == (40, 30)


@pytest.mark.usefixtures("cpu_worker")  # ingests the dataset
def test_adversarial_and_visualize_explain_a_convnet_trained_in_neuroyard(api, gpu_worker):  # noqa: ANN001
    dataset, model = trained_convnet(api, gpu_worker)
    body = {
        "kind": "adversarial",
        "model": model["id"],
        "dataset": dataset["id"],
        "params": {"sample_index": 0, "epsilons": [0.05, 0.5]},
    }
    adversarial_id = api.post("/api/v1/jobs/", body, format="json").json()["id"]
    visualize_id = submit(
        api,
        "visualize",
        model,
        {"feature_steps": 5, "feature_size": 32},
        image=png_upload("digit.png", smooth_picture(16, 16)),
    )

    attacked = finished(api, adversarial_id, gpu_worker)["result"]
    assert attacked["label_source"] == "dataset"
    assert attacked["label"]["class"] == int(digits_arrays()["y_test"][0])
    assert len(attacked["before"]["top5"]) == 5
    assert [a["epsilon"] for a in attacked["attacks"]] == [0.05, 0.5]
    assert attacked["attacks"][1]["fooled"]  # half the range flips any digit
    pictures = images_of(api, adversarial_id)
    assert set(pictures) == {
        "original.png",
        "perturbation.png",
        "epsilon-0.05.png",
        "epsilon-0.5.png",
    }
    assert pictures["original.png"].size == (8, 8) and pictures["original.png"].mode == "L"

    grids = finished(api, visualize_id, gpu_worker)["result"]["grids"]
    assert [(g["name"], g["layer"], g["tiles"]) for g in grids] == [
        ("kernels", "conv1", 8),
        ("activations", "conv1", 8),
        ("activations", "conv2", 8),
        ("features", "conv2", 8),
    ]
    assert set(images_of(api, visualize_id)) == {f"{g['name']}-{g['layer']}.png" for g in grids}


def test_deepdream_without_a_model_dreams_with_random_weights_when_asked(api, gpu_worker):  # noqa: ANN001
    body = {
        "kind": "deepdream",
        "params": json.dumps({"octaves": 1, "steps_per_octave": 2, "weights": "random"}),
        "image": png_upload("photo.png", smooth_picture(40, 60)),
    }
    job_id = api.post("/api/v1/jobs/", body, format="multipart").json()["id"]

    job = finished(api, job_id, gpu_worker)

    assert job["result"]["network"] == "inception_v3"
    assert job["result"]["weights"] == "random"
    assert job["result"]["layers"] == ["mixed3", "mixed5"]
    assert images_of(api, job_id)["dream.png"].size == (60, 40)


def test_deepdream_needing_weights_that_cannot_be_had_fails_saying_what_to_do(api, gpu_worker):  # noqa: ANN001
    # The test workers have no weights installed and downloads off (tests.stack.NO_WEIGHTS).
    body = {
        "kind": "deepdream",
        "params": json.dumps({"octaves": 1, "steps_per_octave": 2}),
        "image": png_upload("photo.png", smooth_picture(40, 60)),
    }
    job_id = api.post("/api/v1/jobs/", body, format="multipart").json()["id"]

    job = finished(api, job_id, gpu_worker, status="failed", timeout=60)

    assert job["error"]["code"] == "weights_unavailable"
    assert "import_weights --download inception_v3" in job["error"]["message"]
    assert "weights: random" in job["error"]["message"]
    assert images_of(api, job_id) == {}


def test_a_cancelled_style_transfer_stops_and_stores_no_picture(api, gpu_worker):  # noqa: ANN001
    body = {
        "kind": "style_transfer",
        "params": json.dumps({"steps": 20_000, "output_size": 48, "weights": "random"}),
        "content": png_upload("content.png", smooth_picture(24, 32)),
        "style": png_upload("style.png", stripes_picture(32, 32)),
    }
    job_id = api.post("/api/v1/jobs/", body, format="multipart").json()["id"]

    def stepping_or_ended() -> dict[str, Any] | None:
        job = api.get(f"/api/v1/jobs/{job_id}/").json()
        return job if job["progress"].get("step") or job["status"] in ENDED else None

    assert wait_for(stepping_or_ended, timeout=120)["status"] == "running"
    api.post(f"/api/v1/jobs/{job_id}/cancel/")

    job = finished(api, job_id, gpu_worker, status="cancelled", timeout=60)

    assert 0 < job["result"]["steps_completed"] < 20_000
    assert images_of(api, job_id) == {}

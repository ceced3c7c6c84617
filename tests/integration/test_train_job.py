"""The first training job end to end: real Redis, a real Celery worker process, TensorFlow."""

from __future__ import annotations

import zipfile

import numpy as np
import pytest

from tests.conftest import digits_arrays, mlp_spec, npz_upload, upload_dataset, wait_for
from tests.tensorboard_files import read_run

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

EPOCHS, BATCH, SEED = 12, 32, 7


def keras_reference_accuracy(arrays: dict[str, np.ndarray]) -> float:
    """The same network, data, seed and hyperparameters, trained directly with Keras."""
    import keras

    keras.utils.set_random_seed(SEED)
    model = keras.Sequential(
        [
            keras.Input(shape=(64,)),
            keras.layers.Dense(512, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=0.001),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    model.fit(arrays["x"], arrays["y"], epochs=EPOCHS, batch_size=BATCH, shuffle=True, verbose=0)
    return float(model.evaluate(arrays["x_test"], arrays["y_test"], verbose=0)[1])


def test_upload_train_watch_download(api, cpu_worker, gpu_worker, tmp_path):  # noqa: ANN001
    arrays = digits_arrays()
    dataset = upload_dataset(api, npz_upload("digits.npz", **arrays), name="digits")
    assert dataset["stats"]["num_classes"] == 10
    assert dataset["stats"]["input_shape"] == [64]

    spec = api.post("/api/v1/specs/", {"name": "mlp", "spec": mlp_spec()}, format="json").json()
    assert spec["summary"]["total_params"] == 64 * 512 + 512 + 512 * 10 + 10

    response = api.post(
        "/api/v1/jobs/",
        {
            "kind": "train",
            "dataset": dataset["id"],
            "spec": spec["id"],
            "params": {"epochs": EPOCHS, "batch_size": BATCH, "seed": SEED},
        },
        format="json",
    )
    assert response.status_code == 202, response.content
    job_id = response.json()["id"]

    epochs_seen_while_running: set[int] = set()

    def finished() -> dict | None:
        job = api.get(f"/api/v1/jobs/{job_id}/").json()
        if job["status"] == "running" and job["progress"].get("epoch"):
            epochs_seen_while_running.add(job["progress"]["epoch"])
        return job if job["status"] in ("succeeded", "failed", "cancelled") else None

    job = wait_for(finished, timeout=300, every=0.02)
    assert job["status"] == "succeeded", job["error"] or gpu_worker.log()[-3000:]
    assert len(epochs_seen_while_running) >= 2, "epochs should arrive while the job runs"
    assert job["attempt"] == 1

    metrics = api.get(f"/api/v1/jobs/{job_id}/metrics/").json()
    assert [m["epoch"] for m in metrics] == list(range(1, EPOCHS + 1))
    assert metrics[-1]["values"]["loss"] < metrics[0]["values"]["loss"]

    artifacts = api.get(f"/api/v1/jobs/{job_id}/artifacts/").json()
    (model_artifact,) = [a for a in artifacts if a["kind"] == "model"]
    download = api.get(model_artifact["download_url"])
    assert download.status_code == 200
    path = tmp_path / "model.keras"
    path.write_bytes(b"".join(download.streaming_content))

    import keras

    model = keras.saving.load_model(path, safe_mode=True)
    _, accuracy = model.evaluate(arrays["x_test"], arrays["y_test"], verbose=0)
    reported = job["result"]["test_metrics"]["accuracy"]
    assert accuracy == pytest.approx(reported, abs=1e-6)
    assert accuracy > 0.9

    assert abs(accuracy - keras_reference_accuracy(arrays)) <= 0.01

    # the last epoch's model (the best epoch's is kept beside it if it was another)
    (registered,) = [m for m in api.get("/api/v1/models/").json()["results"] if m["is_last"]]
    assert registered["job"] == job_id and registered["epoch"] == EPOCHS
    assert registered["metrics"]["test"]["accuracy"] == pytest.approx(reported)
    model_download = api.get(f"/api/v1/models/{registered['id']}/download/?format=keras")
    assert b"".join(model_download.streaming_content) == path.read_bytes()

    # The TensorBoard event files: one scalar per metric per epoch, and the HParams.
    (board,) = [a for a in artifacts if a["kind"] == "tensorboard"]
    assert board["name"] == "tensorboard.zip" and job["result"]["tensorboard"] == board["id"]
    archive = tmp_path / "tensorboard.zip"
    archive.write_bytes(b"".join(api.get(board["download_url"]).streaming_content))
    zipfile.ZipFile(archive).extractall(tmp_path / "logs")
    (folder,) = (tmp_path / "logs").iterdir()
    assert folder.name == f"job-{job_id[:8]}"
    run = read_run(folder)
    assert [step for step, _ in run.scalars["loss"]] == list(range(1, EPOCHS + 1))
    losses = [value for _, value in run.scalars["loss"]]
    assert losses == pytest.approx([m["values"]["loss"] for m in metrics])
    assert run.hparams == {
        "optimizer": "rmsprop",
        "learning_rate": pytest.approx(0.001),
        "batch_size": BATCH,
        "epochs": EPOCHS,
    }
    assert "accuracy" in run.metrics


def test_cancelled_queued_job_never_starts(api, cpu_worker, gpu_worker):  # noqa: ANN001
    from neuroyard.jobs.models import Job

    dataset = upload_dataset(api, npz_upload("digits.npz", **digits_arrays()), name="digits")
    spec = api.post("/api/v1/specs/", {"name": "mlp", "spec": mlp_spec()}, format="json").json()
    body = {
        "kind": "train",
        "dataset": dataset["id"],
        "spec": spec["id"],
        "params": {"epochs": 200, "batch_size": 16},
    }
    first = api.post("/api/v1/jobs/", body, format="json").json()
    second = api.post("/api/v1/jobs/", body, format="json").json()
    assert api.get(f"/api/v1/jobs/{second['id']}/").json()["queue_position"] in (1, 2)

    cancelled = api.post(f"/api/v1/jobs/{second['id']}/cancel/").json()
    assert cancelled["status"] == "cancelled"

    wait_for(lambda: Job.objects.get(id=first["id"]).status == "running", timeout=120)
    api.post(f"/api/v1/jobs/{first['id']}/cancel/")
    wait_for(lambda: Job.objects.get(id=first["id"]).status == "cancelled", timeout=60)
    stopped = Job.objects.get(id=first["id"])
    assert stopped.progress.get("epoch", 0) < 200
    assert stopped.finished_at is not None

    # the worker received the cancelled job's message and left the job alone
    wait_for(lambda: f"job {second['id']}: not claimed" in gpu_worker.log(), timeout=60)
    second_job = Job.objects.get(id=second["id"])
    assert second_job.started_at is None and second_job.attempt == 0

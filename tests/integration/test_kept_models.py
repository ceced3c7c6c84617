"""Train jobs keep their best epoch (by the monitored metric) and their last as models, on a
real worker; a cancelled job keeps its last checkpointed epoch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.conftest import digits_arrays, mlp_spec, npz_upload, upload_dataset, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ENDED = ("succeeded", "failed", "cancelled")
TWO_CLASSES = {
    "layers": [
        {"type": "Input", "shape": [2]},
        {"type": "Dense", "units": 2, "activation": "softmax"},
    ],
    "compile": {
        "optimizer": {"type": "adam", "learning_rate": 0.1},
        "loss": "sparse_categorical_crossentropy",
        "metrics": ["accuracy"],
    },
}


def worsening_arrays() -> dict[str, np.ndarray]:
    """The validation labels are the training labels swapped: every epoch that learns the
    training data makes val_loss worse, so the best epoch is the first."""
    x = np.array([[1, 0], [0, 1]] * 16, np.float32)
    y = np.array([0, 1] * 16, np.int64)
    return {"x": x, "y": y, "x_val": x[:4], "y_val": 1 - y[:4]}


def submit(api: Any, dataset: str, spec: dict[str, Any], params: dict[str, Any]) -> str:
    spec_id = api.post("/api/v1/specs/", {"name": "net", "spec": spec}, format="json").json()["id"]
    body = {"kind": "train", "dataset": dataset, "spec": spec_id, "params": params}
    response = api.post("/api/v1/jobs/", body, format="json")
    assert response.status_code == 202, response.content
    return str(response.json()["id"])


def ended(api: Any, job_id: str) -> dict[str, Any]:
    def read() -> dict[str, Any] | None:
        job = api.get(f"/api/v1/jobs/{job_id}/").json()
        return job if job["status"] in ENDED else None

    job: dict[str, Any] = wait_for(read, timeout=300, every=0.1)
    return job


def download(api: Any, model_id: str, path: Path) -> Path:
    response = api.get(f"/api/v1/models/{model_id}/download/?format=keras")
    assert response.status_code == 200
    path.write_bytes(b"".join(response.streaming_content))
    return path


def cancelled_after_two_epochs(api: Any) -> dict[str, Any]:
    """A digits job of 500 epochs cancelled once two have ended, as it ended."""
    from neuroyard.jobs.models import Job

    dataset = upload_dataset(api, npz_upload("digits.npz", **digits_arrays()), name="digits")
    job_id = submit(api, dataset["id"], mlp_spec(), {"epochs": 500, "batch_size": 16})
    wait_for(lambda: Job.objects.get(id=job_id).progress.get("epoch", 0) >= 2, timeout=180)
    api.post(f"/api/v1/jobs/{job_id}/cancel/")
    return ended(api, job_id)


def test_a_job_whose_metric_gets_worse_keeps_its_best_and_its_last_epoch(
    api, cpu_worker, gpu_worker, tmp_path: Path
) -> None:  # noqa: ANN001
    import keras

    dataset = upload_dataset(api, npz_upload("swapped.npz", **worsening_arrays()), name="swapped")
    job_id = submit(api, dataset["id"], TWO_CLASSES, {"epochs": 5, "batch_size": 8})

    job = ended(api, job_id)

    assert job["status"] == "succeeded", job["error"] or gpu_worker.log()[-3000:]
    rows = api.get(f"/api/v1/jobs/{job_id}/metrics/").json()
    val_losses = [row["values"]["val_loss"] for row in rows]
    best_epoch = int(np.argmin(val_losses)) + 1
    assert best_epoch == 1 and len(rows) == 5  # the data was made so
    last, best = job["result"]["models"]
    assert (last["epoch"], last["is_last"], last["is_best"]) == (5, True, False)
    assert (best["epoch"], best["is_last"], best["is_best"]) == (1, False, True)
    assert best["monitor"] == last["monitor"] == "val_loss"
    assert best["monitor_value"] == pytest.approx(val_losses[0])
    assert last["monitor_value"] == pytest.approx(val_losses[-1])
    listed = {m["id"]: m for m in api.get("/api/v1/models/").json()["results"]}
    assert set(listed) == {last["id"], best["id"]}
    assert all(m["job"] == job_id for m in listed.values())
    x_val, y_val = worsening_arrays()["x_val"], worsening_arrays()["y_val"]
    for kept, loss in ((best, val_losses[0]), (last, val_losses[-1])):
        model = keras.saving.load_model(download(api, kept["id"], tmp_path / "m.keras"))
        assert model.evaluate(x_val, y_val, verbose=0)[0] == pytest.approx(loss, rel=1e-4)


def test_a_cancelled_job_keeps_its_last_checkpointed_epoch_as_a_model(
    api, cpu_worker, gpu_worker, tmp_path: Path
) -> None:  # noqa: ANN001
    job = cancelled_after_two_epochs(api)

    assert job["status"] == "cancelled"
    completed = job["result"]["epochs_completed"]
    assert 2 <= completed < 500
    (kept,) = job["result"]["models"]
    assert kept["cancelled"] and kept["is_last"] and kept["epoch"] == completed
    assert kept["monitor"] == "loss"  # no validation data
    (listed,) = api.get("/api/v1/models/").json()["results"]
    assert listed["id"] == kept["id"] and listed["epoch"] == completed
    import keras

    model = keras.saving.load_model(download(api, kept["id"], tmp_path / "m.keras"))
    arrays = digits_arrays()
    assert model.evaluate(arrays["x_test"], arrays["y_test"], verbose=0)[1] > 0.5

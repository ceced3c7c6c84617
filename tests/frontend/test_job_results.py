"""What a finished job shows in a real browser: a train job's best and last models, a
cancelled job's kept model, Train again opening the form with every setting, and a batch
prediction's report (metrics, confusion matrix, most confident mistakes)."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import expect

from tests.conftest import digits_arrays, npz_upload, upload_dataset
from tests.frontend.conftest import LAPTOP
from tests.frontend.pages import log_in
from tests.frontend.samples import digits_image_zip
from tests.integration.test_kept_models import (
    TWO_CLASSES,
    cancelled_after_two_epochs,
    ended,
    submit,
    worsening_arrays,
)
from tests.platform.registry.trained_models import registered_model, trained_on

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_best_and_last_models_and_train_again(
    browser, app_url, api, ingestion, gpu_worker, screenshot
):  # noqa: ANN001
    dataset = upload_dataset(api, npz_upload("swapped.npz", **worsening_arrays()), name="swapped")
    params = {"epochs": 5, "batch_size": 8, "seed": 3, "validation_split": 0.0}
    job_id = submit(api, dataset["id"], TWO_CLASSES, params)
    assert ended(api, job_id)["status"] == "succeeded", gpu_worker.log()[-3000:]
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    log_in(page, app_url, "ada")

    page.goto(f"{app_url}/jobs/{job_id}")
    kept = page.get_by_test_id("kept-models")
    expect(kept.get_by_test_id("kept-best")).to_contain_text("1")
    expect(kept.get_by_test_id("kept-last")).to_contain_text("5")
    expect(kept).to_contain_text("Monitored: val_loss")
    expect(kept.get_by_role("link", name="Use for predict")).to_have_count(2)
    kept.scroll_into_view_if_needed()
    screenshot(page, "31-best-and-last-models")

    page.get_by_role("link", name="Train again").click()
    expect(page).to_have_url(re.compile(rf"/jobs/new\?from={job_id}$"))
    expect(page.get_by_test_id("cloned-from")).to_be_visible()
    expect(page.get_by_label("Dataset", exact=True)).to_have_value(dataset["id"])
    expect(page.get_by_label("Epochs", exact=True)).to_have_value("5")
    expect(page.get_by_label("Batch size", exact=True)).to_have_value("8")
    page.get_by_text("More settings").click()
    expect(page.get_by_label("Seed", exact=True)).to_have_value("3")
    screenshot(page, "33-train-again-form")
    page.get_by_role("button", name="Submit job").click()
    expect(page).to_have_url(re.compile(r"/jobs/[0-9a-f-]{36}$"))
    again = api.get(page.url.replace(app_url, "").replace("/jobs/", "/api/v1/jobs/") + "/").json()
    original = api.get(f"/api/v1/jobs/{job_id}/").json()
    assert again["id"] != job_id
    assert (again["dataset"], again["spec"]) == (original["dataset"], original["spec"])
    assert again["params"] == original["params"]
    context.close()


def test_a_cancelled_job_says_it_kept_its_last_epoch(
    browser, app_url, api, ingestion, gpu_worker, screenshot
):  # noqa: ANN001
    job = cancelled_after_two_epochs(api)
    assert job["status"] == "cancelled"
    job_id = job["id"]
    completed = job["result"]["epochs_completed"]
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    log_in(page, app_url, "ada")

    page.goto(f"{app_url}/jobs/{job_id}")

    note = page.get_by_test_id("cancelled-model-note")
    expect(note).to_contain_text(f"cancelled after {completed} epochs")
    expect(page.get_by_test_id("kept-last")).to_contain_text(str(completed))
    screenshot(page, "32-cancelled-job")
    context.close()


EPOCHS = 6


def _digits_picture_model(api: Any, user: Any, tmp: Path) -> tuple[str, str]:
    """(dataset id, model id): digits as 8x8 pictures, and a network that read them for a few
    epochs (so it still makes mistakes), registered as a train job would."""
    import keras

    upload = io.BytesIO(digits_image_zip(per_class=40))
    upload.name = "digit-pictures.zip"
    dataset = upload_dataset(api, upload, name="digit pictures")
    assert dataset["stats"]["input_shape"] == [8, 8, 1]
    arrays = digits_arrays()
    x = (arrays["x"].reshape(-1, 8, 8, 1) * 255).astype(np.uint8) / np.float32(255)
    keras.utils.set_random_seed(1)
    network = keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            keras.layers.Flatten(),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    network.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    network.fit(x, arrays["y"], epochs=EPOCHS, batch_size=64, verbose=0)
    network.save(tmp / "pictures.keras")
    fields = trained_on(dataset["id"]) | {"name": f"digit pictures, {EPOCHS} epochs"}
    model = registered_model(user, tmp / "pictures.keras", **fields)
    return dataset["id"], str(model.id)


def test_a_batch_prediction_shows_its_report(
    browser, app_url, api, user, ingestion, gpu_worker, screenshot, tmp_path
):  # noqa: ANN001
    dataset_id, model_id = _digits_picture_model(api, user, tmp_path)
    body = {"kind": "predict", "model": model_id, "dataset": dataset_id, "params": {}}
    response = api.post("/api/v1/jobs/", body, format="json")
    assert response.status_code == 202, response.content
    job = ended(api, response.json()["id"])
    assert job["status"] == "succeeded", job["error"] or gpu_worker.log()[-3000:]
    metrics = job["result"]["metrics"]
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    log_in(page, app_url, "ada")

    page.goto(f"{app_url}/jobs/{job['id']}")

    results = page.get_by_test_id("predict-results")
    accuracy = results.locator(".stat").filter(has=page.get_by_text("Accuracy", exact=True))
    shown = accuracy.locator("dd").inner_text()
    assert float(shown.rstrip("%")) == pytest.approx(metrics["accuracy"] * 100, abs=0.051)
    expect(results).to_contain_text("Top-5 accuracy")
    expect(results).to_contain_text(f"digit pictures, {EPOCHS} epochs")
    expect(results.get_by_test_id("per-class").locator("tbody tr")).to_have_count(10)
    matrix = results.get_by_test_id("confusion-matrix")
    expect(matrix.locator("tbody tr")).to_have_count(10)
    counts = np.array(metrics["confusion_matrix"])
    cell = matrix.locator("tbody tr").nth(3).locator("td").nth(3)
    expect(cell).to_have_text(str(counts[3, 3]))
    expect(cell).to_have_attribute("title", re.compile(r"^true 3, predicted 3: \d+"))
    mistakes = results.get_by_test_id("mistakes").get_by_role("img")
    expect(mistakes).to_have_count(min(12, int(counts.sum() - np.trace(counts))))
    screenshot(page, "30-batch-predict")
    context.close()

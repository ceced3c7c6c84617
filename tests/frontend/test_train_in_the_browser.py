"""The path most users take, in a real browser: log in, drop the digits images in, start from the
MNIST MLP template, train while the curves draw themselves, download the model; and another user
sees none of it."""

from __future__ import annotations

import re
import zipfile

import pytest
from playwright.sync_api import expect

from tests.frontend.conftest import LAPTOP, PHONE
from tests.frontend.pages import download, go_to, log_in, upload_dataset, watch_until_done
from tests.frontend.samples import digit_png, digits_image_zip

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

DATASET = "ada-digits.zip"
EPOCHS = 10


def test_digits_images_train_from_the_mnist_template_live_and_download(
    browser, app_url, user, other_user, ingestion, inference, gpu_worker, screenshot, tmp_path
):  # noqa: ANN001
    from neuroyard.datasets.models import Dataset

    if "image_folder" not in Dataset.Format.values:
        pytest.skip("this server does not ingest image-folder ZIPs yet")
    context = browser.new_context(viewport=LAPTOP, accept_downloads=True)
    page = context.new_page()
    log_in(page, app_url, "ada")
    screenshot(page, "01-home")

    # held out when ingested, by a seeded draw (the ZIP's files come class by class)
    dataset_url = upload_dataset(
        page, DATASET, digits_image_zip(), validation_fraction="0.2", test_fraction="0.1"
    )
    stats = page.get_by_test_id("dataset-stats")
    expect(stats.locator(".stat", has_text="Classes")).to_contain_text("10")
    expect(stats.locator(".stat", has_text="Input shape")).to_contain_text("(8, 8, 1)")
    expect(page.get_by_label("Samples per class").get_by_role("listitem")).to_have_count(10)
    thumbnails = page.get_by_test_id("preview-thumbnails").get_by_role("img")
    expect(thumbnails).to_have_count(30)  # three of each class
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=preview-thumbnails] img')]"
        ".every((img) => img.complete && img.naturalWidth > 0)"
    )
    screenshot(page, "02-dataset")

    go_to(page, "Networks")
    page.get_by_role("link", name="New network").click()
    expect(page.locator(".choice-list button").first).to_be_visible()
    if page.get_by_role("heading", name="Start from a template").count() == 0:
        pytest.skip("this server has no network templates yet (GET /api/v1/templates/)")
    page.get_by_role("button", name=re.compile("MNIST MLP")).click()
    expect(page.get_by_test_id("spec-status")).to_contain_text("407,050 parameters")
    page.get_by_label("Check against a dataset").select_option(label=DATASET)
    fit = page.get_by_test_id("fit-to-dataset")
    expect(fit).to_contain_text("(784,) → (8, 8, 1)")
    fit.get_by_role("button", name="Fit the network to the dataset").click()
    # 64 flattened pixels -> 512 -> 10: 64*512 + 512 + 512*10 + 10
    expect(page.get_by_test_id("spec-status")).to_contain_text(
        "Valid for this dataset: 38,410 parameters", timeout=10_000
    )
    expect(page.get_by_test_id("network-diagram")).to_be_visible()
    screenshot(page, "03-network-editor")
    page.get_by_role("button", name="Save and train").click()

    expect(page).to_have_url(re.compile(r"/jobs/new\?"))
    expect(page.get_by_label("Epochs", exact=True)).to_have_value("5")  # the template's
    expect(page.get_by_test_id("fit-check")).to_contain_text("fits the dataset")
    page.get_by_label("Epochs", exact=True).fill(str(EPOCHS))
    page.get_by_label("Batch size").fill("4")
    screenshot(page, "04-new-job")
    page.get_by_role("button", name="Submit job").click()
    expect(page).to_have_url(re.compile(r"/jobs/[0-9a-f-]{36}$"))
    job_url = page.url

    seen = watch_until_done(page)
    assert seen[-1] == ("succeeded", EPOCHS), seen
    running = sorted({epochs for status, epochs in seen if status == "running" and epochs})
    assert len(running) >= 2, f"two or more epochs should reach the chart while it runs: {seen}"
    expect(page.get_by_test_id("epoch-row")).to_have_count(EPOCHS)
    expect(page.get_by_test_id("test-metrics")).to_contain_text("accuracy")
    screenshot(page, "05-job-succeeded")

    # the last epoch's model, and the best epoch's beside it if another epoch had a lower val_loss
    kept = page.request.get(job_url.replace("/jobs/", "/api/v1/jobs/") + "/").json()
    last = next(model for model in kept["result"]["models"] if model["is_last"])
    last_file = page.locator("a.download[data-kind=model]", has_text="model.keras")
    from_job = download(page, last_file, tmp_path / "job.keras")
    assert zipfile.is_zipfile(from_job)  # a .keras file is a zip
    go_to(page, "Models")
    cards = page.get_by_test_id("model-card")
    expect(cards).to_have_count(len(kept["result"]["models"]))
    card = cards.filter(has_text=last["name"])
    screenshot(page, "06-models")
    from_models = download(
        page, card.get_by_role("link", name="Download .keras"), tmp_path / "models.keras"
    )
    assert from_models.read_bytes() == from_job.read_bytes()
    if inference is not None:  # the try-it box asks the model about a digit it has not seen
        png, digit = digit_png()
        (tmp_path / "digit.png").write_bytes(png)
        card.get_by_text("Try it").click()
        page.get_by_label("Image", exact=True).set_input_files(tmp_path / "digit.png")
        page.get_by_role("button", name="Predict").click()
        top = page.get_by_label("Top predictions").get_by_role("listitem")
        expect(top).to_have_count(5, timeout=60_000)
        assert str(digit) in top.all_inner_texts()[0] + top.all_inner_texts()[1]
        screenshot(page, "06-models")

    page.set_viewport_size(PHONE)
    page.goto(job_url)
    expect(page.get_by_test_id("learning-curves")).to_have_attribute("data-epochs", str(EPOCHS))
    screenshot(page, "07-job-phone")
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login"))
    page.goto(job_url)
    expect(page).to_have_url(re.compile(r"/login\?next="))
    context.close()

    other = browser.new_context(viewport=LAPTOP)
    page = other.new_page()
    log_in(page, app_url, "grace")
    go_to(page, "Datasets")
    expect(page.get_by_role("heading", name="Your datasets")).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text(DATASET)
    for section, empty in [("Jobs", "No jobs yet."), ("Models", "No models yet.")]:
        go_to(page, section)
        expect(page.get_by_text(empty)).to_be_visible()
    for url in (job_url, dataset_url):
        page.goto(url)
        expect(page.get_by_role("alert")).to_contain_text("not found")
    screenshot(page, "08-other-user-job")
    assert page.request.get(f"{app_url}/api/v1/models/").json()["count"] == 0
    other.close()

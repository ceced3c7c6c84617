"""Watching a GAN learn in the browser: its loss curves by epoch, the grid of samples of every
epoch as a gallery that grows while it runs, and the animation once it ends; then its generator
drawing pictures on the models page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from neuroyard.datasets import examples
from tests.conftest import npz_upload, upload_dataset
from tests.frontend.conftest import LAPTOP
from tests.frontend.pages import log_in
from tests.worker.engine.gan_networks import discriminator_spec, generator_spec

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

EPOCHS = 8


def test_a_gan_job_page_shows_its_losses_and_samples_epoch_by_epoch(
    browser, app_url, api, cpu_worker, gpu_worker, inference, screenshot
):  # noqa: ANN001
    digits = examples.digits_28()
    dataset = upload_dataset(
        api, npz_upload("digits_28.npz", x=digits["x"][:480], y=digits["y"][:480]), name="digits"
    )
    spec = api.post(
        "/api/v1/specs/", {"name": "tiny DCGAN", "spec": generator_spec()}, format="json"
    )
    params = {
        "discriminator": discriminator_spec(),
        "latent_dim": 16,
        "epochs": EPOCHS,
        "batch_size": 32,
        "generator_learning_rate": 1e-3,
        "discriminator_learning_rate": 1e-3,
        "conditional": True,
        "grid_size": 5,
    }
    body = {"kind": "gan", "dataset": dataset["id"], "spec": spec.json()["id"], "params": params}
    job = api.post("/api/v1/jobs/", body, format="json").json()

    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    log_in(page, app_url, "ada")
    page.goto(f"{app_url}/jobs/{job['id']}")

    gallery = page.get_by_test_id("sample-gallery")
    expect(gallery.get_by_test_id("sample-grid")).to_be_visible(timeout=240_000)
    expect(page.locator("h1 .badge")).to_have_text("Succeeded", timeout=240_000)
    expect(page.get_by_role("heading", name="Learning curves")).to_be_visible()
    expect(page.get_by_test_id("learning-curves")).to_have_attribute("data-epochs", str(EPOCHS))
    expect(
        gallery.get_by_role("list", name="Samples by epoch").get_by_role("button")
    ).to_have_count(EPOCHS)
    expect(gallery.get_by_test_id("sample-grid")).to_have_attribute(
        "alt", f"Samples after epoch {EPOCHS}"
    )
    expect(gallery.get_by_test_id("sample-animation")).to_be_visible()
    # the pictures load lazily: in view, each must load (none broken)
    gallery.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=sample-gallery] img')]"
        ".every((image) => image.complete && image.naturalWidth > 0)",
        timeout=15_000,
    )
    screenshot(page, "17-gan-samples")

    gallery.get_by_role("button", name="Epoch 1").click()
    expect(gallery.get_by_test_id("sample-grid")).to_have_attribute("alt", "Samples after epoch 1")

    if inference is not None:  # the generator, on the models page, draws the digit asked for
        page.get_by_role("link", name="Models").click()
        page.get_by_text("Draw pictures").click()
        form = page.get_by_test_id("draw-pictures")
        form.get_by_label("Pictures").fill("6")
        form.get_by_label("Class", exact=True).select_option("3")
        form.get_by_role("button", name="Draw", exact=True).click()
        drawn = form.get_by_label("Drawn pictures").get_by_role("img")
        expect(drawn).to_have_count(6, timeout=60_000)
        expect(drawn.first).to_have_attribute("alt", "Picture 1, 3")
        screenshot(page, "18-gan-draw-pictures")
    context.close()

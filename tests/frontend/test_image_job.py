"""A DeepDream job from the job form, its picture and frames shown in the job's gallery."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from playwright.sync_api import expect

from tests.frontend.conftest import LAPTOP
from tests.frontend.pages import fill_dream_form, log_in

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def picture_png(height: int = 40, width: int = 60) -> bytes:
    from PIL import Image

    y, x = np.mgrid[0:height, 0:width]
    rgb = np.stack([x * 255 // width, y * 255 // height, (x + y) * 255 // (width + height)], -1)
    buffer = io.BytesIO()
    Image.fromarray(rgb.astype(np.uint8), "RGB").save(buffer, "PNG")
    return buffer.getvalue()


def test_a_dream_submitted_from_the_form_shows_its_pictures(
    browser, app_url, user, gpu_worker, screenshot, tmp_path
):  # noqa: ANN001
    (tmp_path / "photo.png").write_bytes(picture_png())
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    log_in(page, app_url, "ada")
    fill_dream_form(page, app_url, tmp_path / "photo.png")
    # the test workers have no ImageNet weights and no internet (tests.stack.NO_WEIGHTS)
    page.get_by_label("Weights", exact=True).select_option("random")
    page.get_by_role("button", name="Submit job").click()
    expect(page).to_have_url(re.compile(r"/jobs/[0-9a-f-]{36}$"))

    expect(page.locator("h1 .badge")).to_have_text("Succeeded", timeout=240_000)
    gallery = page.get_by_label("Image outputs")
    expect(gallery.get_by_role("img", name="dream.png")).to_be_visible(timeout=10_000)
    # the gallery's pictures load lazily: in view, each must load (none broken)
    gallery.scroll_into_view_if_needed()
    every_picture_loaded = (
        "() => [...document.querySelectorAll('[aria-label=\"Image outputs\"] img')]"
        ".every((image) => image.complete && image.naturalWidth > 0)"
    )
    page.wait_for_function(every_picture_loaded, timeout=15_000)
    # each optimisation step is a point on the job's curves, live like a training's epochs
    expect(page.get_by_test_id("learning-curves")).to_have_attribute("data-epochs", "2")
    expect(page.get_by_test_id("activity-log")).to_contain_text("Step 2 of 2")
    screenshot(page, "16-deepdream")
    context.close()

"""Staff watch and steer the fleet from the workers page: workers, devices, queues, waiting jobs."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.conftest import digits_arrays, mlp_spec, npz_upload, wait_for
from tests.frontend.conftest import LAPTOP
from tests.frontend.pages import log_in

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def submit_long_job(api) -> str:  # noqa: ANN001
    dataset = api.post(
        "/api/v1/datasets/",
        {"file": npz_upload("digits.npz", **digits_arrays()), "name": "digits"},
        format="multipart",
    ).json()
    url = f"/api/v1/datasets/{dataset['id']}/"
    wait_for(lambda: api.get(url).json()["status"] != "processing")
    assert api.get(url).json()["status"] == "ready"
    spec = api.post("/api/v1/specs/", {"name": "mlp", "spec": mlp_spec()}, format="json").json()
    body = {
        "kind": "train",
        "dataset": dataset["id"],
        "spec": spec["id"],
        "params": {"epochs": 500, "batch_size": 8},
    }
    return api.post("/api/v1/jobs/", body, format="json").json()["id"]


def test_staff_see_workers_and_steer_the_queue(
    browser, app_url, api, ingestion, gpu_worker, screenshot
):  # noqa: ANN001
    get_user_model().objects.create_user(username="root", password="r00t-pass", is_staff=True)
    running = submit_long_job(api)
    waiting = api.post(
        "/api/v1/jobs/", {**api.get(f"/api/v1/jobs/{running}/").json(), "params": {"epochs": 1}},
        format="json",
    ).json()["id"]  # fmt: skip
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    try:
        wait_for(lambda: api.get(f"/api/v1/jobs/{running}/").json()["status"] == "running")
        log_in(page, app_url, "root", "r00t-pass")
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Workers").click()

        worker = page.get_by_test_id("worker-row").filter(has_text="gpu@")
        expect(worker).to_contain_text("CPU only")
        expect(worker.locator(".badge")).to_have_text("Busy", timeout=15_000)
        expect(worker.get_by_role("link", name="Train a network")).to_have_attribute(
            "href", f"/jobs/{running}"
        )
        gpu_queue = page.get_by_test_id("queue-row").filter(has_text=re.compile(r"^gpu"))
        expect(gpu_queue.locator("td").nth(1)).to_have_text("1")
        gpu_queue.get_by_role("button", name="Show jobs").click()
        expect(page.get_by_role("link", name="Train a network").last).to_be_visible()
        screenshot(page, "20-admin-workers")

        page.get_by_role("button", name="Cancel").click()
        wait_for(lambda: api.get(f"/api/v1/jobs/{waiting}/").json()["status"] == "cancelled")
        expect(page.get_by_text("Nothing is waiting in gpu.")).to_be_visible()

        worker.get_by_role("button", name="Drain").click()
        expect(worker.locator(".badge")).to_have_text("Draining", timeout=15_000)
        worker.get_by_role("button", name="Resume").click()
        expect(worker.locator(".badge")).to_have_text("Busy", timeout=15_000)
    finally:
        api.post(f"/api/v1/jobs/{running}/cancel/")
        wait_for(lambda: api.get(f"/api/v1/jobs/{running}/").json()["status"] == "cancelled")
        context.close()


def test_workers_page_is_for_staff_only(browser, app_url, user):  # noqa: ANN001
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    log_in(page, app_url, "ada")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Jobs")).to_be_visible()
    expect(nav.get_by_role("link", name="Workers")).to_have_count(0)
    page.goto(f"{app_url}/workers")
    expect(page.get_by_text("Only staff can see the workers.")).to_be_visible()
    assert page.request.get(f"{app_url}/api/v1/workers/").status == 403
    context.close()

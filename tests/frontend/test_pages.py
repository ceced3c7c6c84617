"""The other pages in a real browser: a network typed as JSON and checked as it is typed, a short
training run on an NPZ, the jobs list, comparing runs, and a file that is not a dataset."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import mlp_spec
from tests.frontend.conftest import LAPTOP, PHONE
from tests.frontend.pages import accessibility_problems, drop_file, go_to, log_in, upload_dataset
from tests.frontend.samples import digits_npz

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_network_typed_as_json_trains_and_runs_compare(
    browser, app_url, user, ingestion, gpu_worker, screenshot
):  # noqa: ANN001
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    log_in(page, app_url, "ada")
    dataset_url = upload_dataset(page, "digits.npz", digits_npz())
    expect(page.get_by_test_id("preview-thumbnails").get_by_role("img")).to_have_count(10)

    go_to(page, "Networks")
    page.get_by_role("link", name="New network").click()
    page.get_by_label("Name").fill("digits MLP")
    editor = page.get_by_label("Layers and training setup (JSON)")
    editor.fill("{ not json")
    expect(page.get_by_test_id("spec-status")).to_contain_text("Not valid JSON")
    broken = mlp_spec()
    broken["layers"][1]["units"] = 0
    editor.fill(json.dumps(broken, indent=2))
    expect(page.locator(".issues")).to_contain_text("units", timeout=10_000)
    editor.fill(json.dumps(mlp_spec(), indent=2))
    expect(page.get_by_test_id("spec-status")).to_contain_text("38,410 parameters")
    expect(page.get_by_test_id("total-params")).to_contain_text("38,410")
    page.get_by_role("button", name="Save network").click()
    expect(page).to_have_url(re.compile(r"/networks/[0-9a-f-]{36}$"))
    screenshot(page, "10-network")

    page.get_by_role("link", name="Train this network").click()
    page.get_by_label("Dataset", exact=True).select_option(label="digits.npz")
    page.get_by_label("Epochs", exact=True).fill("3")
    page.get_by_role("button", name="Submit job").click()
    expect(page).to_have_url(re.compile(r"/jobs/[0-9a-f-]{36}$"))
    expect(page.locator("h1 .badge")).to_have_text("Succeeded", timeout=180_000)
    expect(page.get_by_test_id("activity-log")).to_contain_text("Succeeded")

    go_to(page, "Jobs")
    row = page.get_by_test_id("job-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("digits MLP on digits.npz #1")
    page.get_by_label("Status").select_option("failed")
    expect(page.get_by_text("No jobs match the filters.")).to_be_visible()
    page.get_by_label("Status").select_option("succeeded")
    expect(row).to_have_count(1)
    screenshot(page, "11-jobs")

    go_to(page, "Compare")
    page.locator(".pick-list").get_by_role("checkbox").first.check()
    expect(page.get_by_test_id("learning-curves")).to_have_attribute("data-epochs", "3")
    screenshot(page, "12-compare")

    page.set_viewport_size(PHONE)
    page.goto(dataset_url)
    expect(page.locator("h1 .badge")).to_have_text("Ready")
    screenshot(page, "13-dataset-phone")
    context.close()


def test_a_file_that_is_not_a_dataset_is_refused_in_words(browser, app_url, user):  # noqa: ANN001
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    log_in(page, app_url, "ada")
    go_to(page, "Datasets")
    drop_file(page, "[data-testid=dropzone]", "notes.txt", b"just some words\n")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The dataset was not accepted.")
    expect(alert).to_contain_text("notes.txt")
    expect(page).to_have_url(f"{app_url}/datasets")
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_main_pages_pass_automated_accessibility_checks(
    browser, app_url, user, scheme, screenshot
):  # noqa: ANN001
    # the pages run under the CSP; only axe-core, which the test injects, is let past it
    context = browser.new_context(viewport=LAPTOP, color_scheme=scheme, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{app_url}/login")
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    problems = {"login": accessibility_problems(page)}
    log_in(page, app_url, "ada")
    for section, ready in [
        ("Datasets", page.get_by_role("heading", name="Your datasets")),
        ("Networks", page.get_by_role("link", name="New network")),
        ("Jobs", page.get_by_label("Status")),
        ("Sweeps", page.get_by_text("No sweeps yet.")),
        ("Compare", page.get_by_role("heading", name="Training jobs")),
        ("Models", page.get_by_role("heading", name="Models")),
    ]:
        go_to(page, section)
        expect(ready).to_be_visible()
        problems[section] = accessibility_problems(page)
    page.goto(f"{app_url}/networks/new")
    expect(page.get_by_test_id("spec-status")).to_contain_text("parameters")
    problems["network editor"] = accessibility_problems(page)
    page.goto(f"{app_url}/jobs/new")
    expect(page.get_by_role("button", name="Submit job")).to_be_visible()
    problems["new job"] = accessibility_problems(page)
    page.goto(f"{app_url}/sweeps/new")
    expect(page.get_by_role("button", name="Start sweep")).to_be_visible()
    problems["new sweep"] = accessibility_problems(page)
    screenshot(page, f"15-new-job-{scheme}")
    assert {name: found for name, found in problems.items() if found} == {}
    context.close()

"""A sweep from the web form, on the real stack: a bad metric is refused beside its field with
its code, then four ASHA trials train on a real worker while the sweep page follows them; the
best trial's model is one click away."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import digits_arrays, mlp_spec, npz_upload, upload_dataset
from tests.frontend.conftest import LAPTOP, PHONE
from tests.frontend.pages import accessibility_problems, go_to, log_in

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

TRIALS = 4


def test_a_sweep_from_the_form_runs_its_trials_and_opens_its_best_model(
    browser, app_url, api, cpu_worker, gpu_worker, screenshot
):  # noqa: ANN001
    from neuroyard.sweeps.models import Sweep

    upload_dataset(api, npz_upload("digits.npz", **digits_arrays()), name="digits")
    spec = mlp_spec(hidden=16)
    spec["layers"][1]["name"] = "hidden"
    api.post("/api/v1/specs/", {"name": "digits mlp", "spec": spec}, format="json")

    # the pages run under the CSP; only axe-core, which the test injects, is let past it
    context = browser.new_context(viewport=LAPTOP, bypass_csp=True)
    page = context.new_page()
    log_in(page, app_url, "ada")
    go_to(page, "Sweeps")
    expect(page.get_by_role("heading", name="Sweeps")).to_be_visible()
    page.get_by_role("link", name="New sweep").click()
    expect(page).to_have_url(re.compile(r"/sweeps/new$"))

    page.get_by_label("Name", exact=True).fill("digits width and rate")
    page.get_by_label("Dataset", exact=True).select_option(label="digits")
    page.get_by_label("Network", exact=True).select_option(label="digits mlp")
    page.get_by_label("Parameter 1", exact=True).fill("learning_rate")
    page.get_by_label("Distribution of parameter 1").select_option("log_uniform")
    page.get_by_label("Low of parameter 1").fill("0.0005")
    page.get_by_label("High of parameter 1").fill("0.02")
    page.get_by_role("button", name="Add parameter").click()
    page.get_by_label("Parameter 2", exact=True).fill("hidden.units")
    page.get_by_label("Distribution of parameter 2").select_option("choice")
    page.get_by_label("Values of parameter 2").fill("4, 16, 32")
    page.get_by_role("radio", name=re.compile("ASHA")).check()
    page.get_by_label("Trials", exact=True).fill(str(TRIALS))
    page.get_by_label("Trials at once").fill("2")
    page.get_by_label("Epochs", exact=True).fill("6")
    page.get_by_label("Batch size").fill("32")

    # a metric the trials do not log: refused by the server, shown beside the field, nothing made
    page.get_by_label("Metric").fill("val_auc")
    page.get_by_role("button", name="Start sweep").click()
    metric_error = page.locator("#sweep-metric-error")
    expect(metric_error).to_contain_text("not 'val_auc'")
    expect(metric_error.locator("code")).to_have_text("sweep_metric_unknown")
    expect(page.get_by_label("Metric")).to_have_attribute("aria-invalid", "true")
    assert not Sweep.objects.exists()
    page.get_by_label("Metric").fill("val_accuracy")  # the refusal goes once its field changes
    expect(metric_error).to_have_count(0)
    expect(page.get_by_label("Metric")).not_to_have_attribute("aria-invalid", "true")
    screenshot(page, "20-new-sweep")
    assert accessibility_problems(page) == []

    page.get_by_role("button", name="Start sweep").click()
    expect(page).to_have_url(re.compile(r"/sweeps/[0-9a-f-]{36}$"))
    badge = page.locator("h1 .badge")
    seen = set()
    rows = page.get_by_test_id("trial-row")
    for _ in range(6000):  # the page follows the trials as they start and end (about 10 minutes)
        seen.update(rows.evaluate_all("(rows) => rows.map((row) => row.dataset.state)"))
        if badge.get_attribute("data-status") != "running":
            break
        page.wait_for_timeout(100)
    expect(badge).to_have_text("Succeeded")
    assert "running" in seen, seen  # a trial was seen running before the end

    expect(rows).to_have_count(TRIALS)
    states = rows.evaluate_all("(rows) => rows.map((row) => row.dataset.state)")
    assert set(states) <= {"complete", "pruned"}, states
    # a pruned trial reads "Stopped early", never "Failed"
    statuses = rows.locator(".badge[data-status]").evaluate_all(
        "(badges) => badges.map((badge) => badge.textContent)"
    )
    assert set(statuses) <= {"Succeeded", "Stopped early"}, statuses
    assert statuses.count("Stopped early") == states.count("pruned")
    expect(page.get_by_test_id("sweep-chart")).to_have_attribute("data-lines", str(TRIALS))
    expect(page.locator(".sweep-line")).to_have_count(TRIALS)
    expect(page.locator(".sweep-line-best")).to_have_count(1)

    sweep = Sweep.objects.get()
    best = page.get_by_test_id("best-trial")
    expect(best).to_contain_text(f"#{sweep.best_trial.number}")
    # registered as the sweep ended: the page reads the models again to name it
    expect(best.locator(".stat", has_text="Model")).to_contain_text(sweep.best_model.name)
    expect(rows.filter(has=page.locator(".badge-best"))).to_have_count(1)
    expect(page.get_by_test_id("transport")).to_contain_text("Ended")
    page.wait_for_function(  # the bar's fill slides to its width (a CSS transition)
        "() => { const [fill, track] = ['.progress-fill', '.progress-track']"
        ".map((s) => document.querySelector(s).getBoundingClientRect().width);"
        " return fill === track; }"
    )
    screenshot(page, "21-sweep")
    assert accessibility_problems(page) == []

    # the trials are jobs, listed with their sweep
    page.get_by_role("link", name="Its jobs").click()
    expect(page.get_by_test_id("sweep-filter")).to_be_visible()
    expect(page.get_by_test_id("job-row")).to_have_count(TRIALS)
    page.go_back()

    best.get_by_role("link", name=re.compile("Open its model")).click()
    expect(page).to_have_url(re.compile(rf"/models#model-{sweep.best_model_id}$"))
    picked = page.locator(f"#model-{sweep.best_model_id}")
    expect(picked).to_have_attribute("aria-current", "true")
    expect(picked).to_be_in_viewport()

    go_to(page, "Sweeps")
    row = page.get_by_test_id("sweep-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("digits width and rate")
    expect(row).to_contain_text("ASHA")
    expect(row).to_contain_text(f"{TRIALS} / {TRIALS}")

    page.set_viewport_size(PHONE)  # the trials table scrolls sideways; the page does not
    row.get_by_role("link", name="digits width and rate").click()
    expect(page.get_by_test_id("trial-row")).to_have_count(TRIALS)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "21-sweep-phone")
    context.close()

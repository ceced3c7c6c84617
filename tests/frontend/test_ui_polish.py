"""A UI that keeps up with a busy user: charts that answer a hover, finished jobs that read
finished, Cancel that asks first, list filters that survive a reload, staff lists with owners,
and runs compared setting by setting. The jobs are written to the database as workers would
leave them, so no training runs here."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from neuroyard.datasets.models import Dataset
from neuroyard.jobs.models import EpochMetric, Job
from neuroyard.specs.models import ModelSpec
from tests.frontend.conftest import LAPTOP
from tests.frontend.pages import accessibility_problems, log_in

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

LOSSES = [2.3, 1.2, 0.7, 0.45, 0.38]


def _job(owner: Any, name: str, *, kind: str = "train", **fields: Any) -> Job:
    fields.setdefault("status", Job.Status.SUCCEEDED)
    return Job.objects.create(owner=owner, kind=kind, queue="gpu", name=name, **fields)


def _epochs(job: Job, losses: list[float], *, of: int | None = None) -> None:
    for epoch, loss in enumerate(losses, start=1):
        values = {"loss": loss, "accuracy": 1 - loss / 3, "val_loss": loss * 1.1}
        EpochMetric.objects.create(job=job, epoch=epoch, values=values)
    Job.objects.filter(pk=job.pk).update(
        progress={"epoch": len(losses), "epochs": of or len(losses)},
        final_metric_name="accuracy",
        final_metric=1 - losses[-1] / 3,
    )


def _page(browser) -> Page:  # noqa: ANN001
    # bypass_csp: only for the axe-core the accessibility checks inject
    return browser.new_context(viewport=LAPTOP, bypass_csp=True).new_page()


def test_a_chart_shows_values_on_hover_zooms_and_says_itself_in_words(
    browser, app_url, user, screenshot
) -> None:  # noqa: ANN001
    job = _job(user, "digits baseline", params={"epochs": 5})
    _epochs(job, LOSSES)
    page = _page(browser)
    log_in(page, app_url, "ada")
    page.goto(f"{app_url}/jobs/{job.id}")
    expect(page).to_have_title("digits baseline · Neuroyard")
    curves = page.get_by_test_id("learning-curves")
    expect(curves).to_have_attribute("data-epochs", "5")
    loss = page.locator('[data-testid="curve"][data-metric="loss"]')
    expect(loss.get_by_role("img")).to_have_attribute(
        "aria-label",
        re.compile(r"^Loss, 5 epochs: training from 2\.3 to 0\.38 \(lowest 0\.38 at epoch 5\)"),
    )

    plot = loss.locator(".u-over")
    box = plot.bounding_box()
    assert box is not None
    # the middle of the x axis is epoch 3: its values come up in the legend
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    legend = loss.locator(".u-legend")
    expect(legend).to_contain_text("0.7")  # training loss at epoch 3
    expect(legend).to_contain_text("0.77")  # validation loss at epoch 3
    screenshot(page, "40-chart-hover")
    assert accessibility_problems(page) == []

    page.mouse.move(box["x"] + box["width"] * 0.1, box["y"] + 20)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + 20, steps=5)
    page.mouse.up()
    reset = loss.get_by_role("button", name="Reset zoom")
    expect(reset).to_be_visible()
    chart = loss.get_by_role("img")

    def x_min() -> float:
        return float(chart.get_attribute("data-x-min") or "nan")

    zoomed = x_min()
    assert zoomed > 1
    # shift+drag to the left moves the view to later epochs, as a map does
    page.keyboard.down("Shift")
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + 20)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + 20, steps=5)
    page.mouse.up()
    page.keyboard.up("Shift")
    expect(chart).not_to_have_attribute("data-x-min", str(zoomed))
    panned = x_min()
    assert panned > zoomed
    # the job's other charts follow, as they do a zoom
    accuracy = page.locator('[data-testid="curve"][data-metric="accuracy"]').get_by_role("img")
    expect(accuracy).to_have_attribute("data-x-min", str(panned))
    # the arrow keys pan a focused chart back toward the first epoch
    chart.focus()
    page.keyboard.press("ArrowLeft")
    expect(chart).not_to_have_attribute("data-x-min", str(panned))
    assert x_min() < panned
    screenshot(page, "41-chart-panned")
    reset.click()
    expect(reset).to_be_hidden()
    expect(chart).to_have_attribute("data-x-min", "1")
    expect(accuracy).to_have_attribute("data-x-max", "5")
    expect(page.get_by_role("button", name="Reset zoom")).to_have_count(0)

    page.get_by_label("Log scale").first.check()
    expect(loss.locator(".u-legend")).to_be_visible()
    page.get_by_label("Smoothing").first.fill("0.6")
    expect(loss.locator("figcaption")).to_contain_text("(smoothed)")


def test_failed_and_cancelled_jobs_read_finished_and_cancel_asks_first(
    browser, app_url, user, screenshot
) -> None:  # noqa: ANN001
    failed = _job(
        user,
        "bad data run",
        status=Job.Status.FAILED,
        error_code="dataset_nonfinite",
        error_message="The dataset has NaN or infinite values in x.",
        progress={"epoch": 2, "epochs": 5},
    )
    _epochs(failed, LOSSES[:2], of=5)
    cancelled = _job(user, "stopped run", status=Job.Status.CANCELLED, progress={})
    running = _job(user, "long run", status=Job.Status.RUNNING, progress={"epoch": 1, "epochs": 50})
    page = _page(browser)
    log_in(page, app_url, "ada")

    page.goto(f"{app_url}/jobs/{failed.id}")
    error = page.get_by_test_id("job-error")
    expect(error).to_contain_text("Something in the dataset stopped it.")
    expect(error).to_contain_text("NaN or infinite values")
    expect(error).to_contain_text("dataset_nonfinite")
    expect(page.get_by_test_id("job-outcome")).to_have_text("Failed at epoch 2 of 5.")
    expect(page.get_by_role("progressbar")).to_have_count(0)
    expect(page.get_by_text("No files yet")).to_have_count(0)
    expect(page.get_by_text("This job left no files.")).to_be_visible()
    expect(page.get_by_role("button", name="Cancel job")).to_have_count(0)
    expect(page.get_by_test_id("transport")).to_contain_text("Finished.")
    screenshot(page, "42-failed-job")

    page.goto(f"{app_url}/jobs/{cancelled.id}")
    expect(page.get_by_test_id("job-outcome")).to_have_text("Cancelled.")
    expect(page.get_by_test_id("learning-curves")).to_have_text("It ended before its first epoch.")
    expect(page.get_by_text("The curves appear after the first epoch.")).to_have_count(0)
    expect(page.get_by_role("progressbar")).to_have_count(0)

    page.goto(f"{app_url}/jobs/{running.id}")
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Cancel job").click()
    expect(page.get_by_role("button", name="Cancel job")).to_be_enabled()
    assert asked and "long run" in asked[0]
    assert not Job.objects.get(pk=running.pk).cancel_requested
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Cancel job").click()
    expect(page.get_by_role("button", name="Cancelling…")).to_be_visible()
    assert Job.objects.get(pk=running.pk).cancel_requested


def test_job_filters_live_in_the_url_and_survive_a_reload(
    browser, app_url, user, screenshot
) -> None:  # noqa: ANN001
    for name, losses in [
        ("digits wide", [1.0, 0.2]),
        ("digits narrow", [1.0, 0.6]),
        ("iris", [0.5]),
    ]:
        _epochs(_job(user, name), losses)
    _job(user, "digits broken", status=Job.Status.FAILED, error_code="dataset_empty")
    page = _page(browser)
    log_in(page, app_url, "ada")
    page.goto(f"{app_url}/jobs")
    expect(page).to_have_title("Jobs · Neuroyard")
    rows = page.get_by_test_id("job-row")
    expect(rows).to_have_count(4)

    page.get_by_label("Search").fill("digits")
    expect(rows).to_have_count(3)
    page.get_by_label("Status").select_option("succeeded")
    page.get_by_label("Sort").select_option("-metric")
    expect(page).to_have_url(re.compile(r"q=digits"))
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("digits wide")

    page.reload()
    expect(page.get_by_label("Search")).to_have_value("digits")
    expect(page.get_by_label("Status")).to_have_value("succeeded")
    expect(page.get_by_label("Sort")).to_have_value("-metric")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("digits wide")
    expect(rows.nth(0).get_by_test_id("job-metric")).to_contain_text("0.9333")
    expect(rows.nth(1)).to_contain_text("digits narrow")
    screenshot(page, "43-jobs-filters")


def test_staff_see_owners_and_narrow_to_their_own(
    browser, app_url, user, other_user, screenshot
) -> None:  # noqa: ANN001
    staff = get_user_model().objects.create_user(
        username="root", password="r00t-pass", is_staff=True
    )
    _epochs(_job(user, "ada's run"), [0.9, 0.5])
    _job(other_user, "grace's run", status=Job.Status.RUNNING, progress={"epoch": 3, "epochs": 10})
    _job(staff, "root's check")
    page = _page(browser)
    log_in(page, app_url, "root", "r00t-pass")
    page.goto(f"{app_url}/jobs")
    rows = page.get_by_test_id("job-row")
    expect(rows).to_have_count(3)
    expect(page.get_by_role("columnheader", name="Owner")).to_be_visible()
    owners = sorted(rows.get_by_test_id("job-owner").all_inner_texts())
    assert owners == ["ada", "grace", "root"]
    screenshot(page, "41-staff-list")
    assert accessibility_problems(page) == []

    page.get_by_label("Whose").select_option("me")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("root's check")
    page.reload()
    expect(rows).to_have_count(1)


def test_compare_puts_settings_side_by_side_and_marks_differences(
    browser, app_url, user, screenshot
) -> None:  # noqa: ANN001
    first = _job(user, "lr 0.01", params={"epochs": 5, "learning_rate": 0.01, "batch_size": 32})
    second = _job(user, "lr 0.1", params={"epochs": 5, "learning_rate": 0.1, "batch_size": 32})
    _epochs(first, LOSSES)
    _epochs(second, [2.0, 1.5, 1.1, 0.9, 0.8])
    page = _page(browser)
    log_in(page, app_url, "ada")
    page.goto(f"{app_url}/compare?jobs={first.id},{second.id}")
    table = page.get_by_test_id("compare-settings")
    expect(table.get_by_role("columnheader", name="lr 0.01")).to_be_visible()
    learning_rate = table.locator(
        "tr", has=page.get_by_role("rowheader", name=re.compile("^learning rate"))
    )
    expect(learning_rate).to_have_attribute("data-differs", "true")
    expect(learning_rate).to_contain_text("≠")
    expect(learning_rate.locator("td")).to_have_text(["0.01", "0.1"])
    batch = table.locator("tr", has=page.get_by_role("rowheader", name=re.compile("^batch size")))
    expect(batch).to_have_attribute("data-differs", "false")
    final = table.locator(
        "tr", has=page.get_by_role("rowheader", name=re.compile("^final accuracy"))
    )
    expect(final.locator("td")).to_have_text(["0.8733", "0.7333"])
    expect(page.get_by_text("1 setting differs, marked ≠.")).to_be_visible()
    expect(page.get_by_test_id("learning-curves")).to_have_attribute("data-epochs", "5")
    screenshot(page, "44-compare")
    assert accessibility_problems(page) == []


def test_a_creative_jobs_step_chart_starts_on_a_log_scale(
    browser, app_url, user, screenshot
) -> None:  # noqa: ANN001
    job = _job(user, "Style transfer #1", kind="style_transfer")
    for step, loss in enumerate([4.0e8, 9.0e7, 2.0e6, 3.5e5], start=1):
        EpochMetric.objects.create(job=job, epoch=step * 10, values={"loss": loss})
    Job.objects.filter(pk=job.pk).update(progress={"step": 40, "steps": 40})
    page = _page(browser)
    log_in(page, app_url, "ada")
    page.goto(f"{app_url}/jobs/{job.id}")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    expect(page.get_by_role("heading", name="Step by step")).to_be_visible()
    expect(page.get_by_test_id("learning-curves")).to_have_attribute("data-epochs", "4")
    expect(page.get_by_label("Log scale")).to_be_checked()
    chart = page.locator('[data-testid="curve"][data-metric="loss"]')
    expect(chart.get_by_role("img")).to_have_attribute(
        "aria-label",
        re.compile(r"^Loss, 4 steps: value from 400M to 350K \(lowest 350K at step 40\)"),
    )
    expect(chart.locator(".u-legend")).to_contain_text("350000")  # the last value, until hovered
    assert errors == []
    screenshot(page, "45-step-chart")  # short ticks on the value axis: 400M, not 400000000
    expect(page).to_have_title("Style transfer #1 · Neuroyard")


def test_models_are_searched_and_deleted_after_a_confirm(browser, app_url, user, tmp_path) -> None:  # noqa: ANN001
    from tests.platform.registry.trained_models import registered_model

    for name in ("digits mlp", "iris mlp"):
        path = tmp_path / f"{name}.keras"
        path.write_bytes(b"stand-in, never loaded")
        registered_model(user, path, name=name)
    page = _page(browser)
    log_in(page, app_url, "ada")
    page.goto(f"{app_url}/models")
    cards = page.get_by_test_id("model-card")
    expect(cards).to_have_count(2)
    page.get_by_label("Search").fill("iris")
    expect(cards).to_have_count(1)
    expect(page).to_have_url(re.compile(r"q=iris"))
    page.reload()
    expect(cards).to_have_count(1)

    page.once("dialog", lambda dialog: dialog.dismiss())
    cards.first.get_by_role("button", name="Delete").click()
    expect(cards).to_have_count(1)
    page.once("dialog", lambda dialog: dialog.accept())
    cards.first.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("No models match the search.")).to_be_visible()
    page.get_by_label("Search").fill("")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("digits mlp")


def test_train_on_a_dataset_offers_a_way_when_the_network_does_not_fit(
    browser, app_url, user, screenshot
) -> None:  # noqa: ANN001
    from tests.conftest import mlp_spec

    dataset = Dataset.objects.create(
        owner=user,
        name="digits",
        status=Dataset.Status.READY,
        task=Dataset.Task.CLASSIFICATION,
        size_bytes=1,
        stats={
            "input_shape": [64],
            "num_classes": 10,
            "num_samples": 100,
            "task": "classification",
        },
    )
    wide = ModelSpec.objects.create(owner=user, name="MNIST MLP", spec=mlp_spec(inputs=784))
    page = _page(browser)
    log_in(page, app_url, "ada")

    page.goto(f"{app_url}/jobs/new?kind=train&dataset={dataset.id}&spec={wide.id}")
    expect(page.get_by_test_id("fit-check")).to_contain_text("✗")
    submit = page.get_by_role("button", name="Submit job")
    expect(submit).to_be_disabled()
    offer = page.get_by_test_id("networks-for-dataset")
    expect(offer).to_contain_text("This network does not fit digits")
    fit = offer.get_by_role("link", name="Fit the network to the dataset")
    expect(fit).to_have_attribute("href", f"/networks/new?from={wide.id}&dataset={dataset.id}")

    page.goto(f"{app_url}/jobs/new?kind=train&dataset={dataset.id}")
    offer = page.get_by_test_id("networks-for-dataset")
    expect(offer).to_contain_text("Start from a template that fits")
    expect(offer.get_by_role("link").first).to_have_attribute(
        "href", re.compile(rf"^/networks/new\?template=\w[\w-]*&dataset={dataset.id}$")
    )
    screenshot(page, "46-train-on-dataset")
    expect(offer).not_to_contain_text("Festival perceptron")  # one sigmoid neuron: not 10 classes
    template = offer.get_by_role("link").first
    template_name = template.inner_text()
    template.click()
    expect(page.get_by_label("Name")).to_have_value(template_name)
    expect(page.get_by_label("Check against a dataset")).to_have_value(str(dataset.id))

    fitting = ModelSpec.objects.create(owner=user, name="digits MLP", spec=mlp_spec(inputs=64))
    page.goto(f"{app_url}/jobs/new?kind=train&dataset={dataset.id}&spec={fitting.id}")
    expect(page.get_by_test_id("fit-check")).to_contain_text("fits the dataset")
    expect(page.get_by_role("button", name="Submit job")).to_be_enabled()
    expect(page.get_by_test_id("networks-for-dataset")).to_have_count(0)

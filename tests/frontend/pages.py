"""What the browser tests do on the pages, in the words a user would use."""

from __future__ import annotations

import base64
import re
import time
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

PASSWORD = {"ada": "lovelace-1815", "grace": "hopper-1906"}  # tests/conftest.py's users
FINAL = ("succeeded", "failed", "cancelled")


def log_in(page: Page, base_url: str, username: str, password: str | None = None) -> None:
    page.goto(f"{base_url}/")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password or PASSWORD[username])
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def go_to(page: Page, section: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=section).click()


def drop_file(page: Page, selector: str, name: str, content: bytes) -> None:
    """Drag a file from the desktop onto an element, as a browser delivers it."""
    transfer = page.evaluate_handle(
        """([b64, name]) => {
            const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, { type: "application/octet-stream" }));
            return transfer;
        }""",
        [base64.b64encode(content).decode(), name],
    )
    for event in ("dragenter", "dragover", "drop"):
        page.dispatch_event(selector, event, {"dataTransfer": transfer})


def upload_dataset(page: Page, name: str, content: bytes, **options: str) -> str:
    """Drop a dataset on the datasets page, with upload options given by their labels
    (validation_fraction="0.2"), and wait until it is ready; its page's URL."""
    go_to(page, "Datasets")
    expect(page.get_by_role("heading", name="Your datasets")).to_be_visible()
    if options:
        page.get_by_text("Options", exact=True).click()
        for label, value in options.items():
            page.get_by_label(label.replace("_", " ").capitalize(), exact=True).fill(value)
    drop_file(page, "[data-testid=dropzone]", name, content)
    expect(page).to_have_url(re.compile(r"/datasets/[0-9a-f-]{36}$"), timeout=60_000)
    expect(page.locator("h1 .badge").first).to_have_text("Ready", timeout=120_000)
    return page.url


def fill_dream_form(page: Page, base_url: str, picture: Path) -> None:
    """The job form set for a DeepDream of `picture`, as short as the form allows (one octave, two
    steps), the Weights menu left for the test; Submit job not yet pressed."""
    page.goto(f"{base_url}/jobs/new")
    page.get_by_role("radio", name=re.compile("DeepDream")).check()
    page.get_by_label("Image", exact=True).set_input_files(picture)
    page.get_by_label("Octaves", exact=True).fill("1")
    page.get_by_label("Steps per octave").fill("2")


def epochs_on_chart(page: Page) -> int:
    return int(page.get_by_test_id("learning-curves").get_attribute("data-epochs") or 0)


def job_status(page: Page) -> str:
    return page.locator("h1 .badge").get_attribute("data-status") or ""


def watch_until_done(page: Page, timeout: float = 300) -> list[tuple[str, int]]:
    """(status, epochs on the chart) as the job page shows them, until the job ends."""
    seen: list[tuple[str, int]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        observed = (job_status(page), epochs_on_chart(page))
        if not seen or seen[-1] != observed:
            seen.append(observed)
        if observed[0] in FINAL:
            return seen
        page.wait_for_timeout(50)
    raise AssertionError(f"the job did not end within {timeout}s; seen {seen}")


def download(page: Page, link: Locator, path: Path) -> Path:
    with page.expect_download() as started:
        link.click()
    started.value.save_as(path)
    return path


AXE = Path(__file__).resolve().parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"


def accessibility_problems(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is (WCAG 2 A and AA rules)."""
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} - {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]

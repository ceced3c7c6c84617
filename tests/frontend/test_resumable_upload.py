"""A big dataset dropped in the browser goes up in resumable pieces (tus): a connection cut
mid-way, or the page reloaded, costs at most the piece in flight, and the dataset ends ready."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Page, Route, expect

from tests.frontend.conftest import LAPTOP
from tests.frontend.pages import go_to, log_in

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PIECE = 8 * 1024 * 1024  # the UI's RESUMABLE_CHUNK_BYTES
PIECES = "**/api/v1/datasets/uploads/*/"


def big_npz(path: Path) -> Path:
    """About 13 MB: two pieces."""
    rng = np.random.default_rng(0)
    np.savez(path, x=rng.random((12_800, 256), dtype=np.float32), y=np.arange(12_800) % 10)
    return path


class Wire:
    """The upload's requests as they pass; PATCHes past the first piece cut while `cutting`."""

    def __init__(self, cuts: int) -> None:
        self.cuts_left = cuts
        self.cutting = False
        self.seen: list[tuple[str, int | None]] = []  # (method, Upload-Offset)
        self.cut: list[int] = []

    def __call__(self, route: Route) -> None:
        request = route.request
        offset = request.headers.get("upload-offset")
        self.seen.append((request.method, int(offset) if offset else None))
        past_first = request.method == "PATCH" and offset is not None and int(offset) > 0
        if past_first and (self.cutting or self.cuts_left > 0):
            self.cuts_left -= 1
            self.cut.append(int(offset or 0))
            route.abort("connectionreset")
            return
        route.continue_()

    def patches(self) -> list[int]:
        return [offset for method, offset in self.seen if method == "PATCH" and offset is not None]


def drop(page: Page, path: Path) -> None:
    go_to(page, "Datasets")
    page.locator("[data-testid=dropzone] input[type=file]").set_input_files(path)


def expect_ready(page: Page, path: Path, app_url: str) -> None:
    expect(page).to_have_url(re.compile(r"/datasets/[0-9a-f-]{36}$"), timeout=120_000)
    expect(page.locator("h1 .badge").first).to_have_text("Ready", timeout=180_000)
    dataset = page.request.get(f"{app_url}/api/v1/datasets/{page.url.rsplit('/', 1)[1]}/").json()
    assert dataset["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


def logged_in_page(browser, app_url: str, wire: Wire) -> Page:  # noqa: ANN001
    page = browser.new_context(viewport=LAPTOP).new_page()
    log_in(page, app_url, "ada")
    page.route(PIECES, wire)
    return page


def test_a_drop_cut_mid_way_resumes_from_the_servers_offset(  # noqa: ANN001
    browser, app_url, user, ingestion, tmp_path
) -> None:
    path = big_npz(tmp_path / "big.npz")
    wire = Wire(cuts=1)
    page = logged_in_page(browser, app_url, wire)

    drop(page, path)

    expect_ready(page, path, app_url)
    assert wire.cut == [PIECE]
    # the first piece was not sent again: asked where to go on (HEAD), then from there
    assert wire.patches() == [0, PIECE, PIECE]
    assert ("HEAD", None) in wire.seen[wire.seen.index(("PATCH", PIECE)) :]


def test_dropping_the_same_file_after_a_reload_goes_on_where_it_stopped(  # noqa: ANN001
    browser, app_url, user, ingestion, tmp_path
) -> None:
    path = big_npz(tmp_path / "big.npz")
    wire = Wire(cuts=0)
    wire.cutting = True  # the network is down after the first piece
    page = logged_in_page(browser, app_url, wire)
    drop(page, path)
    for _ in range(600):
        if wire.cut:
            break
        page.wait_for_timeout(100)
    assert wire.cut, "the second piece was never tried"

    page.reload()  # the upload in the page is gone; its URL is in localStorage
    wire.cutting = False
    sent_before = len(wire.seen)
    drop(page, path)

    expect_ready(page, path, app_url)
    after_reload = wire.seen[sent_before:]
    assert after_reload[0] == ("HEAD", None)
    assert [o for m, o in after_reload if m == "PATCH"] == [PIECE]

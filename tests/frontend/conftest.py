"""A real Chromium (Debian's, driven by Playwright) against the real stack: uvicorn serving the
built frontend and the API, a Celery worker training for real."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.stack import REPO


@pytest.fixture(scope="package", autouse=True)
def allow_orm_beside_playwright() -> Iterator[None]:
    """Playwright's sync API runs an event loop in this thread; Django would then refuse the
    ORM calls the fixtures make (creating users, flushing the test database). Only here: the
    setting must not leak into other tests (production's deployment checks refuse it)."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


CHROMIUM = os.environ.get("NEUROYARD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FRONTEND = REPO / "frontend"
SCREENSHOTS = Path(os.environ.get("NEUROYARD_SCREENSHOTS", REPO / "var" / "screenshots"))
LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def _build_frontend() -> None:
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip(f"the web UI is not built ({FRONTEND / 'dist'}) and npm is not installed")
    for args in (["ci", "--no-audit", "--no-fund"], ["run", "build"]):
        subprocess.run([npm, *args], cwd=FRONTEND, check=True)


@pytest.fixture(scope="session")
def frontend_dist() -> Path:
    """The built UI; built here when missing (`make test` builds it before the run)."""
    if not (FRONTEND / "dist" / "index.html").is_file():
        _build_frontend()
    return FRONTEND / "dist"


@pytest.fixture(scope="session")
def app_url(frontend_dist, web_server) -> str:  # noqa: ANN001
    return web_server.url


def _worker_if_any(request: pytest.FixtureRequest, fixture: str) -> object:
    try:
        return request.getfixturevalue(fixture)
    except pytest.FixtureLookupError:
        return None


@pytest.fixture
def ingestion(request: pytest.FixtureRequest) -> object:
    """The worker that ingests uploaded datasets in the background, where the stack has one
    (`cpu_worker`); without it, uploads are ingested within the request."""
    return _worker_if_any(request, "cpu_worker")


@pytest.fixture
def inference(request: pytest.FixtureRequest) -> object:
    """The worker that answers synchronous predictions, where the stack has one."""
    return _worker_if_any(request, "inference_worker")


@pytest.fixture(scope="package")
def browser() -> Iterator[object]:
    """One Chromium for the browser tests. Package-scoped: Playwright's event loop must stop
    before the tests after these run, or Django refuses their ORM calls."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install -y chromium (make test does)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def screenshot() -> Iterator[object]:
    """screenshot(page, name): a full-page PNG under var/screenshots/ (listed at the end)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    taken: list[Path] = []

    def take(page, name: str) -> Path:  # noqa: ANN001
        path = SCREENSHOTS / f"{name}.png"
        page.evaluate("window.scrollTo(0, 0)")  # a sticky header would show mid-page
        page.screenshot(path=str(path), full_page=True)
        taken.append(path)
        return path

    yield take
    if taken:
        print(f"\nscreenshots: {', '.join(str(p) for p in taken)}")

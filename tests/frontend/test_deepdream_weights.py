"""A DeepDream job on a fresh install: the worker downloads InceptionV3's ImageNet weights from
the (local stand-in) Keras host, the job page shows the download's progress, then which weights
the dream looked through.

The served file is InceptionV3's weights as Keras lays them out (saved by Keras from an
InceptionV3 with random values), its digest standing in for the one Keras publishes
(tests.frontend.standin_weights); the server sends it slowly so the download can be watched.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from neuroyard_core.pretrained import WEIGHTS_FILES
from tests.frontend.conftest import LAPTOP
from tests.frontend.pages import fill_dream_form, log_in
from tests.frontend.test_image_job import picture_png
from tests.stack import RedisProcess, WebServer, WorkerProcess
from tests.weights_server import Served, WeightsServer, weights_server

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

NETWORK = "inception_v3"  # DeepDream's network when the job names no model


@pytest.fixture(scope="module")
def stand_in(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """InceptionV3's notop weights file, random values in Keras' own .h5 layout."""
    import keras

    keras.utils.set_random_seed(5)
    network = keras.applications.InceptionV3(
        include_top=False, weights=None, input_shape=(None, None, 3)
    )
    path = tmp_path_factory.mktemp("stand-in") / WEIGHTS_FILES[NETWORK].filename
    network.save(path)
    return path.read_bytes()


@pytest.fixture(scope="module")
def weights_host() -> Iterator[WeightsServer]:
    with weights_server() as server:
        yield server


@pytest.fixture(scope="module")
def fresh_install(
    django_db_setup,  # noqa: ANN001
    django_db_blocker,  # noqa: ANN001
    frontend_dist: Path,
    tmp_path_factory: pytest.TempPathFactory,
    stand_in: bytes,
    weights_host: WeightsServer,
) -> Iterator[WebServer]:
    """Web and a training worker on a Redis of their own (so the session's worker, which may not
    download, never takes the job), the worker allowed to fetch weights from the local host into
    an empty folder."""
    folder = tmp_path_factory.mktemp("fresh-install")
    md5 = hashlib.md5(stand_in, usedforsecurity=False).hexdigest()
    with django_db_blocker.unblock():
        redis = RedisProcess(log_path=folder / "redis.log")
        env = {
            "REDIS_URL": redis.url,
            "NEUROYARD_WEIGHTS_DOWNLOAD": "1",
            "NEUROYARD_WEIGHTS_DIR": str(folder / "weights"),
            "NEUROYARD_WEIGHTS_BASE_URL": weights_host.url,
            "NEUROYARD_JOB_KIND_MODULES": "tests.frontend.standin_weights",
            "NEUROYARD_TEST_STANDIN_WEIGHTS": f"{NETWORK}={md5}",
        }
        web = WebServer(log_path=folder / "web.log", extra_env=env)
        worker = WorkerProcess(name="fresh", log_path=folder / "worker.log", extra_env=env)
    yield web
    for process in (worker, web, redis):
        process.stop()


def test_a_dream_on_a_fresh_install_shows_the_weights_download_then_the_weights(
    browser, fresh_install, weights_host, stand_in, user, screenshot, tmp_path
):  # noqa: ANN001
    # ~9 s for the whole file: long enough to watch, short enough for CI
    weights_host.serve(WEIGHTS_FILES[NETWORK], Served(stand_in, chunk=4 * 1024 * 1024, delay=0.4))
    (tmp_path / "photo.png").write_bytes(picture_png())
    app_url = fresh_install.url
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    log_in(page, app_url, "ada")
    fill_dream_form(page, app_url, tmp_path / "photo.png")
    expect(page.get_by_label("Weights", exact=True)).to_have_value("imagenet")
    page.get_by_role("button", name="Submit job").click()
    expect(page).to_have_url(re.compile(r"/jobs/[0-9a-f-]{36}$"))

    total = f"{len(stand_in) / 1e6:.1f} MB"
    progress = page.get_by_role("progressbar", name="Job progress")
    expect(progress).to_be_visible(timeout=120_000)
    status = page.locator(".status-card")
    expect(status).to_contain_text(
        re.compile(rf"weights.*of {re.escape(total)}", re.I), timeout=120_000
    )
    screenshot(page, "17-deepdream-downloading")

    expect(page.locator("h1 .badge")).to_have_text("Succeeded", timeout=240_000)
    expect(page.get_by_test_id("weights-used")).to_have_text(
        re.compile(r"^ImageNet \(inception_v3")
    )
    # the weights it used replace the ones it asked for: one "Weights" on the page, in words
    expect(page.locator("dt").filter(has_text=re.compile(r"^weights$", re.I))).to_have_count(1)
    expect(page.get_by_label("Image outputs").get_by_role("img", name="dream.png")).to_be_visible()
    screenshot(page, "17-deepdream-weights")
    context.close()
    assert [path for path, _ in weights_host.requests] == [
        f"/keras-applications/{WEIGHTS_FILES[NETWORK].folder}/{WEIGHTS_FILES[NETWORK].filename}"
    ]

"""An image job without a model gets the Keras application's ImageNet weights: downloaded the
first time (progress on the job), then loaded; random ones only when it asks for them.

The served file is VGG19's weights as Keras lays them out (saved by Keras from a VGG19 with
random values, so the network really loads it), its digest standing in for the one Keras
publishes; the server is a real local HTTP server (tests.weights_server).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator
from pathlib import Path

import keras
import numpy as np
import pytest

from neuroyard.jobs.models import Job
from neuroyard_core.errors import CodedError
from neuroyard_core.pretrained import WEIGHTS_FILES
from neuroyard_worker.engine.networks import KerasApplication, load_network
from neuroyard_worker.runners.images import network_source
from neuroyard_worker.runtime.job_run import JobRun
from tests.weights_server import Served, WeightsServer, weights_server

pytestmark = pytest.mark.django_db


@pytest.fixture
def server(settings, tmp_path: Path) -> Iterator[WeightsServer]:  # noqa: ANN001
    with weights_server() as running:
        settings.NEUROYARD_WEIGHTS_BASE_URL = running.url
        settings.NEUROYARD_WEIGHTS_DIR = tmp_path / "weights"
        settings.NEUROYARD_WEIGHTS_DOWNLOAD = True
        yield running


def style_job(user, **params: object) -> JobRun:  # noqa: ANN001
    job = Job.objects.create(
        owner=user, kind="style_transfer", queue="gpu", status="running", params=params
    )
    return JobRun(job, worker="test")


def test_missing_weights_are_downloaded_with_progress_on_the_job_and_loaded(
    user,
    server: WeightsServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    keras.utils.set_random_seed(3)
    reference = keras.applications.VGG19(
        include_top=False, weights=None, input_shape=(None, None, 3)
    )
    stand_in = tmp_path / "served.h5"
    reference.save(stand_in)  # the legacy .h5 layout Keras publishes
    body = stand_in.read_bytes()
    md5 = hashlib.md5(body, usedforsecurity=False).hexdigest()
    monkeypatch.setitem(
        WEIGHTS_FILES, "vgg19", dataclasses.replace(WEIGHTS_FILES["vgg19"], md5=md5)
    )
    server.serve(WEIGHTS_FILES["vgg19"], Served(body, chunk=4 * 1024 * 1024))
    run = style_job(user)

    source = network_source(run, "vgg19")

    assert isinstance(source, KerasApplication) and source.weights_file is not None
    run.job.refresh_from_db()
    assert run.job.progress == {
        "phase": "downloading weights",
        "bytes": len(body),
        "total": len(body),
    }
    network = load_network(source)
    assert network.weights == "imagenet"
    for ours, theirs in zip(network.model.weights, reference.weights, strict=True):
        np.testing.assert_array_equal(np.asarray(ours), np.asarray(theirs))
    # the next job finds the file installed and asks nobody
    assert network_source(style_job(user), "vgg19") == source
    assert len(server.requests) == 1


def test_a_job_that_asks_for_random_weights_gets_them_without_a_download(
    user,
    server: WeightsServer,  # noqa: ANN001
) -> None:
    source = network_source(style_job(user, weights="random"), "vgg19")

    assert source == KerasApplication("vgg19")
    assert server.requests == []


def test_weights_the_server_does_not_have_fail_the_job_as_unavailable(
    user,
    server: WeightsServer,  # noqa: ANN001
) -> None:
    with pytest.raises(CodedError) as error:
        network_source(style_job(user), "vgg19")

    assert error.value.code == "weights_unavailable"
    assert "404" in error.value.message

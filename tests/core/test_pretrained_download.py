"""Pretrained weights arrive from the published URL the first time they are needed, checked
against Keras' digest, atomically, one download at a time; or the job learns why not.

The server is a real local HTTP server (tests.weights_server); the file it serves is a stand-in
(bytes with an HDF5 signature), and the digest Keras publishes is replaced by the stand-in's.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from neuroyard_core.errors import CodedError
from neuroyard_core.pretrained import WEIGHTS_FILES, WeightsFile
from neuroyard_core.pretrained_download import WeightsSource, pretrained_weights
from tests.weights_server import Served, WeightsServer, weights_server

STAND_IN = b"\x89HDF\r\n\x1a\n" + os.urandom(600 * 1024)


@pytest.fixture
def server() -> Iterator[WeightsServer]:
    with weights_server() as running:
        yield running


@pytest.fixture
def vgg19(monkeypatch: pytest.MonkeyPatch) -> WeightsFile:
    """VGG19's entry, with the stand-in's digest as the one Keras publishes."""
    md5 = hashlib.md5(STAND_IN, usedforsecurity=False).hexdigest()
    entry = dataclasses.replace(WEIGHTS_FILES["vgg19"], md5=md5)
    monkeypatch.setitem(WEIGHTS_FILES, "vgg19", entry)
    return entry


def source(server: WeightsServer, folder: Path, **options: object) -> WeightsSource:
    return WeightsSource(weights_dir=folder, base_url=server.url, **options)  # type: ignore[arg-type]


class Progress:
    def __init__(self) -> None:
        self.reports: list[tuple[int, int | None]] = []

    def __call__(self, done: int, total: int | None) -> None:
        self.reports.append((done, total))


def test_a_file_with_the_published_digest_is_installed_under_its_keras_name(
    server: WeightsServer, vgg19: WeightsFile, tmp_path: Path
) -> None:
    server.serve(vgg19, Served(STAND_IN))
    progress = Progress()

    path = pretrained_weights("vgg19", source=source(server, tmp_path), on_download=progress)

    assert path == tmp_path / vgg19.filename
    assert path.read_bytes() == STAND_IN
    assert server.requests == [(f"/keras-applications/vgg19/{vgg19.filename}", None)]
    assert progress.reports[0] == (0, len(STAND_IN))
    assert progress.reports[-1] == (len(STAND_IN), len(STAND_IN))
    # nothing else is left behind (the lock file is reused by the next download)
    assert {p.name for p in tmp_path.iterdir()} == {vgg19.filename, f".{vgg19.filename}.lock"}


def test_an_installed_file_is_used_without_asking_the_server(
    server: WeightsServer, vgg19: WeightsFile, tmp_path: Path
) -> None:
    (tmp_path / vgg19.filename).write_bytes(STAND_IN)

    pretrained_weights("vgg19", source=source(server, tmp_path, download=False))

    assert server.requests == []


def test_a_file_with_another_digest_is_refused_and_not_kept(
    server: WeightsServer, vgg19: WeightsFile, tmp_path: Path
) -> None:
    server.serve(vgg19, Served(STAND_IN[:-1] + b"!"))

    with pytest.raises(CodedError) as error:
        pretrained_weights("vgg19", source=source(server, tmp_path))

    assert error.value.code == "weights_unavailable"
    assert "is not Keras'" in error.value.message
    assert vgg19.md5 is not None and vgg19.md5 in error.value.message
    assert [p.name for p in tmp_path.iterdir()] == [f".{vgg19.filename}.lock"]


def test_a_missing_file_on_the_server_fails_with_what_to_do(
    server: WeightsServer, vgg19: WeightsFile, tmp_path: Path
) -> None:
    with pytest.raises(CodedError) as error:
        pretrained_weights("vgg19", source=source(server, tmp_path))

    assert error.value.code == "weights_unavailable"
    assert "404" in error.value.message
    assert "import_weights --download vgg19" in error.value.message
    assert "weights: random" in error.value.message


def test_no_network_fails_at_once(vgg19: WeightsFile, tmp_path: Path) -> None:
    with weights_server() as stopped:
        url = stopped.url  # a port nobody listens on once the server is gone

    started = time.monotonic()
    with pytest.raises(CodedError) as error:
        pretrained_weights("vgg19", source=WeightsSource(weights_dir=tmp_path, base_url=url))

    assert error.value.code == "weights_unavailable"
    assert "cannot reach" in error.value.message
    assert time.monotonic() - started < 5


def test_with_downloads_off_a_missing_file_fails_without_asking_the_server(
    server: WeightsServer, vgg19: WeightsFile, tmp_path: Path
) -> None:
    server.serve(vgg19, Served(STAND_IN))

    with pytest.raises(CodedError) as error:
        pretrained_weights("vgg19", source=source(server, tmp_path, download=False))

    assert error.value.code == "weights_unavailable"
    assert "NEUROYARD_WEIGHTS_DOWNLOAD=0" in error.value.message
    assert "import_weights" in error.value.message
    assert server.requests == []


def test_a_slow_server_reports_progress_as_bytes_arrive(
    server: WeightsServer, vgg19: WeightsFile, tmp_path: Path
) -> None:
    server.serve(vgg19, Served(STAND_IN, chunk=64 * 1024, delay=0.02))
    progress = Progress()

    pretrained_weights("vgg19", source=source(server, tmp_path), on_download=progress)

    done = [reported for reported, _ in progress.reports]
    assert len(done) >= 5
    assert done == sorted(done)
    assert {total for _, total in progress.reports} == {len(STAND_IN)}


def test_a_download_that_goes_quiet_times_out_and_resumes_where_it_stopped(
    server: WeightsServer, vgg19: WeightsFile, tmp_path: Path
) -> None:
    half = 10 * 32 * 1024
    server.serve(vgg19, Served(STAND_IN, chunk=32 * 1024, stall_after=half, stall_seconds=3))
    progress = Progress()

    path = pretrained_weights(
        "vgg19", source=source(server, tmp_path, timeout=0.5), on_download=progress
    )

    assert path.read_bytes() == STAND_IN
    (_, first), (_, second) = server.requests
    assert first is None
    resumed_at = int(second.split("=")[1].rstrip("-"))  # type: ignore[union-attr]
    assert resumed_at == half  # what arrived before the silence is kept
    assert progress.reports[-1] == (len(STAND_IN), len(STAND_IN))


def test_a_server_that_never_finishes_fails_after_a_few_timeouts(
    server: WeightsServer, vgg19: WeightsFile, tmp_path: Path
) -> None:
    server.serve(vgg19, Served(STAND_IN, delay=5))  # one chunk, then silence longer than timeout

    with pytest.raises(CodedError) as error:
        pretrained_weights("vgg19", source=source(server, tmp_path, timeout=0.3))

    assert error.value.code == "weights_unavailable"
    assert "stopped sending" in error.value.message
    assert len(server.requests) == 3  # tried, then resumed twice
    assert not (tmp_path / vgg19.filename).exists()


def test_jobs_needing_the_same_file_at_once_download_it_once(
    server: WeightsServer, vgg19: WeightsFile, tmp_path: Path
) -> None:
    server.serve(vgg19, Served(STAND_IN, delay=0.01))
    paths: list[Path] = []

    def job() -> None:
        paths.append(pretrained_weights("vgg19", source=source(server, tmp_path)))

    # flock locks belong to open files, so threads contend for it as processes do
    threads = [threading.Thread(target=job) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert paths == [tmp_path / vgg19.filename] * 3
    assert len(server.requests) == 1
    assert (tmp_path / vgg19.filename).read_bytes() == STAND_IN

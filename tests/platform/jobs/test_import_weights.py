"""`manage.py import_weights` installs a checked weights file under Keras' name, atomically."""

from __future__ import annotations

import dataclasses
import hashlib
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from neuroyard_core.pretrained import WEIGHTS_FILES
from tests.weights_server import Served, weights_server

VGG_NAME = "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5"


@pytest.fixture
def weights_dir(settings, tmp_path: Path) -> Path:  # noqa: ANN001
    settings.NEUROYARD_WEIGHTS_DIR = tmp_path / "weights"
    return settings.NEUROYARD_WEIGHTS_DIR


@pytest.fixture
def download(tmp_path: Path) -> Path:
    path = tmp_path / "downloaded.h5"
    path.write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(range(256)) * 100)
    return path


def test_a_file_with_the_given_sha256_is_installed_under_the_keras_name(
    weights_dir: Path, download: Path
) -> None:
    sha256 = hashlib.sha256(download.read_bytes()).hexdigest()

    call_command("import_weights", "vgg19", str(download), sha256=sha256.upper())

    assert (weights_dir / VGG_NAME).read_bytes() == download.read_bytes()
    assert [p.name for p in weights_dir.iterdir()] == [VGG_NAME]


def test_a_file_matching_the_digest_keras_publishes_needs_no_sha256(
    weights_dir: Path, download: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    md5 = hashlib.md5(download.read_bytes(), usedforsecurity=False).hexdigest()
    entry = dataclasses.replace(WEIGHTS_FILES["inception_v3"], md5=md5)
    monkeypatch.setitem(WEIGHTS_FILES, "inception_v3", entry)

    call_command("import_weights", "inception_v3", str(download))

    assert (weights_dir / entry.filename).is_file()


@pytest.mark.parametrize("sha256", [None, "0" * 64])
def test_a_file_that_does_not_match_is_refused_and_nothing_is_left(
    weights_dir: Path, download: Path, sha256: str | None
) -> None:
    with pytest.raises(CommandError, match="not"):
        call_command("import_weights", "vgg19", str(download), sha256=sha256)

    assert list(weights_dir.iterdir()) == []


def test_a_missing_file_is_an_error(weights_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="not a file"):
        call_command("import_weights", "vgg19", str(tmp_path / "nowhere.h5"))


def test_download_fetches_the_named_networks_weights_with_a_progress_bar(
    weights_dir: Path,
    settings,
    monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    body = b"\x89HDF\r\n\x1a\n" + bytes(range(256)) * 4000
    md5 = hashlib.md5(body, usedforsecurity=False).hexdigest()
    entry = dataclasses.replace(WEIGHTS_FILES["vgg19"], md5=md5)
    monkeypatch.setitem(WEIGHTS_FILES, "vgg19", entry)
    out = io.StringIO()
    with weights_server() as server:
        settings.NEUROYARD_WEIGHTS_BASE_URL = server.url
        server.serve(entry, Served(body, chunk=100_000, delay=0.01))

        call_command("import_weights", download=["vgg19"], stdout=out)

    assert (weights_dir / VGG_NAME).read_bytes() == body
    assert "[##############################] 100%" in out.getvalue()
    assert "digest checked" in out.getvalue()


def test_download_of_a_file_the_server_lacks_is_an_error_saying_so(
    weights_dir: Path,
    settings,  # noqa: ANN001
) -> None:
    with weights_server() as server:
        settings.NEUROYARD_WEIGHTS_BASE_URL = server.url

        with pytest.raises(CommandError, match="404"):
            call_command("import_weights", download=["inception_v3"])

    assert not (weights_dir / WEIGHTS_FILES["inception_v3"].filename).exists()

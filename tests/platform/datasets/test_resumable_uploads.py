"""Resumable uploads (tus 1.0 core + creation): a file sent in pieces becomes a dataset."""

from __future__ import annotations

import base64
import hashlib
import os
import time
from datetime import timedelta

import numpy as np
import pytest

from neuroyard.datasets.resumable import partial_uploads_expire
from tests.conftest import npz_upload

pytestmark = pytest.mark.django_db

TUS = {"HTTP_TUS_RESUMABLE": "1.0.0"}


def metadata(**fields: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in fields.items())


def create(api, length: int, **fields: str):  # noqa: ANN001, ANN201
    return api.post(
        "/api/v1/datasets/uploads/",
        HTTP_UPLOAD_LENGTH=str(length),
        HTTP_UPLOAD_METADATA=metadata(**fields),
        **TUS,
    )


def patch(api, url: str, offset: int, data: bytes):  # noqa: ANN001, ANN201
    return api.generic(
        "PATCH",
        url,
        data,
        content_type="application/offset+octet-stream",
        HTTP_UPLOAD_OFFSET=str(offset),
        **TUS,
    )


def npz_bytes() -> bytes:
    rng = np.random.default_rng(0)
    x = rng.random((200, 8), dtype=np.float32)
    return npz_upload("data.npz", x=x, y=np.arange(200) % 2).getvalue()


def test_a_file_sent_in_pieces_becomes_the_same_dataset_as_one_upload(api):  # noqa: ANN001
    data = npz_bytes()
    created = create(api, len(data), filename="pieces.npz", name="in pieces")
    assert created.status_code == 201, created.content
    assert created["Tus-Resumable"] == "1.0.0"
    url = created["Location"]

    first = patch(api, url, 0, data[:1000])
    assert first.status_code == 204
    assert first["Upload-Offset"] == "1000"
    assert api.head(url, **TUS)["Upload-Offset"] == "1000"

    last = patch(api, url, 1000, data[1000:])
    assert last.status_code == 204, last.content
    assert last["Upload-Offset"] == str(len(data))
    dataset = api.get(f"/api/v1/datasets/{last['Neuroyard-Dataset']}/").json()
    assert dataset["name"] == "in pieces"
    assert dataset["sha256"] == hashlib.sha256(data).hexdigest()
    assert dataset["size_bytes"] == len(data)
    assert dataset["status"] == "processing"
    assert api.head(url, **TUS)["Neuroyard-Dataset"] == dataset["id"]


def test_a_piece_sent_at_the_wrong_offset_is_refused_with_the_right_one(api):  # noqa: ANN001
    data = npz_bytes()
    url = create(api, len(data), filename="d.npz")["Location"]
    patch(api, url, 0, data[:500])

    response = patch(api, url, 100, data[100:600])

    assert response.status_code == 409
    assert response.json()["code"] == "upload_offset_mismatch"
    assert response.json()["details"] == {"offset": 500}


def test_bytes_past_the_announced_length_are_refused(api):  # noqa: ANN001
    url = create(api, 10, filename="d.npz")["Location"]

    response = patch(api, url, 0, b"x" * 11)

    assert response.status_code == 413
    assert response.json()["code"] == "upload_too_long"


def test_an_upload_over_the_size_limit_is_refused_before_any_byte(api, settings):  # noqa: ANN001
    settings.NEUROYARD_MAX_UPLOAD_BYTES = 1000

    response = create(api, 1001, filename="big.npz")

    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_bad_options_and_unknown_formats_are_refused_before_any_byte(api):  # noqa: ANN001
    assert create(api, 10, filename="d.txt").json()["code"] == "dataset_format_unsupported"
    response = create(api, 10, filename="d.csv", test_fraction="2")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"


def test_a_broken_file_is_refused_when_complete_with_the_same_code(api):  # noqa: ANN001
    url = create(api, 9, filename="d.npz")["Location"]

    response = patch(api, url, 0, b"not a zip")

    assert response.status_code == 400
    assert response.json()["code"].startswith("npz_") or response.json()["code"].startswith(
        "dataset_"
    ), response.json()
    assert api.head(url, **TUS).status_code == 404


def test_someone_elses_upload_is_not_found(api, other_api):  # noqa: ANN001
    url = create(api, 10, filename="d.npz")["Location"]

    assert other_api.head(url, **TUS).status_code == 404
    assert patch(other_api, url, 0, b"x").status_code == 404


def test_requests_without_the_tus_version_are_refused(api):  # noqa: ANN001
    response = api.post("/api/v1/datasets/uploads/", HTTP_UPLOAD_LENGTH="10")

    assert response.status_code == 412
    assert response["Tus-Version"] == "1.0.0"


def test_options_announce_the_extensions_and_the_size_limit(api, settings):  # noqa: ANN001
    response = api.options("/api/v1/datasets/uploads/")

    assert response.status_code == 204
    assert response["Tus-Extension"] == "creation,termination"
    assert response["Tus-Max-Size"] == str(settings.NEUROYARD_MAX_UPLOAD_BYTES)


def test_a_deleted_upload_is_gone(api):  # noqa: ANN001
    url = create(api, 10, filename="d.npz")["Location"]

    assert api.delete(url, **TUS).status_code == 204
    assert api.head(url, **TUS).status_code == 404


def test_uploads_left_idle_past_the_setting_are_deleted_and_others_kept(  # noqa: ANN001
    api, other_api, settings, tmp_path
) -> None:
    settings.VAR_DIR = tmp_path  # only this test's uploads
    data = npz_bytes()
    idle = create(api, len(data), filename="idle.npz").headers["Location"]
    patch(api, idle, 0, data[:1000])
    fresh = create(other_api, len(data), filename="fresh.npz").headers["Location"]
    an_hour_ago = time.time() - 3600
    for path in (tmp_path / "uploads").glob(f"*/{idle.rstrip('/').rsplit('/', 1)[1]}.*"):
        os.utime(path, (an_hour_ago, an_hour_ago))

    expired = partial_uploads_expire(idle_for=timedelta(minutes=30))

    assert [str(upload_id) for upload_id in expired] == [idle.rstrip("/").rsplit("/", 1)[1]]
    assert api.head(idle, **TUS).status_code == 404
    assert other_api.head(fresh, **TUS).status_code == 200
    assert sorted(p.suffix for p in (tmp_path / "uploads").glob("*/*")) == [".json", ".part"]

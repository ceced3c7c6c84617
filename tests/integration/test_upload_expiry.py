"""The reconciler deletes resumable uploads left unfinished (NEUROYARD_UPLOAD_EXPIRE_SECONDS)."""

from __future__ import annotations

import os
import time

import pytest

from neuroyard_worker.tasks import reconcile
from tests.platform.datasets.test_resumable_uploads import TUS, create, patch

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_the_reconciler_deletes_an_upload_left_unfinished(
    api, settings, tmp_path, cpu_worker
) -> None:  # noqa: ANN001
    settings.VAR_DIR = tmp_path
    settings.NEUROYARD_UPLOAD_EXPIRE_SECONDS = 600
    url = create(api, 5000, filename="left.npz").headers["Location"]
    patch(api, url, 0, b"x" * 1000)
    assert reconcile()["expired_uploads"] == 0  # written to just now

    long_ago = time.time() - 601
    for path in (tmp_path / "uploads").glob("*/*"):
        os.utime(path, (long_ago, long_ago))

    assert reconcile()["expired_uploads"] == 1
    assert api.head(url, **TUS).status_code == 404
    assert list((tmp_path / "uploads").glob("*/*")) == []

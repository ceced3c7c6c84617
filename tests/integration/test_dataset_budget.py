"""The ingestion output budget on a real cpu worker: a platform of its own whose workers run
with a small NEUROYARD_DATASET_MAX_STORED_BYTES."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from django.conf import settings
from rest_framework.authtoken.models import Token

from tests.platform.datasets.uploads import squares_and_stripes, zip_upload
from tests.stack import Stack, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

BUDGET = 4 * 1024**2


@pytest.fixture(scope="module")
def small_budget_stack(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Stack]:  # noqa: ANN001
    with django_db_blocker.unblock():
        platform = Stack(
            tmp_path_factory.mktemp("budget-stack"),
            gpu_workers=0,
            env={"NEUROYARD_DATASET_MAX_STORED_BYTES": str(BUDGET)},
        )
    yield platform
    platform.stop()


def upload(stack: Stack, token: str, **fields: Any) -> dict[str, Any]:
    archive = zip_upload(squares_and_stripes(per_class=4, size=12))  # 8 grey PNGs, < 4 KB
    headers = {"Authorization": f"Token {token}"}
    response = requests.post(
        f"{stack.web.url}/api/v1/datasets/",
        files={"file": ("images.zip", archive.getvalue(), "application/zip")},
        data=fields,
        headers=headers,
        timeout=30,
    )
    assert response.status_code == 202, response.text
    url = f"{stack.web.url}/api/v1/datasets/{response.json()['id']}/"
    return wait_for(
        lambda: (
            (d := requests.get(url, headers=headers, timeout=10).json())["status"] != "processing"
            and d
        ),
        timeout=120,
        every=0.1,
    )


def test_a_tiny_zip_declared_1024_pixels_square_is_refused_and_stores_nothing(
    small_budget_stack: Stack, user: Any
) -> None:
    token = Token.objects.create(user=user).key

    dataset = upload(small_budget_stack, token, image_size="1024x1024")

    assert dataset["status"] == "invalid", small_budget_stack.logs()
    assert dataset["error_code"] == "dataset_too_large_after_import"
    assert "8 samples would take 8388608 bytes" in dataset["error"]
    assert f"the limit is {BUDGET} bytes" in dataset["error"]
    media = Path(settings.MEDIA_ROOT)
    assert not [p for p in media.rglob(f"*{dataset['id']}*") if p.is_file()]
    assert small_budget_stack.cpu_worker.process.poll() is None


def test_the_same_zip_at_a_size_within_the_budget_imports(
    small_budget_stack: Stack, user: Any
) -> None:
    token = Token.objects.create(user=user).key

    dataset = upload(small_budget_stack, token, image_size="256x256")

    assert dataset["status"] == "ready", dataset["error"]
    assert BUDGET / 8 < dataset["stats"]["stored_bytes"] < BUDGET

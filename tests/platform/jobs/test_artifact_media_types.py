"""Artifacts are served only as the media types the schema documents: whatever type a client
declared for an upload, or an older row holds, anything else goes out as octet-stream."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from neuroyard.jobs.artifacts import artifact_create
from neuroyard.jobs.models import Artifact

pytestmark = pytest.mark.django_db


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (120, 60, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def download(api, artifact_id: object):  # noqa: ANN001, ANN201
    response = api.get(f"/api/v1/artifacts/{artifact_id}/download/")
    assert response.status_code == 200
    return response


def test_an_input_declared_as_html_is_stored_and_served_as_octet_stream(api) -> None:  # noqa: ANN001
    picture = SimpleUploadedFile("cat.png", png_bytes(), content_type="text/html")

    response = api.post(
        "/api/v1/jobs/",
        {"kind": "deepdream", "params": json.dumps({}), "image": picture},
        format="multipart",
    )

    assert response.status_code == 202, response.content
    listed = api.get(f"/api/v1/jobs/{response.json()['id']}/artifacts/").json()
    assert [a["content_type"] for a in listed] == ["application/octet-stream"]
    served = download(api, listed[0]["id"])
    assert served["Content-Type"] == "application/octet-stream"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Disposition"].startswith("attachment")


def test_a_row_stored_before_the_rule_with_another_type_is_served_as_octet_stream(
    api, user
) -> None:  # noqa: ANN001
    artifact = artifact_create(
        owner_id=user.pk, kind="input", name="page.html", file=io.BytesIO(b"<script>"), folder="t"
    )
    Artifact.objects.filter(id=artifact.id).update(content_type="text/html; charset=utf-8")

    assert download(api, artifact.id)["Content-Type"] == "application/octet-stream"


@pytest.mark.parametrize("declared", ["image/png", "text/csv", "application/zip"])
def test_a_documented_type_is_served_as_itself(api, user, declared: str) -> None:  # noqa: ANN001
    artifact = artifact_create(
        owner_id=user.pk, kind="image", name="f", file=io.BytesIO(b"x"), folder="t",
        content_type=declared,
    )  # fmt: skip

    assert download(api, artifact.id)["Content-Type"] == declared

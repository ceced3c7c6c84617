"""Image jobs refuse bad pictures and parameters in the web process: a 400 with a stable code,
and no job, file or row left behind."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image

from neuroyard.jobs.models import Artifact, Job
from neuroyard.jobs.services import job_params_validate

pytestmark = pytest.mark.django_db


def png(name: str = "picture.png", size: tuple[int, int] = (32, 24)) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", size, (120, 60, 200)).save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = name
    return buffer


def upload(name: str, data: bytes) -> io.BytesIO:
    buffer = io.BytesIO(data)
    buffer.name = name
    return buffer


def post_job(api, kind: str, params: dict | None = None, **files: io.BytesIO):  # noqa: ANN001, ANN201
    body = {"kind": kind, "params": json.dumps(params or {}), **files}
    return api.post("/api/v1/jobs/", body, format="multipart")


def nothing_stored() -> bool:
    root = Path(settings.MEDIA_ROOT)
    files = [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
    return not files and not Job.objects.exists() and not Artifact.objects.exists()


def assert_refused(response, code: str) -> dict:  # noqa: ANN001
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == code
    assert len(body["message"]) > 10
    assert nothing_stored()
    return body


def test_a_file_that_is_not_an_image_is_refused(api):  # noqa: ANN001
    response = post_job(api, "deepdream", image=upload("cat.png", b"\x89PNG but not really"))

    body = assert_refused(response, "image_invalid")
    assert "image" in body["message"]


def test_a_decompression_bomb_is_refused(api, monkeypatch):  # noqa: ANN001
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)  # 32x24 pixels is now a "bomb"

    assert_refused(post_job(api, "deepdream", image=png()), "image_too_large")


def test_an_unsupported_image_format_is_refused(api):  # noqa: ANN001
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="PPM")

    response = post_job(api, "deepdream", image=upload("picture.ppm", buffer.getvalue()))

    assert_refused(response, "image_unsupported")


def test_one_bad_picture_of_two_refuses_the_whole_style_job(api):  # noqa: ANN001
    response = post_job(
        api, "style_transfer", content=png("content.png"), style=upload("style.png", b"GIF89a")
    )

    body = assert_refused(response, "image_invalid")
    assert "style" in body["message"]


def test_style_transfer_needs_both_pictures(api):  # noqa: ANN001
    body = assert_refused(
        post_job(api, "style_transfer", content=png("content.png")), "input_required"
    )
    assert "style" in body["message"]


def test_model_jobs_need_a_model(api):  # noqa: ANN001
    assert_refused(post_job(api, "adversarial", image=png()), "model_required")
    assert_refused(post_job(api, "visualize"), "model_required")


@pytest.mark.parametrize(
    ("kind", "params", "field"),
    [
        ("deepdream", {"octave_scale": 3.0}, "octave_scale"),
        ("deepdream", {"layers": ["mixed3"], "layer_weights": [1.0, 2.0]}, "layer_weights"),
        ("deepdream", {"layers": ["mixed3; rm -rf"]}, "layers"),
        ("style_transfer", {"output_size": 100_000}, "output_size"),
        ("style_transfer", {"learning_rate": 0}, "learning_rate"),
        ("adversarial", {"epsilons": []}, "epsilons"),
        ("adversarial", {"epsilons": [2.0]}, "epsilons"),
        ("visualize", {"filters": [-1]}, "filters"),
        ("visualize", {"colour": "red"}, "colour"),
    ],
)
def test_bad_params_name_the_parameter(api, kind: str, params: dict, field: str):  # noqa: ANN001
    files = {"content": png("c.png"), "style": png("s.png")} if kind == "style_transfer" else {}
    files = files or ({"image": png()} if kind == "deepdream" else {})

    body = assert_refused(post_job(api, kind, params, **files), "invalid_params")
    assert field in body["message"]


def test_defaults_follow_the_tensorflow_tutorials() -> None:
    dream = job_params_validate(kind="deepdream", params={})
    style = job_params_validate(kind="style_transfer", params={})

    assert (dream["octaves"], dream["octave_scale"], dream["step_size"]) == (5, 1.3, 0.01)
    assert dream["layers"] is None  # mixed3 and mixed5 of InceptionV3, chosen by the worker
    assert (style["learning_rate"], style["total_variation_weight"]) == (0.02, 30.0)
    assert style["output_size"] == 512 and style["steps"] == 1000


def test_a_good_picture_is_accepted_and_kept_with_the_job(api):  # noqa: ANN001
    response = post_job(api, "deepdream", {"steps_per_octave": 2}, image=png())

    assert response.status_code == 202, response.content
    job = Job.objects.get()
    assert job.params["steps_per_octave"] == 2
    (stored,) = Artifact.objects.filter(job=job, kind="input")
    assert stored.name == "image" and stored.size_bytes > 0

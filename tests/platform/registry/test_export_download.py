"""Downloads as SavedModel or TFLite: converted by a worker on the first request, so the web
answers 202 until the file is there, 409 when the model cannot be converted."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from neuroyard.jobs.models import Artifact
from neuroyard.registry.models import ModelExport, TrainedModel
from tests.platform.registry.trained_models import registered_model

pytestmark = pytest.mark.django_db


@pytest.fixture
def model(user, tmp_path: Path) -> TrainedModel:  # noqa: ANN001
    (tmp_path / "m.keras").write_bytes(b"a model file")
    return registered_model(user, tmp_path / "m.keras")


def download(api, model: TrainedModel, fmt: str):  # noqa: ANN001, ANN201
    return api.get(f"/api/v1/models/{model.id}/download/?format={fmt}")


def test_the_first_download_of_a_format_asks_for_it_and_answers_202(api, model) -> None:  # noqa: ANN001
    response = download(api, model, "tflite")

    assert response.status_code == 202 and response["Retry-After"]
    assert response.json()["code"] == "export_pending"
    assert "TensorFlow Lite" in response.json()["message"]
    export = ModelExport.objects.get(model=model)
    assert export.format == "tflite" and export.status == ModelExport.Status.PENDING


def test_asking_again_while_it_converts_asks_once(api, model) -> None:  # noqa: ANN001
    download(api, model, "savedmodel")
    first = ModelExport.objects.get(model=model).updated_at

    response = download(api, model, "savedmodel")

    assert response.status_code == 202
    assert ModelExport.objects.get(model=model).updated_at == first


def test_a_conversion_pending_too_long_is_asked_for_again(api, model) -> None:  # noqa: ANN001
    download(api, model, "tflite")
    long_ago = timezone.now() - timedelta(hours=1)
    ModelExport.objects.filter(model=model).update(updated_at=long_ago)

    download(api, model, "tflite")

    assert ModelExport.objects.get(model=model).updated_at > long_ago


def test_a_ready_export_is_the_file(api, user, model) -> None:  # noqa: ANN001
    artifact = Artifact(owner=user, kind="model", name="model.tflite", size_bytes=4,
                        sha256="0" * 64, content_type="application/octet-stream")  # fmt: skip
    artifact.file.save("exports/x.tflite", ContentFile(b"TFL3"), save=False)
    artifact.save()
    ModelExport.objects.create(model=model, format="tflite", status="ready", artifact=artifact)

    response = download(api, model, "tflite")

    assert response.status_code == 200 and b"".join(response.streaming_content) == b"TFL3"
    assert 'filename="model.tflite"' in response["Content-Disposition"]


def test_a_failed_conversion_answers_409_with_the_reason(api, model) -> None:  # noqa: ANN001
    ModelExport.objects.create(
        model=model, format="savedmodel", status="failed", error_code="export_failed",
        error_message="ValueError: unsupported layer",
    )  # fmt: skip

    response = download(api, model, "savedmodel")

    assert response.status_code == 409 and response.json()["code"] == "export_failed"
    assert "unsupported layer" in response.json()["message"]


def test_an_unknown_format_names_the_known_ones(api, model) -> None:  # noqa: ANN001
    response = download(api, model, "onnx")

    assert response.status_code == 400
    assert "keras, savedmodel, tflite" in response.json()["message"]
    assert not ModelExport.objects.exists()


def test_someone_else_s_model_is_not_converted(other_api, model) -> None:  # noqa: ANN001
    assert download(other_api, model, "tflite").status_code == 404
    assert not ModelExport.objects.exists()

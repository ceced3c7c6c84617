"""The models list: search, staff's mine/everyone, and deleting a model (its owner only, never
while a job uses it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from rest_framework.test import APIClient

from neuroyard.jobs.models import Artifact, Job
from neuroyard.registry.models import TrainedModel
from tests.platform.registry.trained_models import registered_model

pytestmark = pytest.mark.django_db


def _model(owner, tmp_path: Path, name: str) -> TrainedModel:  # noqa: ANN001
    path = tmp_path / f"{name}.keras"
    path.write_bytes(b"not really keras, never loaded here")
    return registered_model(owner, path)


def test_search_finds_models_by_part_of_their_name(api, user, tmp_path) -> None:  # noqa: ANN001
    _model(user, tmp_path, "digits-mlp")
    _model(user, tmp_path, "iris-mlp")
    _model(user, tmp_path, "digits-cnn")

    found = api.get("/api/v1/models/?search=DIGITS").json()["results"]

    assert sorted(row["name"] for row in found) == ["digits-cnn", "digits-mlp"]
    assert {row["owner"] for row in found} == {"ada"}


def test_deleting_a_model_removes_it_and_its_file(
    api,  # noqa: ANN001
    user,  # noqa: ANN001
    tmp_path,  # noqa: ANN001
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    model = _model(user, tmp_path, "gone")
    stored = model.artifact.file.name
    assert default_storage.exists(stored)

    with django_capture_on_commit_callbacks(execute=True):
        answer = api.delete(f"/api/v1/models/{model.id}/")

    assert answer.status_code == 204
    assert not TrainedModel.objects.filter(pk=model.pk).exists()
    assert not Artifact.objects.filter(pk=model.artifact_id).exists()
    assert not default_storage.exists(stored)
    assert api.get(f"/api/v1/models/{model.id}/").status_code == 404


def test_a_model_a_running_job_uses_is_not_deleted(api, user, tmp_path) -> None:  # noqa: ANN001
    model = _model(user, tmp_path, "busy")
    job = Job.objects.create(
        owner=user, kind="predict", queue="cpu", params={}, model=model, status="running"
    )

    busy = api.delete(f"/api/v1/models/{model.id}/")
    Job.objects.filter(pk=job.pk).update(status=Job.Status.SUCCEEDED)
    later = api.delete(f"/api/v1/models/{model.id}/")

    assert busy.status_code == 409 and busy.json()["code"] == "model_in_use"
    assert later.status_code == 204


def test_only_the_owner_deletes_staff_get_403_others_404(api, user, other_api, tmp_path) -> None:  # noqa: ANN001
    model = _model(user, tmp_path, "ada-s")
    staff = get_user_model().objects.create_user(username="root", password="x", is_staff=True)
    client = APIClient()
    client.force_authenticate(staff)

    assert other_api.delete(f"/api/v1/models/{model.id}/").status_code == 404
    refused = client.delete(f"/api/v1/models/{model.id}/")
    assert refused.status_code == 403 and refused.json()["code"] == "not_owner"
    assert TrainedModel.objects.filter(pk=model.pk).exists()
    assert [row["owner"] for row in client.get("/api/v1/models/").json()["results"]] == ["ada"]
    assert client.get("/api/v1/models/?owner=me").json()["results"] == []

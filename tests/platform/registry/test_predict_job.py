"""Predict jobs refuse what cannot work in the web process: a 4xx with a stable code, and no
job left behind."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest

from neuroyard.datasets.models import Dataset
from neuroyard.jobs.models import Job
from neuroyard.registry.models import TrainedModel
from tests.conftest import npz_upload, text_upload
from tests.platform.datasets.uploads import image_bytes, zip_upload
from tests.platform.registry.trained_models import registered_model
from tests.platform.specs.datasets import ready_dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def model(user, tmp_path: Path) -> TrainedModel:  # noqa: ANN001
    (tmp_path / "m.keras").write_bytes(b"a model file")
    return registered_model(
        user, tmp_path / "m.keras", input_shape=[64], class_names=[str(i) for i in range(10)]
    )


def post(api, **body):  # noqa: ANN001, ANN003, ANN201
    files = {k: v for k, v in body.items() if isinstance(v, io.BytesIO)}
    if files:
        body["params"] = json.dumps(body.get("params", {}))
        return api.post("/api/v1/jobs/", {"kind": "predict", **body}, format="multipart")
    return api.post("/api/v1/jobs/", {"kind": "predict", **body}, format="json")


def assert_refused(response, code: str, status: int = 400) -> str:  # noqa: ANN001
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert not Job.objects.exists()
    return str(response.json()["message"])


def test_a_dataset_of_another_shape_is_refused_naming_both_shapes(api, user, model) -> None:  # noqa: ANN001
    dataset = ready_dataset(user, input_shape=[32], num_classes=10)

    message = assert_refused(
        post(api, model=str(model.id), dataset=str(dataset.id)), "dataset_incompatible"
    )

    assert "[32]" in message and "[64]" in message


def test_a_dataset_still_being_ingested_is_a_conflict(api, user, model) -> None:  # noqa: ANN001
    dataset = ready_dataset(user, input_shape=[64], num_classes=10)
    Dataset.objects.filter(id=dataset.id).update(status=Dataset.Status.PROCESSING)

    assert_refused(
        post(api, model=str(model.id), dataset=str(dataset.id)), "dataset_not_ready", 409
    )


def test_a_file_that_is_no_dataset_is_refused(api, model) -> None:  # noqa: ANN001
    garbage = io.BytesIO(b"\x00\xff" * 100)
    garbage.name = "data.bin"

    assert_refused(post(api, model=str(model.id), data=garbage), "dataset_unreadable")


def test_an_npz_without_samples_is_refused(api, model) -> None:  # noqa: ANN001
    upload = npz_upload(y=np.zeros(3, np.int64))

    message = assert_refused(post(api, model=str(model.id), data=upload), "dataset_missing_array")

    assert "'x'" in message


def test_an_npz_without_labels_is_taken_as_new_samples_to_predict(api, model) -> None:  # noqa: ANN001
    upload = npz_upload(x=np.zeros((3, 64), np.float32))

    response = post(api, model=str(model.id), data=upload)

    assert response.status_code == 202, response.content
    assert Job.objects.get().kind == "predict"


def test_pictures_without_class_folders_are_taken_as_new_samples_to_predict(api, model) -> None:  # noqa: ANN001
    pixels = image_bytes(np.zeros((8, 8), np.uint8))
    upload = zip_upload({"photo-1.png": pixels, "photo-2.png": pixels})

    response = post(api, model=str(model.id), data=upload)

    assert response.status_code == 202, response.content


def test_a_predict_job_needs_a_model(api, user) -> None:  # noqa: ANN001
    dataset = ready_dataset(user, input_shape=[64], num_classes=10)

    assert_refused(post(api, dataset=str(dataset.id)), "model_required")


@pytest.mark.parametrize(
    ("params", "field"), [({"top_k": 0}, "top_k"), ({"split": "everything"}, "split")]
)
def test_bad_params_name_the_parameter(api, user, model, params, field) -> None:  # noqa: ANN001
    dataset = ready_dataset(user, input_shape=[64], num_classes=10)

    message = assert_refused(
        post(api, model=str(model.id), dataset=str(dataset.id), params=params), "invalid_params"
    )

    assert f"params.{field}" in message


def test_a_csv_file_is_accepted_and_kept_with_the_job(api, model) -> None:  # noqa: ANN001
    response = post(api, model=str(model.id), data=text_upload("data.csv", "a,b,label\n1,2,x\n"))

    assert response.status_code == 202, response.content
    job = Job.objects.get()
    assert job.artifacts.get().name == "data"


def test_a_predict_job_needs_a_dataset_or_a_file(api, model) -> None:  # noqa: ANN001
    assert_refused(post(api, model=str(model.id)), "dataset_required")


def test_a_predict_job_takes_a_dataset_or_a_file_not_both(api, user, model) -> None:  # noqa: ANN001
    dataset = ready_dataset(user, input_shape=[64], num_classes=10)
    upload = text_upload("data.csv", "a,label\n1,x\n")

    assert_refused(
        post(api, model=str(model.id), dataset=str(dataset.id), data=upload), "invalid_input"
    )

"""Bad input answers 4xx with a stable code and a clear message, and stores nothing."""

from pathlib import Path

import numpy as np
import pytest
from django.conf import settings

from neuroyard.datasets.models import Dataset
from neuroyard.jobs.models import Job
from neuroyard.specs.models import ModelSpec
from tests.conftest import digits_arrays, mlp_spec, npz_upload, text_upload
from tests.platform.datasets.uploads import ingested

pytestmark = pytest.mark.django_db


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def assert_error(response, status: int, code: str) -> dict:  # noqa: ANN001
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["message"], str) and len(body["message"]) > 10
    return body


@pytest.fixture
def digits_dataset(api) -> dict:  # noqa: ANN001
    dataset = ingested(api, npz_upload("digits.npz", **digits_arrays()), name="digits")
    assert dataset["status"] == "ready", dataset["error"]
    return dataset


def test_malformed_json_is_refused(api):  # noqa: ANN001
    response = api.generic(
        "POST", "/api/v1/specs/", '{"name": "x", "spec": {', content_type="application/json"
    )
    assert_error(response, 400, "malformed_request")
    assert ModelSpec.objects.count() == 0


def test_unknown_layer_is_named_in_the_error(api):  # noqa: ANN001
    spec = mlp_spec()
    spec["layers"][1] = {"type": "Dense3", "units": 4}
    body = assert_error(
        api.post("/api/v1/specs/", {"name": "bad", "spec": spec}, format="json"),
        400,
        "spec_invalid",
    )
    assert "Dense3" in body["message"]
    assert body["details"]["errors"][0]["loc"].startswith("layers[1]")
    assert ModelSpec.objects.count() == 0


def test_spec_that_does_not_fit_the_dataset_is_refused_before_queueing(api, digits_dataset):  # noqa: ANN001
    spec = api.post(
        "/api/v1/specs/", {"name": "mnist", "spec": mlp_spec(inputs=784)}, format="json"
    ).json()
    body = assert_error(
        api.post(
            "/api/v1/jobs/",
            {"kind": "train", "dataset": digits_dataset["id"], "spec": spec["id"]},
            format="json",
        ),
        400,
        "spec_incompatible",
    )
    assert "784" in body["message"] and "64" in body["message"]
    assert Job.objects.count() == 0


def test_csv_without_the_label_column_is_refused(api):  # noqa: ANN001
    csv = text_upload("pets.csv", "weight,height,kind\n1,2,cat\n3,4,dog\n")
    body = assert_error(
        api.post("/api/v1/datasets/", {"file": csv}, format="multipart"),
        400,
        "dataset_missing_column",
    )
    assert "label" in body["message"] and "kind" in body["message"]
    assert Dataset.objects.count() == 0
    assert stored_files() == []


def test_npz_with_object_arrays_is_refused(api):  # noqa: ANN001
    upload = npz_upload(
        "evil.npz", x=np.array([{"a": 1}, {"b": 2}], dtype=object), y=np.array([0, 1])
    )
    assert_error(
        api.post("/api/v1/datasets/", {"file": upload}, format="multipart"),
        400,
        "dataset_object_array",
    )
    assert Dataset.objects.count() == 0
    assert stored_files() == []


def test_job_on_someone_elses_dataset_is_not_found(api, other_api, digits_dataset):  # noqa: ANN001
    spec = other_api.post("/api/v1/specs/", {"name": "m", "spec": mlp_spec()}, format="json")
    response = other_api.post(
        "/api/v1/jobs/",
        {"kind": "train", "dataset": digits_dataset["id"], "spec": spec.json()["id"]},
        format="json",
    )
    assert_error(response, 404, "not_found")
    assert Job.objects.count() == 0


def test_other_users_objects_are_invisible(api, other_api, digits_dataset):  # noqa: ANN001
    assert other_api.get(f"/api/v1/datasets/{digits_dataset['id']}/").status_code == 404
    assert other_api.get("/api/v1/datasets/").json()["results"] == []
    assert api.get("/api/v1/datasets/").json()["count"] == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"epochs": 0}, "epochs"),
        ({"batch_size": -1}, "batch_size"),
        ({"validation_split": 1.5}, "validation_split"),
        ({"learning_rate": 0.1}, "learning_rate"),
    ],
)
def test_bad_training_params_name_the_parameter(api, digits_dataset, params, field):  # noqa: ANN001
    spec = api.post("/api/v1/specs/", {"name": "m", "spec": mlp_spec()}, format="json").json()
    body = assert_error(
        api.post(
            "/api/v1/jobs/",
            {
                "kind": "train",
                "dataset": digits_dataset["id"],
                "spec": spec["id"],
                "params": params,
            },
            format="json",
        ),
        400,
        "invalid_params",
    )
    assert field in body["message"]
    assert Job.objects.count() == 0


def test_anonymous_requests_are_refused(client):  # noqa: ANN001
    response = client.get("/api/v1/jobs/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"

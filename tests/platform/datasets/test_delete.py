"""Deleting a dataset frees its stored files, but not while a queued or running job uses it."""

import pytest

from neuroyard.datasets import examples
from neuroyard.datasets.models import Dataset
from tests.conftest import mlp_spec, npz_upload
from tests.platform.datasets.uploads import ingested, squares_and_stripes, zip_upload
from tests.platform.test_bad_input import stored_files

pytestmark = pytest.mark.django_db


def test_delete_frees_the_shards_and_thumbnails(api):  # noqa: ANN001
    dataset = ingested(api, zip_upload(squares_and_stripes()))
    assert stored_files() != []

    assert api.delete(f"/api/v1/datasets/{dataset['id']}/").status_code == 204

    assert stored_files() == []
    assert Dataset.objects.count() == 0


def test_a_dataset_a_queued_job_uses_cannot_be_deleted(api):  # noqa: ANN001
    dataset = ingested(api, npz_upload("digits.npz", **examples.digits()))
    spec = api.post("/api/v1/specs/", {"name": "m", "spec": mlp_spec()}, format="json").json()
    created = api.post(
        "/api/v1/jobs/", {"kind": "train", "dataset": dataset["id"], "spec": spec["id"]},
        format="json",
    )  # fmt: skip
    assert created.status_code == 202, created.content
    job = created.json()

    response = api.delete(f"/api/v1/datasets/{dataset['id']}/")

    assert response.status_code == 409
    assert response.json()["code"] == "dataset_in_use"
    api.post(f"/api/v1/jobs/{job['id']}/cancel/")
    assert api.delete(f"/api/v1/datasets/{dataset['id']}/").status_code == 204


def test_a_dataset_still_processing_has_no_preview_yet(api):  # noqa: ANN001
    response = api.post(
        "/api/v1/datasets/", {"file": npz_upload(**examples.xor())}, format="multipart"
    )

    preview = api.get(f"/api/v1/datasets/{response.json()['id']}/preview/")

    assert preview.status_code == 409
    assert preview.json()["code"] == "dataset_not_ready"


def test_someone_elses_dataset_cannot_be_deleted(api, other_api):  # noqa: ANN001
    dataset = ingested(api, npz_upload(**examples.xor()))

    assert other_api.delete(f"/api/v1/datasets/{dataset['id']}/").status_code == 404
    assert Dataset.objects.count() == 1

"""Submitting a job the way a script copies one: a job's own representation, posted back,
submits a job like it (its nulls read as "none"), and an id that is not null must be one."""

from __future__ import annotations

import pytest

from neuroyard.jobs.models import Job
from neuroyard.specs.models import ModelSpec
from tests.conftest import mlp_spec
from tests.platform.specs.datasets import ready_dataset

pytestmark = pytest.mark.django_db


def test_a_jobs_own_representation_posted_back_submits_a_job_like_it(api, user) -> None:  # noqa: ANN001
    dataset = ready_dataset(user, input_shape=[64], num_classes=10, samples=200)
    spec = ModelSpec.objects.create(owner=user, name="mlp", spec=mlp_spec(hidden=8))
    body = {"kind": "train", "dataset": str(dataset.id), "spec": str(spec.id)}
    first = api.post("/api/v1/jobs/", body | {"params": {"epochs": 2}}, format="json")
    assert first.status_code == 202, first.json()
    shown = api.get(f"/api/v1/jobs/{first.json()['id']}/").json()
    assert shown["model"] is None  # a train job starts from no model

    again = api.post("/api/v1/jobs/", shown | {"params": {"epochs": 1}}, format="json")

    assert again.status_code == 202, again.json()
    copy = Job.objects.get(id=again.json()["id"])
    assert (copy.dataset_id, copy.spec_id, copy.params["epochs"]) == (dataset.id, spec.id, 1)


def test_a_model_that_is_not_an_id_is_refused(api) -> None:  # noqa: ANN001
    refused = api.post("/api/v1/jobs/", {"kind": "train", "model": "yes"}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "invalid_input"
    assert not Job.objects.exists()

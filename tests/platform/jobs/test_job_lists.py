"""Job lists a busy user can read: names, the final metric, search, filters, sorts over cursor
pages, and staff's view of everyone's jobs."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from neuroyard.datasets.models import Dataset
from neuroyard.jobs.lifecycle import job_record_epoch
from neuroyard.jobs.models import Job
from neuroyard.jobs.services import job_default_name
from neuroyard.specs.models import ModelSpec

pytestmark = pytest.mark.django_db


def _job(owner: Any, name: str, **fields: Any) -> Job:
    return Job.objects.create(
        owner=owner, kind="train", queue="gpu", params={}, name=name, **fields
    )


def _all(api: Any, url: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    while url:
        page = api.get(url)
        assert page.status_code == 200, page.json()
        rows += page.json()["results"]
        url = page.json()["next"]
    return rows


def test_default_names_say_what_ran_on_what_and_count_the_runs(user) -> None:  # noqa: ANN001
    dataset = Dataset.objects.create(owner=user, name="digits", size_bytes=1)
    spec = ModelSpec.objects.create(owner=user, name="Small MLP", spec={})

    first = job_default_name(owner=user, title="Train", dataset=dataset, spec=spec, model=None)
    _job(user, first)
    second = job_default_name(owner=user, title="Train", dataset=dataset, spec=spec, model=None)
    alone = job_default_name(owner=user, title="DeepDream", dataset=None, spec=None, model=None)

    assert (first, second, alone) == (
        "Small MLP on digits #1",
        "Small MLP on digits #2",
        "DeepDream #1",
    )


def test_the_owner_renames_a_job_and_the_name_is_checked(api, user, other_user) -> None:  # noqa: ANN001
    job = _job(user, "old")
    renamed = api.patch(f"/api/v1/jobs/{job.id}/", {"name": "baseline"}, format="json")
    empty = api.patch(f"/api/v1/jobs/{job.id}/", {"name": ""}, format="json")

    assert renamed.status_code == 200 and renamed.json()["name"] == "baseline"
    assert empty.status_code == 400 and empty.json()["code"] == "invalid_input"
    staff = get_user_model().objects.create_user(username="root", password="x", is_staff=True)
    client = APIClient()
    client.force_authenticate(staff)
    refused = client.patch(f"/api/v1/jobs/{job.id}/", {"name": "mine now"}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "not_owner"
    assert Job.objects.get(pk=job.pk).name == "baseline"


def test_the_final_metric_is_the_latest_epochs_headline_metric(api, user) -> None:  # noqa: ANN001
    job = _job(user, "run", status=Job.Status.RUNNING)
    job_record_epoch(job_id=str(job.id), epoch=1, epochs=2, values={"loss": 2.0, "accuracy": 0.5})
    job_record_epoch(
        job_id=str(job.id), epoch=2, epochs=2, values={"loss": 1.0, "val_accuracy": 0.75}
    )
    body = api.get(f"/api/v1/jobs/{job.id}/").json()

    assert body["final_metric"] == {"name": "val_accuracy", "value": 0.75}
    assert api.get(f"/api/v1/jobs/{_job(user, 'new').id}/").json()["final_metric"] is None


def test_search_dataset_network_and_status_filters(api, user) -> None:  # noqa: ANN001
    digits = Dataset.objects.create(owner=user, name="digits", size_bytes=1)
    iris = Dataset.objects.create(owner=user, name="iris", size_bytes=1)
    mlp = ModelSpec.objects.create(owner=user, name="MLP", spec={})
    _job(user, "Baseline digits", dataset=digits, spec=mlp)
    _job(user, "wider digits", dataset=digits, status=Job.Status.FAILED)
    _job(user, "iris try", dataset=iris, spec=mlp)

    def names(query: str) -> set[str]:
        return {job["name"] for job in _all(api, f"/api/v1/jobs/?{query}")}

    assert names("search=DIGITS") == {"Baseline digits", "wider digits"}
    assert names(f"dataset={iris.id}") == {"iris try"}
    assert names(f"spec={mlp.id}") == {"Baseline digits", "iris try"}
    assert names(f"dataset={digits.id}&status=failed") == {"wider digits"}
    row = _all(api, f"/api/v1/jobs/?dataset={iris.id}")[0]
    assert (row["dataset_name"], row["spec_name"], row["owner"]) == ("iris", "MLP", "ada")
    assert api.get("/api/v1/jobs/?sort=size").json()["code"] == "invalid_input"


@pytest.mark.parametrize("sort", ["name", "-name", "metric", "-metric", "created"])
def test_every_sort_pages_through_every_job_once_in_order(api, user, sort) -> None:  # noqa: ANN001
    for i in range(13):  # names and metrics with ties, some jobs with no metric
        _job(user, f"run {i % 4}", final_metric=None if i % 5 == 0 else (i % 3) / 10)
    rows = _all(api, f"/api/v1/jobs/?sort={sort}&limit=4")
    back = api.get(api.get(f"/api/v1/jobs/?sort={sort}&limit=4").json()["next"]).json()

    assert len(rows) == 13 and len({row["id"] for row in rows}) == 13
    if sort.endswith("name"):
        keys = [row["name"] for row in rows]
        assert keys == sorted(keys, reverse=sort.startswith("-"))
    if sort.endswith("metric"):
        values = [row["final_metric"]["value"] for row in rows if row["final_metric"]]
        assert values == sorted(values, reverse=sort.startswith("-"))
        assert all(row["final_metric"] is None for row in rows[len(values) :])  # no metric: last
    if sort == "created":
        keys = [row["created_at"] for row in rows]
        assert keys == sorted(keys)
    previous = api.get(back["previous"]).json()["results"]
    assert [row["id"] for row in previous] == [row["id"] for row in rows[:4]]


def test_a_cursor_of_another_sort_is_refused(api, user) -> None:  # noqa: ANN001
    for i in range(3):
        _job(user, f"run {i}")
    by_name = api.get("/api/v1/jobs/?sort=name&limit=1").json()["next"]
    cursor = by_name.split("cursor=")[1].split("&")[0]
    answer = api.get(f"/api/v1/jobs/?cursor={cursor}")

    assert answer.status_code == 400 and "cursor" in answer.json()["message"]


def test_staff_see_everyones_jobs_with_owners_and_can_narrow_to_their_own(user) -> None:  # noqa: ANN001
    staff = get_user_model().objects.create_user(username="root", password="x", is_staff=True)
    _job(user, "ada's")
    _job(staff, "root's")
    client = APIClient()
    client.force_authenticate(staff)

    everyone = {(row["name"], row["owner"]) for row in _all(client, "/api/v1/jobs/")}
    mine = {row["name"] for row in _all(client, "/api/v1/jobs/?owner=me")}
    theirs = APIClient()
    theirs.force_authenticate(user)

    assert everyone == {("ada's", "ada"), ("root's", "root")}
    assert mine == {"root's"}
    assert {row["name"] for row in _all(theirs, "/api/v1/jobs/?owner=all")} == {"ada's"}

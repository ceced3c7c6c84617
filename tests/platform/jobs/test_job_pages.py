"""Job list pages: cursor pages that stay right while jobs are added, queue positions per page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from neuroyard.jobs.models import Job
from neuroyard.jobs.selectors import job_get, job_queue_position

pytestmark = pytest.mark.django_db


def _add_jobs(owner: Any, count: int, *, at: Any = None) -> list[Job]:
    jobs = Job.objects.bulk_create(
        Job(owner=owner, kind="train", queue="gpu", params={}) for _ in range(count)
    )
    if at is not None:  # several jobs with one created_at: the id breaks the tie
        Job.objects.filter(pk__in=[job.pk for job in jobs]).update(created_at=at)
    return jobs


def _pages(api: Any, url: str, *, between: Any = None) -> list[dict[str, Any]]:
    pages = []
    while url:
        page = api.get(url).json()
        pages.append(page)
        if between is not None:
            between()
        url = page["next"]
    return pages


def test_cursor_pages_return_every_job_exactly_once_while_jobs_are_added(api, user) -> None:  # noqa: ANN001
    earlier = timezone.now() - timedelta(hours=1)
    existing = _add_jobs(user, 30) + _add_jobs(user, 12, at=earlier)

    pages = _pages(api, "/api/v1/jobs/?limit=7", between=lambda: _add_jobs(user, 3))

    seen = [job["id"] for page in pages for job in page["results"]]
    assert len(seen) == len(set(seen))
    assert set(seen) >= {str(job.pk) for job in existing}
    assert all(len(page["results"]) <= 7 for page in pages)


def test_previous_goes_back_to_the_same_page(api, user) -> None:  # noqa: ANN001
    _add_jobs(user, 10, at=timezone.now())
    _add_jobs(user, 10)
    first = api.get("/api/v1/jobs/?limit=4").json()
    second = api.get(first["next"]).json()
    back = api.get(second["previous"]).json()

    assert [job["id"] for job in back["results"]] == [job["id"] for job in first["results"]]
    assert first["previous"] is None and back["previous"] is None
    assert (first["count"], first["count_exact"]) == (20, True)


def test_filtered_pages_and_the_last_page(api, user) -> None:  # noqa: ANN001
    jobs = _add_jobs(user, 5)
    Job.objects.filter(pk=jobs[0].pk).update(status=Job.Status.SUCCEEDED)
    page = api.get("/api/v1/jobs/?status=queued&limit=10").json()

    assert len(page["results"]) == 4
    assert page["next"] is None


def test_a_page_of_queued_jobs_has_their_positions_in_a_constant_number_of_queries(
    api,  # noqa: ANN001
    user,  # noqa: ANN001
    django_assert_max_num_queries,  # noqa: ANN001
) -> None:
    _add_jobs(user, 40)
    with django_assert_max_num_queries(6):
        page = api.get("/api/v1/jobs/?limit=30").json()

    positions = [job["queue_position"] for job in page["results"]]
    assert positions == list(range(40, 10, -1))  # newest first: the last to start


def test_a_cursor_from_elsewhere_is_refused(api) -> None:  # noqa: ANN001
    response = api.get("/api/v1/jobs/?cursor=bm90LWEtY3Vyc29y")
    assert response.status_code == 400


def test_a_jobs_detail_reads_its_queue_position_in_the_one_query_that_reads_it(
    api,  # noqa: ANN001
    user,  # noqa: ANN001
    django_assert_num_queries,  # noqa: ANN001
) -> None:
    jobs = _add_jobs(user, 5)
    Job.objects.filter(pk=jobs[3].pk).update(priority=1)  # moved to the front
    Job.objects.filter(pk=jobs[1].pk).update(status=Job.Status.SUCCEEDED)
    Job.objects.create(owner=user, kind="predict", queue="cpu", params={})  # another queue

    details = []
    for job in jobs:
        with django_assert_num_queries(1):
            details.append(api.get(f"/api/v1/jobs/{job.id}/").json()["queue_position"])

    assert details == [2, None, 3, 1, 4]
    listed = {
        job["id"]: job["queue_position"] for job in api.get("/api/v1/jobs/").json()["results"]
    }
    assert details == [listed[str(job.id)] for job in jobs]


def test_a_job_moved_after_it_was_read_is_placed_anew(api, user) -> None:  # noqa: ANN001
    first, second = _add_jobs(user, 2)
    read = job_get(user=user, job_id=second.id)
    assert job_queue_position(job=read) == 2

    Job.objects.filter(pk=second.pk).update(priority=1)
    read.refresh_from_db()
    assert job_queue_position(job=read) == 1
    read.status = Job.Status.CANCELLED
    assert job_queue_position(job=read) is None


def test_a_job_read_by_its_written_out_query_is_the_row_the_orm_reads(user) -> None:  # noqa: ANN001
    now = timezone.now()
    job = Job.objects.create(
        owner=user,
        kind="train",
        queue="gpu",
        status=Job.Status.RUNNING,
        params={"epochs": 3, "rate": 0.5, "layers": [{"units": 4}]},
        progress={"epoch": 1, "epochs": 3},
        result={"accuracy": 0.75},
        cancel_requested=True,
        final_metric=0.75,
        final_metric_name="accuracy",
        started_at=now - timedelta(minutes=2),
        heartbeat_at=now,
        spec_snapshot={"layers": []},
    )

    read, orm = job_get(user=user, job_id=job.id), Job.objects.get(pk=job.pk)

    for field in Job._meta.concrete_fields:
        if field.name == "spec_snapshot":
            assert field.attname in read.get_deferred_fields()  # loads if read
        else:
            ours, theirs = getattr(read, field.attname), getattr(orm, field.attname)
            assert (ours, type(ours)) == (theirs, type(theirs)), field.name
    assert read.spec_snapshot == {"layers": []}
    assert (read.owner.username, read.queue_place) == (user.username, None)  # running: no place

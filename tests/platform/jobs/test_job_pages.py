"""Job list pages: cursor pages that stay right while jobs are added, queue positions per page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from neuroyard.jobs.models import Job

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

import uuid

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from neuroyard.jobs.models import Job


@pytest.fixture
def admin_api(db) -> APIClient:  # noqa: ANN001
    admin = get_user_model().objects.create_user(
        username="operator", password="op-erator-1", is_staff=True
    )
    client = APIClient()
    client.force_authenticate(admin)
    return client


@pytest.fixture
def queue() -> str:
    """A queue of the test's own: no worker of the session consumes it."""
    return f"test-{uuid.uuid4().hex[:8]}"


def queued_job(owner, queue: str, **fields: object) -> Job:  # noqa: ANN001
    return Job.objects.create(owner=owner, kind="train", queue=queue, **fields)

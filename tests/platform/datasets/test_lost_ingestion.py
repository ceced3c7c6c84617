"""An ingestion whose message was lost (Redis restarted, worker killed) is sent again."""

from datetime import timedelta

import pytest
from django.utils import timezone

from neuroyard.datasets import examples
from neuroyard.datasets.models import Dataset
from neuroyard.datasets.services import datasets_resend_stuck
from neuroyard_worker.runtime.dataset_ingest import ingest_dataset
from tests.conftest import npz_upload
from tests.platform.datasets.uploads import post

pytestmark = pytest.mark.django_db


def test_a_dataset_processing_long_after_its_ingestion_was_sent_is_sent_again(api):  # noqa: ANN001
    dataset_id = post(api, npz_upload(**examples.xor())).json()["id"]
    Dataset.objects.filter(id=dataset_id).update(enqueued_at=timezone.now() - timedelta(hours=1))
    fifteen_minutes_ago = timezone.now() - timedelta(minutes=15)

    assert [d.id for d in datasets_resend_stuck(sent_before=fifteen_minutes_ago)] == [
        Dataset.objects.get(id=dataset_id).id
    ]
    assert datasets_resend_stuck(sent_before=fifteen_minutes_ago) == []


def test_a_second_delivery_of_a_settled_ingestion_does_nothing(api):  # noqa: ANN001
    dataset_id = post(api, npz_upload(**examples.xor())).json()["id"]

    assert ingest_dataset(dataset_id) == "ready"
    assert ingest_dataset(dataset_id) == "skipped"
    assert api.get(f"/api/v1/datasets/{dataset_id}/").json()["status"] == "ready"

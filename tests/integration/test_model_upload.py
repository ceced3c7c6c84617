"""Uploaded models on the real stack (Redis, the inference worker process): the upload answers
202 `checking`, the worker loads the file in its sandbox and the model becomes `ready` with what
it found, or `invalid` with the reason; a check whose message was lost is sent again."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from neuroyard.registry.models import TrainedModel
from neuroyard_worker.tasks import reconcile
from tests.conftest import upload_model, wait_for
from tests.platform.registry.trained_models import registered_model

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_good_model_becomes_ready_and_a_bad_one_invalid_saying_why(
    api, inference_worker, adder: Path, unloadable: Path
) -> None:  # noqa: ANN001
    good = upload_model(api, adder, name="adder")
    bad = upload_model(api, unloadable, name="junk weights")

    assert good["status"] == "ready", inference_worker.log()[-3000:]
    assert (good["task"], good["input_shape"], good["output_shape"]) == ("regression", [2], [1])
    assert good["param_count"] == 13
    download = api.get(good["download_url"])
    assert b"".join(download.streaming_content) == adder.read_bytes()
    assert (bad["status"], bad["error_code"]) == ("invalid", "model_invalid")
    assert "Keras could not load the model in safe mode" in bad["error"]
    refused = api.get(bad["download_url"])
    assert refused.status_code == 409 and refused.json()["code"] == "model_not_ready"
    assert bad["error"] in refused.json()["message"]


def test_a_check_whose_message_was_lost_is_sent_again_by_the_reconciler(
    api, user, inference_worker, adder: Path
) -> None:  # noqa: ANN001
    # Registered as an upload is, but its check never sent: as if Redis lost the message.
    model = registered_model(
        user,
        adder,
        source=TrainedModel.Source.UPLOADED,
        status=TrainedModel.Status.CHECKING,
        check_sent_at=timezone.now() - timedelta(hours=1),
        task="",
    )

    assert reconcile()["resent_model_checks"] == 1

    checked = wait_for(
        lambda: (m := api.get(f"/api/v1/models/{model.id}/").json())["status"] != "checking" and m,
        timeout=180,
        every=0.1,
    )
    assert (checked["status"], checked["input_shape"]) == ("ready", [2])

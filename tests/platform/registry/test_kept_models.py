"""trained_model_register keeps one model per job and epoch, and one last (and one best) per
job: a resumed job's new last or best epoch takes the title from an earlier run's."""

from __future__ import annotations

from pathlib import Path

import pytest

from neuroyard.jobs.models import Artifact, Job
from neuroyard.registry.models import TrainedModel
from neuroyard.registry.services import KeptAs, trained_model_register
from tests.platform.registry.trained_models import registered_model
from tests.platform.specs.datasets import ready_dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def keep(user, tmp_path: Path):  # noqa: ANN001, ANN201
    dataset = ready_dataset(user, input_shape=[4], num_classes=2)
    job = Job.objects.create(owner=user, kind="train", queue="gpu", dataset=dataset)
    (tmp_path / "m.keras").write_bytes(b"not read here")

    def register(kept: KeptAs) -> TrainedModel:
        artifact: Artifact = registered_model(user, tmp_path / "m.keras").artifact
        return trained_model_register(
            job=job, artifact=artifact, metrics={}, param_count=1, kept=kept
        )

    return register


def test_the_best_and_the_last_epoch_are_two_models_named_for_their_role(keep) -> None:  # noqa: ANN001
    last = keep(KeptAs(5, is_last=True, is_best=False, monitor="val_loss", monitor_value=2.9))
    best = keep(KeptAs(1, is_last=False, is_best=True, monitor="val_loss", monitor_value=1.0))

    assert last.name.endswith("epoch 5, last") and best.name.endswith("epoch 1, best")
    assert (best.epoch, best.monitor, best.monitor_value) == (1, "val_loss", 1.0)
    assert TrainedModel.objects.filter(job=last.job).count() == 2


def test_a_resumed_job_s_new_last_epoch_takes_the_title(keep) -> None:  # noqa: ANN001
    keep(KeptAs(2, is_last=True, is_best=False))
    keep(KeptAs(1, is_last=False, is_best=True))

    keep(KeptAs(4, is_last=True, is_best=True))
    again = keep(KeptAs(4, is_last=True, is_best=True))  # a redelivery updates, never adds

    rows = {m.epoch: (m.is_last, m.is_best) for m in TrainedModel.objects.filter(job=again.job)}
    assert rows == {2: (False, False), 1: (False, False), 4: (True, True)}

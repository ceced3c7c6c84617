"""Checkpoints mirrored to storage: the latest epoch only, fetched by another host, all removed
when the job ends."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import pytest

from neuroyard_worker.engine.checkpoint import checkpoint_load, checkpoint_save
from neuroyard_worker.runtime.checkpoints import (
    checkpoint_delete,
    checkpoint_download,
    checkpoint_upload,
)

JOB = "4b1c0de5-0000-4000-8000-000000000001"


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:  # noqa: ANN001
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _network() -> keras.Model:
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    return model


def _save(folder: Path, model: keras.Model, epoch: int) -> None:
    history = [{"loss": 1.0 / e} for e in range(1, epoch + 1)]
    checkpoint_save(folder, model, epochs_completed=epoch, history=history, spec_digest="d")


def _stored(media: Path) -> list[str]:
    folder = media / "checkpoints" / JOB
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_storage_keeps_the_latest_epoch_and_another_host_resumes_from_it(
    media: Path, tmp_path: Path
) -> None:
    model = _network()
    model.fit(np.ones((4, 3)), np.ones((4, 2)), verbose=0)
    here = tmp_path / "host-a"
    for epoch in (1, 2):
        _save(here, model, epoch)
        checkpoint_upload(job_id=JOB, local_dir=here)
    assert _stored(media) == ["checkpoint.json", "epoch-00002.npz"]

    there = tmp_path / "host-b"
    assert checkpoint_download(job_id=JOB, local_dir=there)
    resumed = checkpoint_load(there, spec_digest="d", build=_network)
    assert resumed is not None
    assert resumed.epochs_completed == 2
    for mine, theirs in zip(model.weights, resumed.model.weights, strict=True):
        np.testing.assert_array_equal(mine.numpy(), theirs.numpy())
    assert not checkpoint_download(job_id=JOB, local_dir=there)  # already as recent


def test_a_finished_job_leaves_no_checkpoint_in_storage(media: Path, tmp_path: Path) -> None:
    here = tmp_path / "host-a"
    _save(here, _network(), 1)
    checkpoint_upload(job_id=JOB, local_dir=here)
    assert _stored(media)

    checkpoint_delete(job_id=JOB, local_dir=here)

    assert _stored(media) == []
    assert not here.exists()

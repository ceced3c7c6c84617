"""A spec's callbacks steer training: early stopping ends it, a plateau lowers the learning rate."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from neuroyard_core.errors import CodedError
from neuroyard_worker.engine.train import TrainRequest, train
from tests.worker.engine.recording_reporter import RecordingReporter
from tests.worker.example_specs import ADDER


@pytest.fixture(scope="module")
def adder_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    x = np.random.default_rng(0).random((64, 2), dtype=np.float32)
    path = tmp_path_factory.mktemp("data") / "adder.npz"
    np.savez(path, x=x, y=x.sum(axis=1))
    return path


def adder_with(*callbacks: dict[str, Any]) -> dict[str, Any]:
    return ADDER | {"callbacks": list(callbacks)}


def run(spec: dict[str, Any], data: Path, tmp_path: Path, **changes: Any) -> RecordingReporter:
    reporter = RecordingReporter()
    request = TrainRequest(
        spec=spec,
        data_path=data,
        model_path=tmp_path / "model.keras",
        epochs=changes.pop("epochs", 8),
        batch_size=16,
        **changes,
    )
    train(request, reporter)
    return reporter


def test_early_stopping_ends_training_once_the_loss_stalls(
    adder_path: Path, tmp_path: Path
) -> None:
    # No epoch can beat the best by a million: training stops after patience + 1 epochs.
    spec = adder_with(
        {"type": "early_stopping", "monitor": "loss", "min_delta": 1e6, "patience": 2}
    )

    reporter = run(spec, adder_path, tmp_path, epochs=8)

    assert reporter.epoch_numbers == [1, 2, 3]
    assert (tmp_path / "model.keras").exists()


def test_reduce_lr_on_plateau_lowers_the_learning_rate_and_reports_it(
    adder_path: Path, tmp_path: Path
) -> None:
    spec = adder_with(
        {
            "type": "reduce_lr_on_plateau",
            "monitor": "val_loss",
            "min_delta": 1e6,
            "patience": 0,
            "factor": 0.5,
        }
    )

    reporter = run(spec, adder_path, tmp_path, epochs=3, validation_split=0.25)

    rates = [metrics["learning_rate"] for _, metrics in reporter.epochs]
    # Each epoch logs the rate it trained with. Epoch 1 sets the best val_loss; no later epoch
    # beats it by a million, so after epoch 2 and after epoch 3 the rate is halved.
    assert rates == pytest.approx([0.001, 0.001, 0.0005])


def test_watching_validation_metrics_without_validation_data_is_refused(
    adder_path: Path, tmp_path: Path
) -> None:
    spec = adder_with({"type": "early_stopping", "monitor": "val_mae"})

    with pytest.raises(CodedError) as caught:
        run(spec, adder_path, tmp_path)

    # the same rule, code and words as the web's check at submission (neuroyard_core.jobs.checks)
    assert caught.value.code == "invalid_params"
    assert "watch val_mae, which needs validation data" in caught.value.message

"""train() keeps the best epoch by the monitored metric apart from the last one, and a
cancelled run keeps its last checkpointed epoch as a model."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import keras
import numpy as np
import pytest

from neuroyard_core.spec import parse_spec
from neuroyard_worker.engine.kept_epochs import Monitor, monitor_for
from neuroyard_worker.engine.train import TrainRequest, train
from tests.worker.engine.recording_reporter import RecordingReporter
from tests.worker.engine.test_train import digits_path, digits_request  # noqa: F401
from tests.worker.example_specs import network

TWO_CLASSES = network(
    {"type": "Input", "shape": [2]},
    {"type": "Dense", "units": 2, "activation": "softmax"},
    optimizer={"type": "adam", "learning_rate": 0.1},
)


def _stopping(monitor: str, mode: str = "auto") -> dict:
    spec = dict(TWO_CLASSES)
    callback = {"type": "early_stopping", "monitor": monitor, "mode": mode, "patience": 50}
    return spec | {"callbacks": [callback]}


def test_the_monitor_is_early_stoppings_else_val_loss_else_loss() -> None:
    assert monitor_for(None, has_validation=True) == Monitor("val_loss", "min")
    assert monitor_for(None, has_validation=False) == Monitor("loss", "min")
    assert monitor_for(parse_spec(_stopping("val_accuracy")), has_validation=True) == Monitor(
        "val_accuracy", "max"
    )
    assert monitor_for(parse_spec(_stopping("loss", "max")), has_validation=True) == Monitor(
        "loss", "max"
    )


VALIDATION_SAMPLES = 4  # of 32


@pytest.fixture
def worsening_path(tmp_path: Path) -> Path:
    """Validation labels are the training labels swapped: the better the network learns,
    the worse its val_loss, so the best epoch is the first and the last is the worst."""
    x = np.array([[1, 0], [0, 1]] * 16, np.float32)
    y = np.array([0, 1] * 16, np.int64)
    y[-VALIDATION_SAMPLES:] = 1 - y[-VALIDATION_SAMPLES:]  # Keras validates on the last ones
    path = tmp_path / "swapped.npz"
    np.savez(path, x=x, y=y)
    return path


def worsening_request(data: Path, tmp_path: Path, **changes: Any) -> TrainRequest:
    request = TrainRequest(
        spec=TWO_CLASSES,
        data_path=data,
        model_path=tmp_path / "last.keras",
        best_model_path=tmp_path / "best.keras",
        epochs=6,
        batch_size=8,
        validation_split=VALIDATION_SAMPLES / 32,
    )
    return dataclasses.replace(request, **changes)


def test_the_best_epoch_is_kept_apart_when_the_metric_gets_worse(
    worsening_path: Path, tmp_path: Path
) -> None:
    request = worsening_request(worsening_path, tmp_path, epochs=6)

    result = train(request, RecordingReporter())

    losses = [epoch["val_loss"] for epoch in result.history]
    assert losses == sorted(losses)  # it got worse every epoch
    assert result.best is not None and result.best_model_saved
    assert (result.best.epoch, result.best.monitor) == (1, "val_loss")
    assert result.best.value == pytest.approx(losses[0])
    x_val = np.array([[1, 0], [0, 1]] * 2, np.float32)
    y_val = np.array([1, 0] * 2)
    for path, epoch in ((request.best_model_path, 1), (request.model_path, 6)):
        model = keras.saving.load_model(path, safe_mode=True)
        got = model.evaluate(x_val, y_val, verbose=0, return_dict=True)["loss"]
        assert got == pytest.approx(losses[epoch - 1], rel=1e-4)


def test_a_best_epoch_that_is_the_last_is_not_saved_twice(
    digits_path: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    request = digits_request(digits_path, tmp_path, epochs=2, best_model_path=tmp_path / "b.keras")
    request = dataclasses.replace(request, spec=_digits_monitoring(request.spec))

    result = train(request, RecordingReporter())

    assert result.best is not None and result.best.monitor == "val_accuracy"
    best_value = max(epoch["val_accuracy"] for epoch in result.history)
    assert result.best.value == best_value
    if result.best.epoch == 2:
        assert not result.best_model_saved and not (tmp_path / "b.keras").exists()
    else:
        assert result.best_model_saved and (tmp_path / "b.keras").exists()


def _digits_monitoring(spec: dict) -> dict:
    callback = {"type": "early_stopping", "monitor": "val_accuracy", "patience": 10}
    return spec | {"callbacks": [callback]}


def test_a_cancelled_run_keeps_its_last_checkpointed_epoch(
    digits_path: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    checkpoints = tmp_path / "checkpoints"
    request = digits_request(digits_path, tmp_path, epochs=5, checkpoint_dir=checkpoints)
    # 38 batches an epoch: cancelled a few batches into the third epoch
    reporter = RecordingReporter(stop_when=lambda r: len(r.epochs) >= 2 and r.stop_checks > 80)

    result = train(request, reporter)

    assert result.cancelled and result.epochs_completed == 2 and result.model_saved
    saved = keras.saving.load_model(request.model_path, safe_mode=True)
    with np.load(checkpoints / "epoch-00002.npz") as arrays:
        for i, weights in enumerate(saved.get_weights()):
            np.testing.assert_array_equal(weights, arrays[f"model_{i}"])


def test_a_run_cancelled_before_its_first_epoch_keeps_no_model(
    digits_path: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    request = digits_request(digits_path, tmp_path, epochs=5, checkpoint_dir=tmp_path / "c")

    result = train(request, RecordingReporter(stop_when=lambda r: r.stop_checks > 3))

    assert result.cancelled and not result.model_saved
    assert not request.model_path.exists()


def test_a_resumed_run_whose_best_epoch_came_before_keeps_no_best_model(
    worsening_path: Path, tmp_path: Path
) -> None:
    request = worsening_request(
        worsening_path, tmp_path, epochs=4, checkpoint_dir=tmp_path / "checkpoints"
    )
    first = train(request, RecordingReporter(stop_when=lambda r: len(r.epochs) >= 2))
    assert first.cancelled and first.best is not None and first.best.epoch == 1

    resumed = train(request, RecordingReporter())

    # the first epoch stays the best, but its weights went with the earlier run
    assert resumed.resumed_from_epoch == 2
    assert resumed.best is not None and resumed.best.epoch == 1
    assert not resumed.best_model_saved

"""train() with a TensorBoardRequest: an event file with a scalar per metric per epoch and the
run's hyperparameters, read back as TensorBoard reads it; a resumed run has each epoch once."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_digits

from neuroyard_worker.engine.tensorboard import TensorBoardRequest
from neuroyard_worker.engine.train import TrainRequest, train
from tests.tensorboard_files import read_run
from tests.worker.engine.recording_reporter import RecordingReporter, stop_after_epochs
from tests.worker.example_specs import DIGITS_MLP


@pytest.fixture(scope="module")
def digits_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    path = tmp_path_factory.mktemp("data") / "digits.npz"
    np.savez(
        path, x=x[:600], y=digits.target[:600], x_test=x[600:700], y_test=digits.target[600:700]
    )
    return path


def request_for(digits_path: Path, tmp_path: Path, **changes: object) -> TrainRequest:
    request = TrainRequest(
        spec=DIGITS_MLP,
        data_path=digits_path,
        model_path=tmp_path / "model.keras",
        epochs=3,
        batch_size=32,
        validation_split=0.2,
        tensorboard=TensorBoardRequest(
            log_dir=tmp_path / "tb", hparams={"hidden.units": 16}, run_name="trial-4"
        ),
    )
    return dataclasses.replace(request, **changes)


def test_every_epoch_s_metrics_and_the_hyperparameters_are_written(
    digits_path: Path, tmp_path: Path
) -> None:
    result = train(request_for(digits_path, tmp_path), RecordingReporter())

    run = read_run(tmp_path / "tb")
    for name in ["loss", "accuracy", "val_loss", "val_accuracy", "learning_rate"]:
        assert [step for step, _ in run.scalars[name]] == [1, 2, 3]
    for name in ["loss", "accuracy", "val_loss", "val_accuracy"]:
        values = [value for _, value in run.scalars[name]]
        assert values == pytest.approx([metrics[name] for metrics in result.history])
    assert [value for _, value in run.scalars["learning_rate"]] == pytest.approx([1e-3] * 3)
    assert run.hparams == {
        "optimizer": "rmsprop",
        "learning_rate": pytest.approx(1e-3),
        "batch_size": 32,
        "epochs": 3,
        "hidden.units": 16,
    }
    assert run.group == "trial-4"
    assert run.metrics == ["accuracy", "loss", "val_accuracy", "val_loss"]


def test_a_resumed_run_has_each_epoch_once(digits_path: Path, tmp_path: Path) -> None:
    request = request_for(digits_path, tmp_path, epochs=4, checkpoint_dir=tmp_path / "ckpt")
    first = train(request, RecordingReporter(stop_when=stop_after_epochs(2)))
    assert first.cancelled
    assert [step for step, _ in read_run(tmp_path / "tb").scalars["loss"]] == [1, 2]

    second = train(request, RecordingReporter())

    run = read_run(tmp_path / "tb")
    assert [step for step, _ in run.scalars["loss"]] == [1, 2, 3, 4]
    values = [value for _, value in run.scalars["loss"]]
    assert values == pytest.approx([metrics["loss"] for metrics in second.history])
    assert len(list((tmp_path / "tb").iterdir())) == 1  # one event file: the first was replaced


def test_a_learning_rate_schedule_shows_its_steps_and_its_type(
    digits_path: Path, tmp_path: Path
) -> None:
    spec = copy.deepcopy(DIGITS_MLP)
    schedule = {"type": "exponential_decay", "initial_learning_rate": 0.01, "decay_steps": 15,
                "decay_rate": 0.5}  # fmt: skip
    spec["compile"]["optimizer"] = {"type": "sgd", "learning_rate": schedule}

    train(request_for(digits_path, tmp_path, spec=spec, epochs=2), RecordingReporter())

    run = read_run(tmp_path / "tb")
    assert run.hparams["optimizer"] == "sgd"
    assert run.hparams["learning_rate"] == "exponential_decay"
    # 480 training samples, 32 a batch: 15 steps an epoch, the rate halved each epoch
    rates = [value for _, value in run.scalars["learning_rate"]]
    assert rates == pytest.approx([0.005, 0.0025])

"""train(): fits a spec'd network on a canonical NPZ, reports each epoch, can be cancelled,
resumes from checkpoints, and fails with an EngineError a person can read."""

from __future__ import annotations

import copy
import dataclasses
import json
import math
import re
from pathlib import Path
from typing import Any

import keras
import numpy as np
import pytest
from sklearn.datasets import load_digits

from neuroyard_core.errors import CodedError
from neuroyard_worker.engine.errors import EngineError
from neuroyard_worker.engine.train import TrainRequest, TrainResult, train
from tests.worker.engine.recording_reporter import (
    RecordingReporter,
    stop_after_checks,
    stop_after_epochs,
)
from tests.worker.example_specs import DIGITS_MLP, XOR, network

DIGITS_TRAIN_SAMPLES = 1500  # the rest are the test split


@pytest.fixture(scope="module")
def digits_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    y = digits.target.astype(np.int64)
    path = tmp_path_factory.mktemp("data") / "digits.npz"
    n = DIGITS_TRAIN_SAMPLES
    np.savez(path, x=x[:n], y=y[:n], x_test=x[n:], y_test=y[n:])
    return path


def digits_request(digits_path: Path, tmp_path: Path, **changes: Any) -> TrainRequest:
    request = TrainRequest(
        spec=DIGITS_MLP,
        data_path=digits_path,
        model_path=tmp_path / "model.keras",
        epochs=3,
        batch_size=32,
        validation_split=0.2,
        seed=7,
    )
    return dataclasses.replace(request, **changes)


@dataclasses.dataclass(frozen=True)
class DigitsRun:
    request: TrainRequest
    reporter: RecordingReporter
    result: TrainResult


@pytest.fixture(scope="module")
def digits_run(digits_path: Path, tmp_path_factory: pytest.TempPathFactory) -> DigitsRun:
    request = digits_request(digits_path, tmp_path_factory.mktemp("run"))
    reporter = RecordingReporter()
    return DigitsRun(request, reporter, train(request, reporter))


def test_xor_loss_goes_down(tmp_path: Path) -> None:
    path = tmp_path / "xor.npz"
    np.savez(
        path, x=np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32), y=np.array([0, 1, 1, 0])
    )
    reporter = RecordingReporter()

    result = train(
        TrainRequest(
            spec=XOR, data_path=path, model_path=tmp_path / "m.keras", epochs=40, batch_size=4
        ),
        reporter,
    )

    assert result.history[-1]["loss"] < result.history[0]["loss"]
    assert reporter.epoch_numbers == list(range(1, 41))
    assert set(result.history[0]) == {"loss", "accuracy"}  # no validation split, no val_ keys
    assert result.test_metrics is None  # the NPZ has no test split
    assert result.param_count == 9


def test_each_epoch_is_reported_once_with_validation_metrics(digits_run: DigitsRun) -> None:
    reporter = digits_run.reporter

    assert reporter.epoch_numbers == [1, 2, 3]
    for _, metrics in reporter.epochs:
        assert set(metrics) == {"loss", "accuracy", "val_loss", "val_accuracy"}
        assert all(type(value) is float for value in metrics.values())
    assert [metrics for _, metrics in reporter.epochs] == digits_run.result.history


def test_digits_loss_goes_down_and_the_network_learns(digits_run: DigitsRun) -> None:
    history = digits_run.result.history

    assert history[0]["loss"] > history[1]["loss"] > history[2]["loss"]
    assert digits_run.result.test_metrics is not None
    assert digits_run.result.test_metrics["accuracy"] > 0.8


def test_the_result_counts_epochs_and_parameters(digits_run: DigitsRun) -> None:
    result = digits_run.result

    assert (result.epochs_completed, result.cancelled, result.param_count) == (3, False, 38_410)


def test_the_saved_model_loads_safely_and_evaluates_to_the_test_metrics(
    digits_run: DigitsRun, digits_path: Path
) -> None:
    model = keras.saving.load_model(digits_run.request.model_path, safe_mode=True)
    with np.load(digits_path) as data:
        metrics = model.evaluate(
            data["x_test"], data["y_test"], batch_size=32, verbose=0, return_dict=True
        )

    assert metrics == pytest.approx(digits_run.result.test_metrics, abs=1e-6)


def test_the_same_seed_trains_the_same_network(
    digits_run: DigitsRun, digits_path: Path, tmp_path: Path
) -> None:
    again = train(digits_request(digits_path, tmp_path), RecordingReporter())

    assert again.test_metrics == digits_run.result.test_metrics
    assert again.history == digits_run.result.history


def test_training_matches_the_same_network_fitted_directly_with_keras(
    digits_run: DigitsRun, digits_path: Path
) -> None:
    keras.utils.set_random_seed(7)
    model = keras.Sequential(
        [
            keras.Input((64,)),
            keras.layers.Dense(512, activation="relu"),
            keras.layers.Dropout(0.2),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=0.001),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    with np.load(digits_path) as data:
        model.fit(
            data["x"],
            data["y"],
            epochs=3,
            batch_size=32,
            validation_split=0.2,
            shuffle=True,
            verbose=0,
        )
        direct = model.evaluate(data["x_test"], data["y_test"], verbose=0, return_dict=True)

    assert digits_run.result.test_metrics is not None
    assert digits_run.result.test_metrics["accuracy"] == pytest.approx(direct["accuracy"], abs=0.01)


def test_cancelling_mid_epoch_stops_within_a_batch(digits_path: Path, tmp_path: Path) -> None:
    reporter = RecordingReporter(stop_when=stop_after_checks(3))

    result = train(digits_request(digits_path, tmp_path, epochs=50, batch_size=8), reporter)

    assert result.cancelled
    assert reporter.checks_after_stop == 0  # the engine stopped asking: fit ended
    assert reporter.stop_checks == 4  # one check per batch begun
    assert (result.epochs_completed, result.history, reporter.epochs) == (0, [], [])
    assert result.test_metrics is None
    assert not (tmp_path / "model.keras").exists()  # a cancelled run saves no model


def test_cancelling_between_epochs_keeps_the_completed_ones(
    digits_path: Path, tmp_path: Path
) -> None:
    reporter = RecordingReporter(stop_when=stop_after_epochs(1))

    result = train(digits_request(digits_path, tmp_path, epochs=5), reporter)

    assert result.cancelled
    assert reporter.epoch_numbers == [1]
    assert result.epochs_completed == 1 and len(result.history) == 1


def test_a_resumed_run_trains_only_the_remaining_epochs(digits_path: Path, tmp_path: Path) -> None:
    checkpoints = tmp_path / "checkpoints"
    request = digits_request(digits_path, tmp_path, epochs=4, checkpoint_dir=checkpoints)
    first_reporter = RecordingReporter(stop_when=stop_after_epochs(2))
    first = train(request, first_reporter)
    assert first.cancelled and first.epochs_completed == 2
    assert json.loads((checkpoints / "checkpoint.json").read_text())["epochs_completed"] == 2

    second_reporter = RecordingReporter()
    second = train(request, second_reporter)

    assert second_reporter.epoch_numbers == [3, 4]
    assert all(set(metrics) == set(first.history[0]) for metrics in second.history)
    assert (second.cancelled, second.epochs_completed) == (False, 4)
    assert second.history[:2] == first.history
    assert second.history[2:] == [metrics for _, metrics in second_reporter.epochs]
    # The optimizer state came back too: its step count continued from the checkpoint.
    batches_per_epoch = math.ceil(DIGITS_TRAIN_SAMPLES * 0.8 / 32)
    saved = keras.saving.load_model(request.model_path, safe_mode=True)
    assert int(saved.optimizer.iterations.numpy()) == 4 * batches_per_epoch
    assert [path.name for path in checkpoints.glob("epoch-*")] == ["epoch-00004.npz"]


def test_a_finished_run_retried_from_its_checkpoint_trains_nothing_more(
    digits_path: Path, tmp_path: Path
) -> None:
    request = digits_request(digits_path, tmp_path, epochs=1, checkpoint_dir=tmp_path / "ckpt")
    first = train(request, RecordingReporter())
    reporter = RecordingReporter()

    again = train(request, reporter)

    assert reporter.epochs == []
    assert again.epochs_completed == 1 and again.history == first.history
    assert again.test_metrics == pytest.approx(first.test_metrics)


def test_a_checkpoint_of_another_network_is_not_resumed(digits_path: Path, tmp_path: Path) -> None:
    checkpoints = tmp_path / "checkpoints"
    train(
        digits_request(digits_path, tmp_path, epochs=1, checkpoint_dir=checkpoints),
        RecordingReporter(),
    )
    other_spec = copy.deepcopy(DIGITS_MLP)
    other_spec["layers"][1]["units"] = 32

    with pytest.raises(EngineError) as caught:
        train(
            digits_request(digits_path, tmp_path, spec=other_spec, checkpoint_dir=checkpoints),
            RecordingReporter(),
        )

    assert caught.value.code == "checkpoint_mismatch"


def poisoned_digits(tmp_path: Path) -> Path:
    """Digits with one infinite sample: its batch makes the loss or the weights NaN."""
    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    x[100] = np.inf
    path = tmp_path / "poisoned.npz"
    np.savez(path, x=x, y=digits.target)
    return path


def test_a_loss_turning_nan_raises_loss_nan_saying_where(tmp_path: Path) -> None:
    spec = copy.deepcopy(DIGITS_MLP)
    spec["layers"][1]["activation"] = "tanh"  # tanh(NaN) is NaN, so NaN reaches the loss
    reporter = RecordingReporter()

    with pytest.raises(EngineError) as caught:
        train(digits_request(poisoned_digits(tmp_path), tmp_path, spec=spec), reporter)

    assert caught.value.code == "loss_nan"
    assert re.fullmatch(r"loss became NaN at epoch 1, batch \d+", caught.value.message)
    assert reporter.epochs == []  # the poisoned epoch is not reported


def test_a_poisoned_relu_network_raises_loss_nan(tmp_path: Path) -> None:
    """ReLU may map the NaN to 0 before the loss (then the weights check catches it) or not
    (then the loss does), depending on the kernel that runs it; either way the job fails."""
    reporter = RecordingReporter()

    with pytest.raises(EngineError) as caught:
        train(digits_request(poisoned_digits(tmp_path), tmp_path), reporter)

    assert caught.value.code == "loss_nan"
    assert re.fullmatch(
        r"weights became NaN or infinite during epoch 1|loss became NaN at epoch 1, batch \d+",
        caught.value.message,
    )
    assert reporter.epochs == []


def test_a_diverging_optimizer_raises_loss_nan(digits_path: Path, tmp_path: Path) -> None:
    with np.load(digits_path) as data:
        unnormalised = tmp_path / "unnormalised.npz"
        np.savez(unnormalised, x=data["x"] * 1e4, y=data["y"].astype(np.float32))
    regression = network(
        {"type": "Input", "shape": [64]},
        {"type": "Dense", "units": 64, "activation": "relu"},
        {"type": "Dense", "units": 1},
        loss="mse",
        optimizer={"type": "sgd", "learning_rate": 10.0},
        metrics=(),
    )

    with pytest.raises(EngineError) as caught:
        train(digits_request(unnormalised, tmp_path, spec=regression), RecordingReporter())

    assert caught.value.code == "loss_nan"


def test_data_of_another_shape_is_spec_incompatible(digits_path: Path, tmp_path: Path) -> None:
    spec = copy.deepcopy(DIGITS_MLP)
    spec["layers"][0]["shape"] = [8, 8]
    spec["layers"].insert(1, {"type": "Flatten"})

    with pytest.raises(EngineError) as caught:
        train(digits_request(digits_path, tmp_path, spec=spec), RecordingReporter())

    assert caught.value.code == "spec_incompatible"
    assert caught.value.message == (
        "the network takes samples of shape (8, 8), but 'x' holds samples of shape (64,)"
    )


def test_an_invalid_spec_is_spec_invalid(digits_path: Path, tmp_path: Path) -> None:
    spec = copy.deepcopy(DIGITS_MLP)
    spec["layers"][1]["units"] = 0

    with pytest.raises(EngineError) as caught:
        train(digits_request(digits_path, tmp_path, spec=spec), RecordingReporter())

    assert caught.value.code == "spec_invalid"
    assert caught.value.message == "layers[1] (Dense): units must be a positive integer, got 0"


def test_a_validation_split_leaving_no_training_data_is_invalid_params(tmp_path: Path) -> None:
    path = tmp_path / "tiny.npz"
    np.savez(path, x=np.ones((1, 64), np.float32), y=np.array([3]))

    with pytest.raises(CodedError) as caught:
        train(digits_request(path, tmp_path, validation_split=0.2), RecordingReporter())

    # the same rule, code and words as the web's check at submission (neuroyard_core.jobs.checks)
    assert caught.value.code == "invalid_params"
    assert caught.value.message == (
        "validation_split 0.2 of 1 samples leaves 0 for training and 1 for validation; "
        "both need at least one."
    )


def test_shape_errors_the_checks_miss_still_read_as_spec_incompatible(
    digits_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("neuroyard_worker.engine.train.check_shapes_fit", lambda *args: None)
    spec = copy.deepcopy(DIGITS_MLP)
    spec["layers"][0]["shape"] = [32]

    with pytest.raises(EngineError) as caught:
        train(digits_request(digits_path, tmp_path, spec=spec), RecordingReporter())

    assert caught.value.code == "spec_incompatible"
    assert caught.value.message.startswith("the data does not fit the network: Input 0 ")
    assert "expected axis -1 of input shape to have value 32" in caught.value.message
    assert "\n" not in caught.value.message


def test_a_failing_reporter_fails_the_run_with_its_own_error(
    digits_path: Path, tmp_path: Path
) -> None:
    class BrokenReporter(RecordingReporter):
        def epoch_ended(self, epoch: int, metrics: dict[str, float]) -> None:
            raise ValueError("progress store is down")

    with pytest.raises(ValueError, match="progress store is down"):
        train(digits_request(digits_path, tmp_path), BrokenReporter())


def test_a_dataset_larger_than_the_memory_budget_trains_from_its_shards(
    digits_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db: Any
) -> None:
    from neuroyard_core.formats.options import IngestOptions
    from neuroyard_worker.ingestion.convert import convert

    folder = convert(digits_path, tmp_path / "digits", format="npz", options=IngestOptions()).folder
    monkeypatch.setattr("neuroyard_worker.engine.data.in_memory_budget", lambda: 0)
    reporter = RecordingReporter()

    result = train(digits_request(digits_path, tmp_path, data_path=folder, epochs=4), reporter)

    assert reporter.epoch_numbers == [1, 2, 3, 4]
    assert "val_accuracy" in reporter.epochs[-1][1]
    assert result.test_metrics is not None and result.test_metrics["accuracy"] > 0.85

"""Batch prediction: the same answers and accuracy as Keras' own predict and evaluate, read
and written a batch at a time, with the metrics a classification report needs."""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path
from typing import Any

import keras
import numpy as np
import pytest
from PIL import Image
from sklearn.datasets import load_digits

from neuroyard.core.errors import DomainError
from neuroyard_core.errors import CodedError
from neuroyard_core.formats.options import IngestOptions
from neuroyard_worker.engine import infer as infer_module
from neuroyard_worker.engine.errors import EngineError
from neuroyard_worker.engine.infer import PredictRequest, predict
from neuroyard_worker.ingestion.convert import convert
from tests.platform.registry.trained_models import digits_mlp

TRAIN = 1400


@pytest.fixture(scope="module")
def digits() -> dict[str, np.ndarray]:
    data = load_digits()
    x = (data.data / 16.0).astype(np.float32)
    y = data.target.astype(np.int64)
    return {"x": x[:TRAIN], "y": y[:TRAIN], "x_test": x[TRAIN:], "y_test": y[TRAIN:]}


@pytest.fixture(scope="module")
def digits_folder(digits: dict[str, np.ndarray], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The digits as ingestion stores them: manifest.json and .npy shards (several per split)."""
    folder = tmp_path_factory.mktemp("digits")
    np.savez(folder / "digits.npz", **digits)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("neuroyard_worker.ingestion.writer.SHARD_BYTES", 64 * 1024)
        return convert(
            folder / "digits.npz", folder / "data", format="npz", options=IngestOptions()
        ).folder


@pytest.fixture(scope="module")
def digits_model(digits: dict[str, np.ndarray], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return digits_mlp(tmp_path_factory.mktemp("model") / "digits.keras", digits, epochs=4)


def request_for(model: Path, data: Path, out: Path, **changes: Any) -> PredictRequest:
    return dataclasses.replace(
        PredictRequest(model_path=model, data_path=data, out_dir=out, batch_size=64), **changes
    )


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_accuracy_on_the_held_out_test_split_equals_keras_evaluate(
    digits: dict[str, np.ndarray], digits_folder: Path, digits_model: Path, tmp_path: Path
) -> None:
    model = keras.saving.load_model(digits_model)
    _, keras_accuracy = model.evaluate(digits["x_test"], digits["y_test"], verbose=0)

    result = predict(request_for(digits_model, digits_folder, tmp_path))

    assert result.splits == ["test"] and result.task == "classification"
    assert result.samples == len(digits["x_test"])
    assert result.metrics["accuracy"] == pytest.approx(keras_accuracy, abs=1e-6)
    matrix = np.array(result.metrics["confusion_matrix"])
    assert matrix.shape == (10, 10) and matrix.sum() == len(digits["x_test"])
    assert np.trace(matrix) / matrix.sum() == pytest.approx(keras_accuracy, abs=1e-6)


def test_predictions_equal_keras_predict_in_the_csv_and_the_npz(
    digits: dict[str, np.ndarray], digits_folder: Path, digits_model: Path, tmp_path: Path
) -> None:
    expected = keras.saving.load_model(digits_model).predict(digits["x_test"], verbose=0)

    result = predict(request_for(digits_model, digits_folder, tmp_path, top_k=3))

    assert result.npz_path is not None and result.csv_path is not None
    with np.load(result.npz_path, allow_pickle=False) as npz:
        assert np.array_equal(npz["predicted"], expected.argmax(axis=1))
        np.testing.assert_allclose(npz["probabilities"], expected, rtol=1e-5, atol=1e-6)
        assert npz["top_k_indices"].shape == (len(expected), 3)
        assert np.array_equal(npz["labels"], digits["y_test"])
        assert list(npz["class_names"]) == [str(i) for i in range(10)]
    rows = read_csv(result.csv_path)
    assert len(rows) == len(expected)
    first = rows[0]
    assert first["true_label"] == str(digits["y_test"][0])
    assert first["predicted_label"] == first["top_1_label"] == str(expected[0].argmax())
    assert float(first["top_1_probability"]) == pytest.approx(expected[0].max(), rel=1e-5)
    assert float(first["top_1_probability"]) >= float(first["top_3_probability"])


def test_the_report_has_top_5_accuracy_and_precision_and_recall_per_class(
    digits: dict[str, np.ndarray], digits_folder: Path, digits_model: Path, tmp_path: Path
) -> None:
    probabilities = keras.saving.load_model(digits_model).predict(digits["x_test"], verbose=0)
    top5 = np.argsort(-probabilities, axis=1)[:, :5]
    predicted = probabilities.argmax(axis=1)
    truth = digits["y_test"]

    metrics = predict(request_for(digits_model, digits_folder, tmp_path)).metrics

    assert metrics["top_5_accuracy"] == pytest.approx((top5 == truth[:, None]).any(axis=1).mean())
    seven = metrics["per_class"][7]
    assert seven["class"] == "7"
    assert seven["precision"] == pytest.approx((truth[predicted == 7] == 7).mean())
    assert seven["recall"] == pytest.approx((predicted[truth == 7] == 7).mean())
    assert seven["support"] == int((truth == 7).sum())


def test_the_confusion_matrix_picture_is_a_png(
    digits_folder: Path, digits_model: Path, tmp_path: Path
) -> None:
    result = predict(request_for(digits_model, digits_folder, tmp_path))

    assert result.confusion_matrix_path is not None
    with Image.open(result.confusion_matrix_path) as picture:
        assert picture.format == "PNG" and min(picture.size) > 100


def test_samples_are_read_a_batch_at_a_time_and_progress_is_reported(
    digits_folder: Path, digits_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows_read: list[int] = []
    real_load_shard = infer_module.load_shard

    def counting_load_shard(*args: Any) -> tuple[np.ndarray, np.ndarray]:
        x, y = real_load_shard(*args)
        rows_read.append(len(x))
        return x, y

    monkeypatch.setattr(infer_module, "load_shard", counting_load_shard)
    steps: list[tuple[int, int]] = []

    result = predict(
        request_for(digits_model, digits_folder, tmp_path, split="all", batch_size=50),
        on_step=lambda step, total, values: steps.append((step, total)),
    )

    assert result.samples == len(load_digits().target) == sum(rows_read)
    assert max(rows_read) <= 50
    assert steps[-1][0] == steps[-1][1] == len(rows_read)


def test_a_cancelled_prediction_stops_before_the_next_batch(
    digits_folder: Path, digits_model: Path, tmp_path: Path
) -> None:
    asked: list[int] = []

    def stop() -> bool:
        asked.append(1)
        return len(asked) > 2

    result = predict(
        request_for(digits_model, digits_folder, tmp_path, batch_size=10), stop_requested=stop
    )

    assert result.cancelled


def test_labels_are_matched_to_the_model_s_classes_by_name(
    digits_model: Path, tmp_path: Path
) -> None:
    """A test file holding only some classes numbers them 0..n-1 on ingestion; they are
    mapped back to the model's classes by name."""
    data = load_digits()
    keep = np.isin(data.target, [3, 8])
    x, y = (data.data[keep] / 16.0).astype(np.float32), data.target[keep]
    np.savez(tmp_path / "some.npz", x=x, y=y)
    folder = convert(
        tmp_path / "some.npz", tmp_path / "some", format="npz", options=IngestOptions()
    ).folder
    probabilities = keras.saving.load_model(digits_model).predict(x, verbose=0)
    names = tuple(str(i) for i in range(10))

    result = predict(request_for(digits_model, folder, tmp_path / "out", class_names=names))

    assert result.metrics["accuracy"] == pytest.approx((probabilities.argmax(axis=1) == y).mean())
    matrix = np.array(result.metrics["confusion_matrix"])
    assert matrix.sum() == len(y) and matrix[3].sum() == (y == 3).sum()


def test_a_regression_model_gives_values_and_errors(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    x = rng.random((300, 2), dtype=np.float32)
    y = x.sum(axis=1)
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.1), loss="mse")
    model.fit(x, y, epochs=30, verbose=0)
    model.save(tmp_path / "adder.keras")
    np.savez(tmp_path / "adder.npz", x=x[:200], y=y[:200], x_test=x[200:], y_test=y[200:])
    folder = convert(
        tmp_path / "adder.npz", tmp_path / "adder", format="npz", options=IngestOptions()
    ).folder
    expected = model.predict(x[200:], verbose=0)[:, 0]

    result = predict(request_for(tmp_path / "adder.keras", folder, tmp_path / "out"))

    assert result.task == "regression"
    assert result.metrics["mae"] == pytest.approx(np.abs(expected - y[200:]).mean(), rel=1e-4)
    assert result.csv_path is not None
    rows = read_csv(result.csv_path)
    assert float(rows[0]["value"]) == pytest.approx(expected[0], rel=1e-4)
    assert float(rows[0]["target"]) == pytest.approx(y[200], rel=1e-5)


def test_samples_of_another_shape_than_the_model_takes_are_data_invalid(
    digits_model: Path, tmp_path: Path
) -> None:
    np.savez(tmp_path / "wide.npz", x=np.ones((20, 65), np.float32), y=np.arange(20) % 2)
    folder = convert(
        tmp_path / "wide.npz", tmp_path / "wide", format="npz", options=IngestOptions()
    ).folder

    with pytest.raises(EngineError) as caught:
        predict(request_for(digits_model, folder, tmp_path / "out"))

    assert caught.value.code == "data_invalid"
    assert "shape [65]" in caught.value.message and "[64]" in caught.value.message


def test_a_file_that_is_no_model_is_model_unreadable(digits_folder: Path, tmp_path: Path) -> None:
    (tmp_path / "model.keras").write_bytes(b"not a zip")

    with pytest.raises(CodedError) as caught:
        predict(request_for(tmp_path / "model.keras", digits_folder, tmp_path / "out"))

    assert caught.value.code == "model_unreadable"


def test_a_split_the_data_lacks_is_data_invalid(
    digits: dict[str, np.ndarray], digits_model: Path, tmp_path: Path
) -> None:
    np.savez(tmp_path / "plain.npz", x=digits["x"], y=digits["y"])

    with pytest.raises(EngineError, match="no validation split"):
        predict(
            request_for(digits_model, tmp_path / "plain.npz", tmp_path / "out", split="validation")
        )


PREDICT = IngestOptions(purpose="predict", task="classification")


def test_samples_without_labels_get_predictions_and_no_metrics(
    digits: dict[str, np.ndarray], digits_model: Path, tmp_path: Path
) -> None:
    np.savez(tmp_path / "new.npz", x=digits["x_test"])
    converted = convert(tmp_path / "new.npz", tmp_path / "new", format="npz", options=PREDICT)
    assert converted.manifest.labelled is False
    expected = keras.saving.load_model(digits_model).predict(digits["x_test"], verbose=0)

    result = predict(request_for(digits_model, converted.folder, tmp_path / "out", split="all"))

    assert result.labelled is False and result.metrics == {}
    assert result.confusion_matrix_path is None
    assert result.csv_path is not None
    rows = read_csv(result.csv_path)
    assert "true_label" not in rows[0]
    assert [int(r["predicted_label"]) for r in rows] == expected.argmax(axis=1).tolist()


def test_a_table_without_its_label_column_is_inputs_to_predict(tmp_path: Path) -> None:
    (tmp_path / "new.csv").write_text("a,b\n1,2\n3,4\n5,6\n")

    converted = convert(tmp_path / "new.csv", tmp_path / "new", format="csv", options=PREDICT)

    assert converted.manifest.labelled is False
    assert converted.manifest.splits["train"].samples == 3
    assert converted.preview["columns"] == ["a", "b"]
    assert converted.preview["rows"][2] == [5.0, 6.0]


def test_texts_without_labels_are_inputs_to_predict(tmp_path: Path) -> None:
    (tmp_path / "new.csv").write_text("text\nwhat a film\nnot for me\n")

    converted = convert(tmp_path / "new.csv", tmp_path / "new", format="text_csv", options=PREDICT)

    assert converted.manifest.labelled is False
    assert converted.preview["columns"] == ["text"]
    assert "label_column" not in converted.manifest.preprocessing


def test_training_data_still_needs_labels_and_enough_of_each_class(tmp_path: Path) -> None:
    np.savez(tmp_path / "x.npz", x=np.ones((12, 3), np.float32))
    with pytest.raises(DomainError) as caught:
        convert(tmp_path / "x.npz", tmp_path / "x", format="npz", options=IngestOptions())
    assert caught.value.code == "dataset_missing_array"

    np.savez(tmp_path / "one.npz", x=np.ones((3, 3), np.float32), y=np.zeros(3, np.int64))
    with pytest.raises(DomainError) as caught:
        convert(tmp_path / "one.npz", tmp_path / "one", format="npz", options=IngestOptions())
    assert caught.value.code == "dataset_bad_labels"
    # ...while three labelled samples of one class are fine to predict
    converted = convert(tmp_path / "one.npz", tmp_path / "p", format="npz", options=PREDICT)
    assert converted.manifest.labelled is True


def test_a_model_is_never_trained_on_samples_without_labels(tmp_path: Path) -> None:
    from neuroyard_worker.engine.training_data import open_training_data

    np.savez(tmp_path / "new.npz", x=np.ones((4, 3), np.float32))
    converted = convert(tmp_path / "new.npz", tmp_path / "new", format="npz", options=PREDICT)

    with pytest.raises(EngineError) as caught:
        open_training_data(converted.folder)
    assert caught.value.code == "data_invalid"


def _pictures(tmp_path: Path, names: list[str]) -> Path:
    import zipfile

    path = tmp_path / "pictures.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for i, name in enumerate(names):
            png = io.BytesIO()
            Image.fromarray(np.full((8, 8), 20 * i, np.uint8), "L").save(png, "PNG")
            archive.writestr(name, png.getvalue())
    return path


@pytest.mark.parametrize(
    ("names", "labelled"),
    [
        (["a.png", "b.png", "c.png"], False),  # at the top of the archive
        (["new/a.png", "new/b.png"], False),  # all in one folder
        (["cat/a.png", "dog/b.png"], True),  # a folder per class
    ],
)
def test_pictures_to_predict_need_class_folders_only_to_be_labelled(
    tmp_path: Path, names: list[str], labelled: bool
) -> None:
    source = _pictures(tmp_path, names)

    converted = convert(source, tmp_path / "out", format="image_folder", options=PREDICT)

    assert converted.manifest.labelled is labelled
    assert converted.manifest.splits["train"].samples == len(names)
    assert converted.manifest.sample_shape == [8, 8, 1]


def test_the_f1_per_class_and_macro_equal_scikit_learns(
    digits: dict[str, np.ndarray], digits_folder: Path, digits_model: Path, tmp_path: Path
) -> None:
    from sklearn.metrics import f1_score

    predicted = keras.saving.load_model(digits_model).predict(digits["x_test"], verbose=0)
    expected = f1_score(digits["y_test"], predicted.argmax(axis=1), average=None)

    metrics = predict(request_for(digits_model, digits_folder, tmp_path)).metrics

    np.testing.assert_allclose([c["f1"] for c in metrics["per_class"]], expected, rtol=1e-9)
    assert metrics["macro_f1"] == pytest.approx(expected.mean())
    assert "mistakes" not in metrics  # flat samples are no pictures

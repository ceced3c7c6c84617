"""Exports: the SavedModel and the TFLite model give the Keras model's own answers."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

from neuroyard_core.errors import CodedError
from neuroyard_worker.engine.export import ExportRequest, export


@pytest.fixture(scope="module")
def model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((6,)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )
    path = tmp_path_factory.mktemp("model") / "m.keras"
    model.save(path)
    return path


X = np.random.default_rng(0).random((4, 6), dtype=np.float32)


def test_the_savedmodel_zip_unpacks_to_one_folder_that_serves_the_same_outputs(
    model_path: Path, tmp_path: Path
) -> None:
    out = export(
        ExportRequest(model_path=model_path, format="savedmodel", out_path=tmp_path / "m.zip")
    )

    with zipfile.ZipFile(out) as archive:
        assert all(name.startswith("savedmodel/") for name in archive.namelist())
        archive.extractall(tmp_path / "unpacked")
    loaded = tf.saved_model.load(str(tmp_path / "unpacked" / "savedmodel"))
    served = loaded.serve(X).numpy()
    expected = keras.saving.load_model(model_path).predict(X, verbose=0)
    np.testing.assert_allclose(served, expected, rtol=1e-5, atol=1e-6)


def test_the_tflite_model_gives_the_same_outputs(model_path: Path, tmp_path: Path) -> None:
    out = export(
        ExportRequest(model_path=model_path, format="tflite", out_path=tmp_path / "m.tflite")
    )

    interpreter = tf.lite.Interpreter(model_content=out.read_bytes())
    interpreter.resize_tensor_input(interpreter.get_input_details()[0]["index"], X.shape)
    interpreter.allocate_tensors()
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], X)
    interpreter.invoke()
    got = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
    expected = keras.saving.load_model(model_path).predict(X, verbose=0)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_a_file_that_is_no_model_is_model_unreadable(tmp_path: Path) -> None:
    (tmp_path / "bad.keras").write_bytes(b"junk")

    with pytest.raises(CodedError) as caught:
        export(
            ExportRequest(
                model_path=tmp_path / "bad.keras", format="tflite", out_path=tmp_path / "x"
            )
        )

    assert caught.value.code == "model_unreadable"


def test_run_as_a_process_it_says_why_it_failed_on_its_last_line(tmp_path: Path) -> None:
    (tmp_path / "bad.keras").write_bytes(b"junk")

    done = subprocess.run(
        [sys.executable, "-m", "neuroyard_worker.engine.export", str(tmp_path / "bad.keras"),
         str(tmp_path / "out"), "tflite"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip

    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1].startswith("model_unreadable: model.keras is not")

"""Exports on a real inference worker: the first download asks for the conversion (202), the
worker converts in a child process, then the download is a TFLite model or a SavedModel that
answers as the Keras model does; a model that cannot be converted answers 409."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.conftest import digits_arrays, wait_for
from tests.platform.registry.trained_models import digits_mlp, registered_model

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def converted(api: Any, url: str, status: int = 200) -> Any:
    first = api.get(url)
    assert first.status_code == 202, first.content
    return wait_for(lambda: (r := api.get(url)).status_code == status and r, timeout=180, every=0.5)


def test_tflite_and_savedmodel_downloads_answer_as_the_keras_model(
    api, user, inference_worker, tmp_path: Path
) -> None:  # noqa: ANN001
    import keras
    import tensorflow as tf

    arrays = digits_arrays()
    path = digits_mlp(tmp_path / "digits.keras", arrays)
    model = registered_model(user, path, input_shape=[64])
    x = arrays["x_test"][:1]
    expected = keras.saving.load_model(path).predict(x, verbose=0)
    url = f"/api/v1/models/{model.id}/download/?format="

    tflite = b"".join(converted(api, url + "tflite").streaming_content)
    savedmodel = b"".join(converted(api, url + "savedmodel").streaming_content)

    interpreter = tf.lite.Interpreter(model_content=tflite)
    interpreter.allocate_tensors()
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], x)
    interpreter.invoke()
    got = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    zipfile.ZipFile(io.BytesIO(savedmodel)).extractall(tmp_path / "unpacked")
    loaded = tf.saved_model.load(str(tmp_path / "unpacked" / "savedmodel"))
    np.testing.assert_allclose(loaded.serve(x).numpy(), expected, rtol=1e-5, atol=1e-6)


def test_a_model_that_cannot_be_converted_answers_409_saying_why(
    api, user, inference_worker, tmp_path: Path
) -> None:  # noqa: ANN001
    (tmp_path / "junk.keras").write_bytes(b"not a keras file")
    model = registered_model(user, tmp_path / "junk.keras")

    failed = converted(api, f"/api/v1/models/{model.id}/download/?format=tflite", status=409)

    assert failed.json()["code"] == "export_failed"
    assert "is not a .keras file" in failed.json()["message"]  # the load check's words

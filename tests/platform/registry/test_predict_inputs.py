"""Synchronous prediction inputs are raw, as the training data was before ingestion: the web
turns them into what the network takes, or answers 400 naming the bad input, before anything
is queued."""

from __future__ import annotations

import base64
import io
import uuid
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from rest_framework.test import APIClient

from neuroyard.core.errors import DomainError
from neuroyard.registry.models import TrainedModel
from neuroyard.registry.prediction_inputs import prediction_inputs
from tests.platform.registry.trained_models import registered_model

pytestmark = pytest.mark.django_db

TEXT_STEPS = {
    "kind": "text",
    "sequence_length": 5,
    "vocabulary": ["", "[UNK]", "the", "cat", "sat"],
}
TABLE_STEPS = {"kind": "table", "columns": ["height", "weight"], "label_column": "kind"}
IMAGE_STEPS = {"kind": "image", "image_size": [4, 6], "color_mode": "rgb", "scale": 1 / 255}


def model_with(user, tmp_path: Path, **fields) -> TrainedModel:  # noqa: ANN001, ANN003
    (tmp_path / "m.keras").write_bytes(b"a model file")
    return registered_model(user, tmp_path / "m.keras", **fields)


def png_base64(pixels: np.ndarray) -> str:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def refusal(model: TrainedModel, samples: object) -> DomainError:
    with pytest.raises(DomainError) as caught:
        prediction_inputs(model=model, samples=samples)
    return caught.value


def test_numbers_go_in_as_given_in_float32(user, tmp_path: Path) -> None:  # noqa: ANN001
    model = model_with(user, tmp_path, input_shape=[2, 2])

    x = prediction_inputs(model=model, samples=[[[1, 2], [3, 4.5]]])

    assert x.dtype == np.float32 and x.tolist() == [[[1, 2], [3, 4.5]]]


def test_text_is_tokenised_and_numbered_by_the_model_s_vocabulary(user, tmp_path: Path) -> None:  # noqa: ANN001
    model = model_with(user, tmp_path, input_shape=[5], preprocessing=TEXT_STEPS)

    x = prediction_inputs(model=model, samples=["The cat, the DOG!", "sat " * 9])

    assert x.dtype == np.int32
    assert x.tolist() == [[2, 3, 2, 1, 0], [4, 4, 4, 4, 4]]


def test_table_rows_are_taken_by_column_name_or_in_order(user, tmp_path: Path) -> None:  # noqa: ANN001
    model = model_with(user, tmp_path, input_shape=[2], preprocessing=TABLE_STEPS)

    x = prediction_inputs(model=model, samples=[{"weight": 70, "height": 1.8}, [1.6, 55]])

    np.testing.assert_allclose(x, [[1.8, 70], [1.6, 55]], rtol=1e-6)


def test_a_table_row_missing_a_column_names_the_columns(user, tmp_path: Path) -> None:  # noqa: ANN001
    model = model_with(user, tmp_path, input_shape=[2], preprocessing=TABLE_STEPS)

    error = refusal(model, [{"height": 1.8, "age": 3}])

    assert error.code == "input_shape_mismatch"
    assert "missing: weight" in error.message and "unknown: age" in error.message


def test_images_are_resized_to_the_model_s_size_and_scaled(user, tmp_path: Path) -> None:  # noqa: ANN001
    model = model_with(user, tmp_path, input_shape=[4, 6, 3], preprocessing=IMAGE_STEPS)
    pixels = np.full((8, 12, 3), 255, np.uint8)

    x = prediction_inputs(model=model, samples=[f"data:image/png;base64,{png_base64(pixels)}"])

    assert x.shape == (1, 4, 6, 3)
    np.testing.assert_allclose(x, 1.0, rtol=1e-6)


def test_pixel_arrays_at_the_model_s_size_are_scaled_like_images(user, tmp_path: Path) -> None:  # noqa: ANN001
    model = model_with(user, tmp_path, input_shape=[4, 6, 3], preprocessing=IMAGE_STEPS)

    x = prediction_inputs(model=model, samples=[np.full((4, 6, 3), 51).tolist()])

    np.testing.assert_allclose(x, 0.2, rtol=1e-6)


@pytest.mark.parametrize(
    ("steps", "samples", "code", "words"),
    [
        ({}, [[1, 2, 3]], "input_shape_mismatch", "has shape [3]; the model takes [2, 2]"),
        ({}, [[[1, 2], [3]]], "input_shape_mismatch", "not a regular array"),
        ({}, [["a", "b"]], "input_not_numeric", "expected numbers, got text"),
        ({}, [], "invalid_input", "at least one input"),
        (TEXT_STEPS, [42], "input_not_text", "send a string"),
        (IMAGE_STEPS, ["bm90IGFuIGltYWdl"], "image_invalid", "not a readable image"),
        (IMAGE_STEPS, ["%%%"], "image_invalid", "not base64"),
        (IMAGE_STEPS, [[[0, 1]]], "input_shape_mismatch", "send the image itself"),
    ],
)
def test_bad_inputs_are_refused_naming_the_sample(
    user, tmp_path: Path, steps: dict, samples: list, code: str, words: str
) -> None:  # noqa: ANN001
    model = model_with(user, tmp_path, input_shape=[2, 2], preprocessing=steps)

    error = refusal(model, samples)

    assert error.code == code and words in error.message, error.message


# --- through the API (the refusals come before anything is queued) --------------------------


def predict_url(model: TrainedModel) -> str:
    return f"/api/v1/models/{model.id}/predict/"


def test_too_many_inputs_answer_400_saying_the_limit(api, user, tmp_path: Path, settings) -> None:  # noqa: ANN001
    settings.NEUROYARD_PREDICT_MAX_INPUTS = 3
    model = model_with(user, tmp_path, input_shape=[1])

    response = api.post(predict_url(model), {"inputs": [[1]] * 4}, format="json")

    assert response.status_code == 400 and response.json()["code"] == "too_many_inputs"
    assert "at most 3" in response.json()["message"]


def test_a_request_over_the_size_limit_answers_413(api, user, tmp_path: Path, settings) -> None:  # noqa: ANN001
    settings.NEUROYARD_PREDICT_MAX_BYTES = 100
    model = model_with(user, tmp_path, input_shape=[64])

    response = api.post(predict_url(model), {"inputs": [[0.5] * 64]}, format="json")

    assert response.status_code == 413 and response.json()["code"] == "too_large"


def test_an_uploaded_file_for_a_model_not_trained_on_images_answers_400(
    api, user, tmp_path: Path
) -> None:  # noqa: ANN001
    model = model_with(user, tmp_path, input_shape=[64])
    upload = io.BytesIO(base64.b64decode(png_base64(np.zeros((4, 4, 3), np.uint8))))
    upload.name = "x.png"

    response = api.post(predict_url(model), {"image": upload}, format="multipart")

    assert response.status_code == 400 and "not trained on images" in response.json()["message"]


def test_someone_else_s_model_is_not_found(other_api, user, tmp_path: Path) -> None:  # noqa: ANN001
    model = model_with(user, tmp_path, input_shape=[1])

    response = other_api.post(predict_url(model), {"inputs": [[1]]}, format="json")

    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_predicting_needs_a_login(user, tmp_path: Path) -> None:  # noqa: ANN001
    model = model_with(user, tmp_path, input_shape=[1])

    response = APIClient().post(predict_url(model), {"inputs": [[1]]}, format="json")

    assert response.status_code in (401, 403)


def test_a_session_login_needs_the_csrf_token(user, tmp_path: Path) -> None:  # noqa: ANN001
    model = model_with(user, tmp_path, input_shape=[1])
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post(predict_url(model), {"inputs": [[1]]}, format="json")

    assert response.status_code == 403 and "CSRF" in response.json()["message"]


def test_an_unknown_prediction_is_not_found(api, user, tmp_path: Path) -> None:  # noqa: ANN001
    model = model_with(user, tmp_path, input_shape=[1])

    response = api.get(f"/api/v1/models/{model.id}/predictions/{uuid.uuid4()}/")

    assert response.status_code == 404


def test_a_trained_model_keeps_the_preprocessing_of_its_training_data(user, tmp_path: Path) -> None:  # noqa: ANN001
    from neuroyard.jobs.models import Job
    from neuroyard.registry.services import trained_model_register
    from tests.platform.specs.datasets import ready_dataset

    dataset = ready_dataset(user, input_shape=[4, 6, 3], num_classes=2)
    dataset.stats["preprocessing"] = IMAGE_STEPS
    dataset.save()
    job = Job.objects.create(owner=user, kind="train", queue="gpu", dataset=dataset)
    artifact = model_with(user, tmp_path).artifact

    model = trained_model_register(job=job, artifact=artifact, metrics={}, param_count=1)

    assert model.preprocessing == IMAGE_STEPS and model.input_shape == [4, 6, 3]

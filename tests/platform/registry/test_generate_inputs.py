"""A predict call to a GAN's generator asks for pictures (a count, latent points, a class, an
interpolation); bad requests answer 400 with a stable code before anything is queued, and only
a generator is asked for pictures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from neuroyard.registry.models import TrainedModel
from neuroyard_core.generation import GENERATOR_TASK, generator_preprocessing
from tests.platform.registry.trained_models import registered_model

pytestmark = pytest.mark.django_db

DIGITS = [str(digit) for digit in range(10)]


def generator(user, tmp_path: Path, classes: list[str] = DIGITS) -> TrainedModel:  # noqa: ANN001
    (tmp_path / "g.keras").write_bytes(b"a generator file")
    return registered_model(
        user,
        tmp_path / "g.keras",
        task=GENERATOR_TASK,
        input_shape=[8 + len(classes)],
        class_names=classes,
        preprocessing=generator_preprocessing(
            latent_dim=8, class_names=classes, pixel_range=(0.0, 1.0)
        ),
    )


def refused(api, model: TrainedModel, body: dict[str, Any]) -> tuple[str, str]:  # noqa: ANN001
    response = api.post(f"/api/v1/models/{model.id}/predict/", body, format="json")
    assert response.status_code == 400, response.content
    return response.json()["code"], response.json()["message"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"count": 65}, "too_many_inputs"),
        ({"count": 2, "class": 10}, "class_out_of_range"),
        ({"count": 2, "class": "cat"}, "class_out_of_range"),
        ({"latent": [[0.0] * 3]}, "input_shape_mismatch"),
        ({"interpolate": 1}, "invalid_input"),
        ({"count": 2, "inputs": [[0.0] * 18]}, "invalid_input"),
        ({}, "invalid_input"),
    ],
)
def test_bad_requests_for_pictures_answer_400_with_a_stable_code(
    api, user, tmp_path: Path, settings, body: dict[str, Any], code: str
) -> None:  # noqa: ANN001
    settings.NEUROYARD_PREDICT_MAX_INPUTS = 64
    assert refused(api, generator(user, tmp_path), body)[0] == code


def test_a_class_for_a_generator_without_classes_answers_400(api, user, tmp_path: Path) -> None:  # noqa: ANN001
    code, message = refused(api, generator(user, tmp_path, classes=[]), {"count": 1, "class": 3})
    assert code == "class_not_conditional" and "not a conditional GAN" in message


def test_a_model_that_is_not_a_generator_is_not_asked_for_pictures(
    api, user, tmp_path: Path
) -> None:  # noqa: ANN001
    (tmp_path / "m.keras").write_bytes(b"a classifier file")
    classifier = registered_model(user, tmp_path / "m.keras", input_shape=[64])

    code, message = refused(api, classifier, {"count": 4})

    assert code == "not_a_generator" and "only a GAN's generator" in message

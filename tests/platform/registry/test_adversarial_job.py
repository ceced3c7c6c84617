"""Adversarial jobs refuse, at submission, what no worker could attack: a 400 with a stable
code, and no job or file left behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from neuroyard.datasets.models import Dataset
from neuroyard.jobs.models import Artifact, Job
from neuroyard.registry.models import TrainedModel
from tests.platform.jobs.test_image_job_inputs import png, post_job
from tests.platform.registry.trained_models import registered_model
from tests.platform.specs.datasets import ready_dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def classifier(user, tmp_path: Path) -> TrainedModel:  # noqa: ANN001
    (tmp_path / "m.keras").write_bytes(b"a model file")
    return registered_model(
        user, tmp_path / "m.keras", input_shape=[8, 8, 1], class_names=[str(i) for i in range(10)]
    )


@pytest.fixture
def digits(user) -> Dataset:  # noqa: ANN001
    dataset = ready_dataset(user, input_shape=[8, 8, 1], num_classes=10)
    dataset.stats["splits"] = {"train": 90, "validation": 0, "test": 10}
    dataset.save()
    return dataset


def assert_refused(response, code: str) -> dict:  # noqa: ANN001
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == code
    assert not Job.objects.exists()
    assert set(Artifact.objects.values_list("kind", flat=True)) == {"model"}  # no input kept
    return body


def attack(api, classifier, params=None, **more):  # noqa: ANN001, ANN003, ANN201
    return post_job(api, "adversarial", params or {}, model=str(classifier.id), **more)


def test_an_image_or_a_sample_is_attacked(api, classifier, digits) -> None:  # noqa: ANN001
    assert attack(api, classifier, image=png()).status_code == 202
    on_sample = attack(api, classifier, {"sample_index": 9}, dataset=str(digits.id))
    assert on_sample.status_code == 202, on_sample.content
    assert Job.objects.filter(kind="adversarial").count() == 2


def test_nothing_to_attack_is_refused(api, classifier) -> None:  # noqa: ANN001
    body = assert_refused(attack(api, classifier), "input_required")
    assert "sample_index" in body["message"]


def test_an_image_and_a_sample_at_once_are_refused(api, classifier, digits) -> None:  # noqa: ANN001
    response = attack(api, classifier, {"sample_index": 0}, dataset=str(digits.id), image=png())
    assert_refused(response, "invalid_input")


def test_a_sample_past_the_split_is_refused_saying_how_many_there_are(
    api, classifier, digits
) -> None:  # noqa: ANN001
    response = attack(api, classifier, {"sample_index": 10}, dataset=str(digits.id))
    body = assert_refused(response, "invalid_params")
    assert "10 samples" in body["message"]


def test_a_sample_without_a_dataset_is_refused(api, classifier) -> None:  # noqa: ANN001
    assert_refused(attack(api, classifier, {"sample_index": 0}), "dataset_required")


def test_a_label_the_model_does_not_have_is_refused(api, classifier) -> None:  # noqa: ANN001
    body = assert_refused(attack(api, classifier, {"label": 10}, image=png()), "invalid_params")
    assert "10" in body["message"]


def test_a_regression_model_cannot_be_fooled_into_another_class(api, user, tmp_path) -> None:  # noqa: ANN001
    (tmp_path / "r.keras").write_bytes(b"a model file")
    adder = registered_model(user, tmp_path / "r.keras", task="regression", input_shape=[2])
    assert_refused(attack(api, adder, image=png()), "model_incompatible")

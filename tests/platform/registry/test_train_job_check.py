"""A train job starts from a spec, or from a model or a backbone (transfer learning); whatever
could not start is refused when the job is submitted, naming the problem."""

from __future__ import annotations

from typing import Any

import pytest

from neuroyard.jobs.models import Artifact, Job
from neuroyard.registry.models import TrainedModel
from neuroyard.specs.models import ModelSpec
from neuroyard.specs.templates import template_get
from tests.conftest import mlp_spec
from tests.platform.specs.datasets import ready_dataset

pytestmark = pytest.mark.django_db


def a_model(owner: Any, *, input_shape: list[int], outputs: int) -> TrainedModel:
    artifact = Artifact.objects.create(
        owner=owner, kind="model", name="m.keras", file="uploads/m.keras", size_bytes=1,
        sha256="0" * 64, content_type="application/octet-stream",
    )  # fmt: skip
    return TrainedModel.objects.create(
        owner=owner,
        name="digits",
        artifact=artifact,
        task="classification",
        input_shape=input_shape,
        output_shape=[outputs],
        layers=[
            {"name": "hidden", "type": "Dense", "output_shape": [32], "params": 2080},
            {"name": "drop", "type": "Dropout", "output_shape": [32], "params": 0},
            {"name": "digit", "type": "Dense", "output_shape": [outputs], "params": 330},
        ],
    )


def a_spec(owner: Any, spec: dict[str, Any]) -> ModelSpec:
    return ModelSpec.objects.create(owner=owner, name="s", spec=spec)


def submit(api, **job: Any):  # noqa: ANN001, ANN201
    body = {"kind": "train", **{k: str(v.id) if hasattr(v, "id") else v for k, v in job.items()}}
    return api.post("/api/v1/jobs/", body, format="json")


def refused(response, code: str) -> str:  # noqa: ANN001
    assert response.status_code == 400, response.content
    assert response.json()["code"] == code, response.json()
    assert Job.objects.count() == 0
    return response.json()["message"]


@pytest.fixture
def digits(user):  # noqa: ANN001, ANN201
    return ready_dataset(user, input_shape=[64], num_classes=10)


@pytest.fixture
def images(user):  # noqa: ANN001, ANN201
    return ready_dataset(user, input_shape=[8, 8, 1], num_classes=3)


def test_a_job_from_a_model_needs_no_spec(api, user, digits) -> None:  # noqa: ANN001
    model = a_model(user, input_shape=[64], outputs=5)

    response = submit(
        api, dataset=digits, model=model, params={"trainable_layers": 1, "head_dropout": 0.2}
    )

    assert response.status_code == 202, response.content
    job = Job.objects.get()
    assert job.model == model and job.spec is None
    assert (job.params["trainable_layers"], job.params["head"]) == (1, "replace")


def test_a_job_from_a_backbone_takes_the_transfer_head_template(api, user, images) -> None:  # noqa: ANN001
    head = template_get(key="transfer_head")
    spec = head.spec | {
        "layers": [*head.spec["layers"][:-1], {**head.spec["layers"][-1], "units": 3}]
    }

    response = submit(api, dataset=images, spec=a_spec(user, spec), params=head.params)

    assert response.status_code == 202, response.content


def test_a_job_with_neither_spec_nor_model_is_refused(api, digits) -> None:  # noqa: ANN001
    refused(submit(api, dataset=digits), "spec_required")


def test_transfer_options_need_a_network_to_start_from(api, user, digits) -> None:  # noqa: ANN001
    message = refused(
        submit(api, dataset=digits, spec=a_spec(user, mlp_spec()), params={"freeze_until": "x"}),
        "invalid_params",
    )

    assert message.startswith("params.freeze_until is a transfer-learning option")


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"trainable_layers": 1, "freeze_until": "hidden"}, "trainable_layers or freeze_until"),
        ({"backbone": "resnet50", "head": "keep"}, "its head is always new"),
        ({"backbone": "alexnet"}, "backbone"),
        ({"trainable_layers": -1}, "trainable_layers"),
    ],
)
def test_inconsistent_transfer_options_are_refused(api, images, params, words) -> None:  # noqa: ANN001
    assert words in refused(submit(api, dataset=images, params=params), "invalid_params")


def test_a_model_and_a_backbone_at_once_are_refused(api, user, images) -> None:  # noqa: ANN001
    model = a_model(user, input_shape=[8, 8, 1], outputs=3)

    refused(
        submit(api, dataset=images, model=model, params={"backbone": "vgg19"}), "invalid_params"
    )


def test_a_backbone_needs_images(api, digits) -> None:  # noqa: ANN001
    message = refused(
        submit(api, dataset=digits, params={"backbone": "mobilenet_v2"}), "transfer_unsuitable"
    )

    assert "mobilenet_v2 takes images, but the dataset's samples have shape (64,)" in message


def test_the_model_must_take_the_datasets_samples(api, user, images) -> None:  # noqa: ANN001
    model = a_model(user, input_shape=[64], outputs=10)

    message = refused(submit(api, dataset=images, model=model), "model_incompatible")

    assert "takes samples of shape (64,), but the dataset's samples have shape (8, 8, 1)" in message


def test_freezing_up_to_a_layer_the_model_lacks_is_refused(api, user, digits) -> None:  # noqa: ANN001
    model = a_model(user, input_shape=[64], outputs=10)

    message = refused(
        submit(api, dataset=digits, model=model, params={"freeze_until": "conv1"}), "layer_unknown"
    )

    assert message == "The model has no layer 'conv1'; its layers are: hidden, drop, digit."


def test_keeping_a_head_of_the_wrong_size_is_refused(api, user, digits) -> None:  # noqa: ANN001
    model = a_model(user, input_shape=[64], outputs=5)

    message = refused(
        submit(api, dataset=digits, model=model, params={"head": "keep"}), "model_incompatible"
    )

    assert "scores 5 classes but the dataset has 10" in message


def test_a_head_spec_must_take_the_models_features(api, user, digits) -> None:  # noqa: ANN001
    model = a_model(user, input_shape=[64], outputs=5)
    head = mlp_spec(inputs=16, hidden=8, classes=10)

    response = submit(api, dataset=digits, model=model, spec=a_spec(user, head))

    refused(response, "spec_incompatible")
    (error,) = response.json()["details"]["errors"]
    assert error["loc"] == "layers[0].shape"
    assert "Input shape must be [32], not [16]" in error["message"]


def test_a_head_spec_must_fit_the_datasets_classes(api, user, images) -> None:  # noqa: ANN001
    head = template_get(key="transfer_head")  # ten classes; the dataset has three

    response = submit(api, dataset=images, spec=a_spec(user, head.spec), params=head.params)

    refused(response, "spec_incompatible")
    assert response.json()["details"]["errors"][0]["loc"] == "layers[2]"


def test_callbacks_watching_validation_need_a_validation_split(api, user, digits) -> None:  # noqa: ANN001
    spec = mlp_spec() | {"callbacks": [{"type": "early_stopping", "monitor": "val_accuracy"}]}

    message = refused(submit(api, dataset=digits, spec=a_spec(user, spec)), "invalid_params")

    assert "watch val_accuracy, which needs validation data" in message

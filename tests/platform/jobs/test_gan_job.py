"""Submitting a `gan` job: refused at once, in words, when the networks cannot be a GAN for the
dataset's images; accepted, with the registry's parameters, when they can."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from neuroyard.jobs.models import Job
from neuroyard.specs.templates import template_get
from tests.platform.specs.datasets import ready_dataset

pytestmark = pytest.mark.django_db

DCGAN = template_get(key="dcgan_28_grayscale")


def submit(api, user, *, input_shape: list[int], task: str = "classification", **params: Any):  # noqa: ANN001, ANN201
    generator = params.pop("generator", DCGAN.spec)
    spec = api.post("/api/v1/specs/", {"name": "gen", "spec": generator}, format="json")
    assert spec.status_code == 201, spec.content
    dataset = ready_dataset(user, input_shape=input_shape, task=task, num_classes=10)
    return api.post(
        "/api/v1/jobs/",
        {
            "kind": "gan",
            "dataset": str(dataset.id),
            "spec": spec.json()["id"],
            "params": DCGAN.params | {"epochs": 2} | params,
        },
        format="json",
    )


def refused(response, code: str) -> str:  # noqa: ANN001
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == code
    assert Job.objects.count() == 0
    return str(body["message"])


def test_the_dcgan_template_is_accepted_for_mnist_sized_images(api, user) -> None:  # noqa: ANN001
    response = submit(api, user, input_shape=[28, 28, 1], conditional=True)

    assert response.status_code == 202, response.content
    job = Job.objects.get()
    assert (job.kind, job.params["latent_dim"], job.params["conditional"]) == ("gan", 100, True)


def test_a_generator_drawing_the_wrong_size_is_refused(api, user) -> None:  # noqa: ANN001
    message = refused(submit(api, user, input_shape=[32, 32, 1]), "spec_incompatible")

    assert "[28, 28, 1]" in message and "[32, 32, 1]" in message


def test_a_generator_drawing_grey_pictures_for_colour_images_is_refused(api, user) -> None:  # noqa: ANN001
    message = refused(submit(api, user, input_shape=[28, 28, 3]), "spec_incompatible")

    assert "generator draws pictures of shape [28, 28, 1]" in message


def test_a_discriminator_that_does_not_end_in_one_value_is_refused(api, user) -> None:  # noqa: ANN001
    discriminator = copy.deepcopy(DCGAN.params["discriminator"])
    discriminator["layers"][-1]["units"] = 10
    message = refused(
        submit(api, user, input_shape=[28, 28, 1], discriminator=discriminator),
        "spec_incompatible",
    )

    assert "discriminator must end in one value" in message and "[10]" in message


def test_a_non_image_dataset_is_refused(api, user) -> None:  # noqa: ANN001
    message = refused(submit(api, user, input_shape=[64]), "dataset_incompatible")

    assert "not a set of images" in message and "[64]" in message


def test_a_conditional_gan_needs_classes(api, user) -> None:  # noqa: ANN001
    response = submit(api, user, input_shape=[28, 28, 1], task="regression", conditional=True)

    assert "has no classes" in refused(response, "dataset_incompatible")


def test_a_broken_discriminator_spec_names_the_network_and_the_layer(api, user) -> None:  # noqa: ANN001
    discriminator = copy.deepcopy(DCGAN.params["discriminator"])
    discriminator["layers"][1]["type"] = "Conv7D"
    message = refused(
        submit(api, user, input_shape=[28, 28, 1], discriminator=discriminator),
        "spec_incompatible",
    )

    assert message.startswith("discriminator: ") and "Conv7D" in message


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"latent_dim": 0}, "latent_dim"),
        ({"label_smoothing": 0.5}, "label_smoothing"),
        # strict types, as every kind's params: no quiet conversions of what was sent
        ({"epochs": "3"}, "epochs"),
        ({"latent_dim": 8.0}, "latent_dim"),
        ({"conditional": 1}, "conditional"),
        ({"beta_1": "0.5"}, "beta_1"),
    ],
)
def test_out_of_bounds_params_are_named(api, user, params, field) -> None:  # noqa: ANN001
    message = refused(submit(api, user, input_shape=[28, 28, 1], **params), "invalid_params")

    assert f"params.{field}" in message

"""GET /api/v1/templates/: the classic networks, each valid, explained, with a dataset to try."""

from __future__ import annotations

import re

import pytest

from neuroyard.specs.templates import template_list
from neuroyard_core.jobs.train import TrainParams
from neuroyard_core.spec import parse_spec, summarize

EXAMPLE_KEYS = {"festival", "xor", "adder", "four_pixel_camera", "digits", "digits_images"}
TEMPLATES = {template.key: template for template in template_list()}


def test_the_classic_networks_are_all_there() -> None:
    assert list(TEMPLATES) == [
        "festival_perceptron",
        "xor",
        "adder",
        "four_pixel_camera",
        "mnist_mlp",
        "convnet_4_layer",
        "keras_mnist_convnet",
        "lstm_text_classifier",
        "transfer_head",
    ]


@pytest.mark.parametrize("key", TEMPLATES)
def test_each_template_is_a_valid_spec_with_valid_job_params(key: str) -> None:
    template = TEMPLATES[key]

    summarize(parse_spec(template.spec))
    TrainParams.model_validate(template.params)
    assert template.example_key is None or template.example_key in EXAMPLE_KEYS
    assert re.fullmatch(r"[a-z][a-z0-9_]*", template.key)


@pytest.mark.parametrize("key", TEMPLATES)
def test_each_explanation_is_one_paragraph(key: str) -> None:
    explanation = TEMPLATES[key].explanation

    assert "\n" not in explanation
    assert 300 <= len(explanation) <= 1000
    assert explanation.endswith(".")


@pytest.mark.parametrize(
    ("key", "layers", "total"),
    [
        ("festival_perceptron", [(4,), (1,)], 5),
        ("xor", [(2,), (2,), (1,)], 9),
        ("adder", [(2,), (3,), (1,)], 13),
        ("mnist_mlp", [(784,), (512,), (10,)], 407_050),
        ("keras_mnist_convnet", None, 34_826),
    ],
)
def test_the_numbers_the_explanations_give_are_the_networks(
    key: str, layers: list[tuple[int, ...]] | None, total: int
) -> None:
    summary = summarize(parse_spec(TEMPLATES[key].spec))

    assert summary.total_params == total
    if layers is not None:
        assert [layer.output_shape for layer in summary.layers] == layers
    if total > 1000:
        assert f"{total:,}" in TEMPLATES[key].explanation


def test_the_mnist_mlp_suggests_rmsprop_5_epochs_batches_of_128() -> None:
    template = TEMPLATES["mnist_mlp"]

    assert template.spec["compile"]["optimizer"]["type"] == "rmsprop"
    assert (template.params["epochs"], template.params["batch_size"]) == (5, 128)


def test_the_keras_convnet_is_conv_pool_conv_pool_dropout_dense() -> None:
    types = [layer["type"] for layer in TEMPLATES["keras_mnist_convnet"].spec["layers"]]

    assert types == [
        "Input", "Conv2D", "MaxPooling2D", "Conv2D", "MaxPooling2D", "Flatten", "Dropout", "Dense"
    ]  # fmt: skip


@pytest.mark.django_db
def test_the_api_lists_every_template_with_its_layer_table(api) -> None:  # noqa: ANN001
    response = api.get("/api/v1/templates/")

    assert response.status_code == 200
    body = response.json()
    assert [item["key"] for item in body] == list(TEMPLATES)
    xor = body[1]
    assert xor["example_key"] == "xor"
    assert xor["spec"] == TEMPLATES["xor"].spec
    assert xor["params"]["epochs"] > 0
    assert xor["summary"]["total_params"] == 9
    assert [layer["name"] for layer in xor["summary"]["layers"]] == ["inputs", "hidden", "output"]


@pytest.mark.django_db
def test_one_template_by_its_key(api) -> None:  # noqa: ANN001
    response = api.get("/api/v1/templates/adder/")

    assert response.status_code == 200
    assert response.json()["name"] == TEMPLATES["adder"].name


@pytest.mark.django_db
def test_an_unknown_template_is_not_found(api) -> None:  # noqa: ANN001
    response = api.get("/api/v1/templates/lenet/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"

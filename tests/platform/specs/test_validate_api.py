"""POST /api/v1/specs/validate/: the layer table, the totals Keras will count, a memory estimate,
and every problem with the spec, or with the spec on a dataset, named in a 400."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from neuroyard.specs.models import ModelSpec
from tests.conftest import mlp_spec
from tests.platform.specs.datasets import ready_dataset
from tests.worker.example_specs import LAYER_CASES

pytestmark = pytest.mark.django_db


def validate(api, spec: object, **extra: Any):  # noqa: ANN001, ANN201
    return api.post("/api/v1/specs/validate/", {"spec": spec, **extra}, format="json")


def test_the_answer_is_the_layer_table_with_totals_and_memory(api) -> None:  # noqa: ANN001
    response = validate(api, mlp_spec(64, 32, 10), batch_size=50)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["layers"] == [
        {"name": "input_0", "type": "Input", "inputs": [], "output_shape": [64], "params": 0,
         "non_trainable_params": 0},
        {"name": "dense_1", "type": "Dense", "inputs": ["input_0"], "output_shape": [32],
         "params": 64 * 32 + 32, "non_trainable_params": 0},
        {"name": "dense_2", "type": "Dense", "inputs": ["dense_1"], "output_shape": [10],
         "params": 32 * 10 + 10, "non_trainable_params": 0},
    ]  # fmt: skip
    assert body["total_params"] == body["trainable_params"] == 2410
    memory = body["memory"]
    # float32 weights, their gradients and RMSprop's one average per weight
    assert memory["weights_bytes"] == memory["gradients_bytes"] == memory["optimizer_bytes"]
    assert memory["weights_bytes"] == 4 * 2410
    rows = {row["batch_size"]: row["bytes"] for row in memory["by_batch_size"]}
    assert set(rows) == {1, 32, 50, 128, 512}
    assert rows[50] == 3 * 4 * 2410 + 50 * memory["activations_bytes_per_sample"]


def test_a_graph_lists_each_layers_inputs(api) -> None:  # noqa: ANN001
    response = validate(api, LAYER_CASES["residual_block"])

    assert response.status_code == 200, response.content
    skip = next(layer for layer in response.json()["layers"] if layer["name"] == "skip")
    assert skip["inputs"] == ["image", "norm"]
    assert response.json()["non_trainable_params"] == 6  # the batch norm's moving statistics


BROKEN: list[tuple[str, Any, str]] = [
    ("not an object", [1, 2], ""),
    (
        "unknown layer",
        {"layers": [{"type": "Input", "shape": [4]}, {"type": "Dense3"}]},
        "layers[1]",
    ),
    ("unknown argument", "units", "layers[1].unit"),
    ("cycle", "cycle", "layers[1].inputs"),
    ("missing input", "missing", "layers[2].inputs[0]"),
    ("absurd size", "absurd", "layers[1]"),
]


def broken(kind: str) -> dict[str, Any]:
    spec = mlp_spec(4, 8, 2)
    if kind == "units":
        spec["layers"][1]["unit"] = spec["layers"][1].pop("units")
    elif kind == "cycle":
        spec["layers"][1] |= {"name": "a", "inputs": ["b"]}
        spec["layers"][2] |= {"name": "b"}
    elif kind == "missing":
        spec["layers"][2]["inputs"] = ["nowhere"]
    elif kind == "absurd":
        spec["layers"][1]["units"] = 10**9
    return spec


@pytest.mark.parametrize(("what", "spec", "loc"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_spec_is_a_400_naming_where(api, what: str, spec: Any, loc: str) -> None:  # noqa: ANN001
    spec = broken(spec) if isinstance(spec, str) else spec

    response = validate(api, spec)
    created = api.post("/api/v1/specs/", {"name": what, "spec": spec}, format="json")

    for answer in (response, created):
        assert answer.status_code == 400, answer.content
        body = answer.json()
        assert body["code"] == "spec_invalid"
        assert loc in [error["loc"] for error in body["details"]["errors"]]
        assert len(body["message"]) > 20
    assert ModelSpec.objects.count() == 0


def test_a_spec_that_does_not_fit_the_dataset_names_the_layer(api, user) -> None:  # noqa: ANN001
    dataset = ready_dataset(user, input_shape=[4], num_classes=3)

    response = validate(api, mlp_spec(4, 8, 2), dataset=str(dataset.id))

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "spec_incompatible"
    assert body["details"]["errors"] == [
        {
            "loc": "layers[2]",
            "message": "layers[2] (Dense): the dataset has 3 classes, so the last layer needs "
            "3 units (one score per class), not 2",
        }
    ]


def test_a_wrong_input_shape_names_the_input_layer(api, user) -> None:  # noqa: ANN001
    dataset = ready_dataset(user, input_shape=[8, 8, 1], num_classes=2)

    response = validate(api, mlp_spec(64, 8, 2), dataset=str(dataset.id))

    assert response.status_code == 400
    assert response.json()["details"]["errors"][0]["message"].startswith(
        "layers[0] (Input): the network takes samples of shape (64,), but the dataset's "
        "samples have shape (8, 8, 1)"
    )


def test_an_embedding_too_small_for_the_datasets_tokens_is_named(api, user) -> None:  # noqa: ANN001
    dataset = ready_dataset(user, input_shape=[12], num_classes=2, value_range=(0, 999))
    spec = copy.deepcopy(mlp_spec(12, 8, 2))
    spec["layers"][1:1] = [
        {"type": "Embedding", "input_dim": 500, "output_dim": 4, "name": "words"},
        {"type": "GlobalAveragePooling1D"},
    ]

    response = validate(api, spec, dataset=str(dataset.id))

    assert response.status_code == 400
    (error,) = response.json()["details"]["errors"]
    assert error["loc"] == "layers[1].input_dim"
    assert error["message"].startswith("layers[1] (Embedding 'words'): the dataset's values run")


def test_another_users_dataset_is_not_found(api, other_user) -> None:  # noqa: ANN001
    dataset = ready_dataset(other_user, input_shape=[4], num_classes=2)

    response = validate(api, mlp_spec(4, 8, 2), dataset=str(dataset.id))

    assert response.status_code == 404

"""check_against_dataset tells whether a valid network can train on a given dataset."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from neuroyard_core.spec import SpecError, SpecIssue, check_against_dataset, parse_spec, summarize
from tests.worker.example_specs import ADDER, DIGITS_MLP, PERCEPTRON, network


def dataset_errors(
    spec: dict[str, Any],
    *,
    input_shape: tuple[int, ...],
    num_classes: int | None,
    task: str,
) -> list[SpecIssue]:
    parsed = parse_spec(spec)
    try:
        check_against_dataset(
            summarize(parsed), parsed, input_shape=input_shape, num_classes=num_classes, task=task
        )
    except SpecError as error:
        return error.errors
    return []


def with_loss(spec: dict[str, Any], loss: str) -> dict[str, Any]:
    changed = copy.deepcopy(spec)
    changed["compile"]["loss"] = loss
    return changed


def test_the_digits_mlp_fits_the_digits_dataset() -> None:
    assert (
        dataset_errors(DIGITS_MLP, input_shape=(64,), num_classes=10, task="classification") == []
    )


def test_a_regression_network_fits_a_regression_dataset() -> None:
    assert dataset_errors(ADDER, input_shape=(2,), num_classes=None, task="regression") == []


def test_the_input_shape_must_be_the_datasets_sample_shape() -> None:
    errors = dataset_errors(DIGITS_MLP, input_shape=(8, 8), num_classes=10, task="classification")

    assert errors == [
        SpecIssue(
            loc="layers[0].shape",
            message="layers[0] (Input): the network takes samples of shape (64,), but the "
            "dataset's samples have shape (8, 8)",
        )
    ]


def test_sparse_crossentropy_needs_one_output_unit_per_class() -> None:
    errors = dataset_errors(DIGITS_MLP, input_shape=(64,), num_classes=3, task="classification")

    assert errors == [
        SpecIssue(
            loc="layers[3]",
            message="layers[3] (Dense): the dataset has 3 classes, so the last layer needs "
            "3 units (one score per class), not 10",
        )
    ]


def test_binary_crossentropy_needs_one_output_unit() -> None:
    errors = dataset_errors(
        with_loss(DIGITS_MLP, "binary_crossentropy"),
        input_shape=(64,),
        num_classes=2,
        task="classification",
    )

    assert [issue.loc for issue in errors] == ["layers[3]"]
    assert "'binary_crossentropy' needs a last layer with 1 unit" in errors[0].message


def test_binary_crossentropy_needs_two_classes() -> None:
    errors = dataset_errors(PERCEPTRON, input_shape=(4,), num_classes=5, task="classification")

    assert [issue.loc for issue in errors] == ["compile.loss"]
    assert "'binary_crossentropy' is for 2 classes, but the dataset has 5" in errors[0].message


def test_a_perceptron_fits_a_two_class_dataset() -> None:
    assert dataset_errors(PERCEPTRON, input_shape=(4,), num_classes=2, task="classification") == []


def test_one_hot_losses_do_not_fit_class_number_labels() -> None:
    errors = dataset_errors(
        with_loss(DIGITS_MLP, "categorical_crossentropy"),
        input_shape=(64,),
        num_classes=10,
        task="classification",
    )

    assert [issue.loc for issue in errors] == ["compile.loss"]
    assert "use 'sparse_categorical_crossentropy'" in errors[0].message


def test_a_classification_loss_on_a_regression_dataset_is_an_error() -> None:
    errors = dataset_errors(DIGITS_MLP, input_shape=(64,), num_classes=None, task="regression")

    assert errors == [
        SpecIssue(
            loc="compile.loss",
            message="compile: the loss 'sparse_categorical_crossentropy' is for classification, "
            "but the dataset is a regression dataset; use a regression loss such as 'mse' or 'mae'",
        )
    ]


def test_every_mismatch_is_reported_at_once() -> None:
    errors = dataset_errors(DIGITS_MLP, input_shape=(3,), num_classes=None, task="regression")

    assert [issue.loc for issue in errors] == ["layers[0].shape", "compile.loss"]


def test_an_unknown_task_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="task must be"):
        dataset_errors(DIGITS_MLP, input_shape=(64,), num_classes=10, task="clustering")


EMBEDDED = network(
    {"type": "Input", "shape": [20]},
    {"type": "Embedding", "input_dim": 100, "output_dim": 8, "name": "words"},
    {"type": "GlobalAveragePooling1D"},
    {"type": "Dense", "units": 2, "activation": "softmax"},
)


def test_an_embedding_needs_a_row_for_every_token_number_in_the_dataset() -> None:
    parsed = parse_spec(EMBEDDED)
    with pytest.raises(SpecError) as caught:
        check_against_dataset(
            summarize(parsed),
            parsed,
            input_shape=(20,),
            num_classes=2,
            task="classification",
            value_range=(0, 120),
        )

    assert caught.value.errors == [
        SpecIssue(
            loc="layers[1].input_dim",
            message="layers[1] (Embedding 'words'): the dataset's values run from 0 to 120, but "
            "token numbers must be 0 to 99 (input_dim 100)",
        )
    ]


def test_an_embedding_takes_a_dataset_within_its_vocabulary() -> None:
    parsed = parse_spec(EMBEDDED)

    check_against_dataset(
        summarize(parsed),
        parsed,
        input_shape=(20,),
        num_classes=2,
        task="classification",
        value_range=(0, 99),
    )


def test_a_text_network_does_not_take_a_dataset_of_numbers() -> None:
    spec = network(
        {"type": "Input", "shape": [1], "dtype": "string"},
        {"type": "TextVectorization", "output_sequence_length": 5, "max_tokens": 50},
        {"type": "Embedding", "input_dim": 50, "output_dim": 4},
        {"type": "LSTM", "units": 3},
        {"type": "Dense", "units": 2, "activation": "softmax"},
    )

    errors = dataset_errors(spec, input_shape=(1,), num_classes=2, task="classification")

    assert errors == [
        SpecIssue(
            loc="layers[0].dtype",
            message="layers[0] (Input): the network takes texts, but the dataset holds numbers",
        )
    ]

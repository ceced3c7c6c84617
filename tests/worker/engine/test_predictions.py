"""Reading a network's outputs: probabilities from softmax, logits or one sigmoid unit, the top
k, and the JSON answer of one sample."""

from __future__ import annotations

import numpy as np
import pytest

from neuroyard_worker.engine.predictions import (
    ClassificationTally,
    class_probabilities,
    prediction_rows,
    top_k,
)


def test_softmax_outputs_are_probabilities_as_they_are() -> None:
    outputs = np.array([[0.1, 0.7, 0.2]], np.float32)

    assert np.array_equal(class_probabilities(outputs), outputs)


def test_logits_go_through_a_softmax() -> None:
    probabilities = class_probabilities(np.array([[2.0, -1.0, 0.0]], np.float32))

    assert probabilities.sum() == pytest.approx(1.0)
    assert probabilities.argmax() == 0 and probabilities[0, 0] == pytest.approx(0.8438, abs=1e-3)


def test_one_sigmoid_unit_is_two_classes() -> None:
    probabilities = class_probabilities(np.array([[0.9], [0.2]], np.float32))

    np.testing.assert_allclose(probabilities, [[0.1, 0.9], [0.8, 0.2]], atol=1e-6)


def test_top_k_is_likeliest_first_and_ties_go_to_the_lower_class_as_argmax() -> None:
    indices, chances = top_k(np.array([[0.25, 0.25, 0.5, 0.0]], np.float32), 3)

    assert indices.tolist() == [[2, 0, 1]]
    assert chances.tolist() == [[0.5, 0.25, 0.25]]


def test_a_classification_answer_names_the_label_and_its_top_k() -> None:
    (row,) = prediction_rows(
        np.array([[0.1, 0.7, 0.2]], np.float32), task="classification", k=2,
        class_names=["cat", "dog", "eel"],
    )  # fmt: skip

    assert row["label"] == "dog" and row["index"] == 1
    assert row["probability"] == pytest.approx(0.7)
    assert [t["label"] for t in row["top_k"]] == ["dog", "eel"]
    assert row["outputs"] == pytest.approx([0.1, 0.7, 0.2])


def test_a_regression_answer_is_the_value() -> None:
    rows = prediction_rows(np.array([[1.5], [2.5]]), task="regression", k=5, class_names=[])

    assert [r["value"] for r in rows] == [1.5, 2.5]


def test_labels_the_model_does_not_know_are_counted_apart() -> None:
    tally = ClassificationTally(3)
    ranked = np.array([[0, 1, 2], [1, 0, 2], [2, 1, 0]])

    tally.add(np.array([0, -1, 1]), ranked[:, 0], ranked)

    metrics = tally.metrics(["a", "b", "c"])
    assert metrics["labelled_samples"] == 2 and metrics["unknown_label_samples"] == 1
    assert metrics["accuracy"] == 0.5

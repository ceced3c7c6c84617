"""What a batch prediction reports on a case worked out by hand: precision, recall and F1 per
class, no top-5 accuracy with five classes or fewer, and the most confident mistakes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from neuroyard_worker.engine.mistakes import THUMBNAIL, ConfidentMistakes
from neuroyard_worker.engine.predictions import ClassificationTally


def test_a_three_class_report_worked_out_by_hand() -> None:
    labels = np.array([0, 0, 0, 1, 1, 2])
    predicted = np.array([0, 0, 1, 1, 2, 2])
    tally = ClassificationTally(3)
    tally.add(labels, predicted, predicted[:, None])

    report = tally.metrics(["cat", "dog", "bird"])

    assert report["accuracy"] == pytest.approx(4 / 6)
    assert "top_5_accuracy" not in report  # always 1 with three classes
    cat, dog, bird = report["per_class"]
    assert (cat["precision"], cat["recall"], cat["f1"]) == (1.0, pytest.approx(2 / 3), 0.8)
    assert (dog["precision"], dog["recall"], dog["f1"]) == (0.5, 0.5, 0.5)
    assert (bird["precision"], bird["recall"]) == (0.5, 1.0)
    assert bird["f1"] == pytest.approx(2 / 3)
    assert report["macro_f1"] == pytest.approx((0.8 + 0.5 + 2 / 3) / 3)
    assert report["confusion_matrix"] == [[2, 1, 0], [0, 1, 1], [0, 0, 1]]
    assert report["class_names"] == ["cat", "dog", "bird"]


def test_a_class_never_predicted_has_zero_precision_and_f1() -> None:
    tally = ClassificationTally(6)
    tally.add(np.array([5, 5]), np.array([0, 0]), np.array([[0, 1, 2, 3, 4, 5]] * 2))

    report = tally.metrics([])

    assert report["per_class"][5] == {
        "class": "5", "precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 2
    }  # fmt: skip
    assert report["top_5_accuracy"] == 0.0  # six classes: reported, and 5 is sixth here


def _batch(confidences: list[float], labels: list[int]) -> dict[str, np.ndarray]:
    """Two classes; each sample predicts class 1 with the given probability."""
    p = np.array(confidences, np.float32)
    probabilities = np.stack([1 - p, p], axis=1)
    x = np.stack([np.full((8, 8), v, np.float32) for v in confidences])
    return {
        "x": x,
        "labels": np.array(labels),
        "predicted": probabilities.argmax(axis=1),
        "probabilities": probabilities,
    }


def test_the_surest_mistakes_across_batches_are_kept_surest_first(tmp_path: Path) -> None:
    mistakes = ConfidentMistakes(limit=3)
    mistakes.add(split="test", start=0, **_batch([0.6, 0.9, 0.7, 0.99], [0, 0, 0, 1]))
    mistakes.add(split="test", start=4, **_batch([0.95, 0.8, 0.3], [0, 1, 0]))

    report = mistakes.report(["cat", "dog"])

    # wrong: 0.6 (0), 0.9 (1), 0.7 (2), 0.95 (4), and 0.3 predicts class 0 for a class 0: right
    assert [(m["index"], m["confidence"]) for m in report] == [
        (4, pytest.approx(0.95)),
        (1, pytest.approx(0.9)),
        (2, pytest.approx(0.7)),
    ]
    assert report[0] | {"confidence": 0} == {
        "index": 4, "split": "test", "true": "cat", "predicted": "dog", "confidence": 0,
        "position": 0,
    }  # fmt: skip
    path = mistakes.draw(tmp_path / "mistakes.png")
    assert path is not None
    with Image.open(path) as strip:
        assert strip.size == (3 * THUMBNAIL, THUMBNAIL)


def test_flat_samples_and_no_mistakes_draw_nothing(tmp_path: Path) -> None:
    flat = ConfidentMistakes(limit=3)
    batch = _batch([0.9], [0])
    flat.add(split="test", start=0, **batch | {"x": batch["x"].reshape(1, -1)})
    right = ConfidentMistakes(limit=3)
    right.add(split="test", start=0, **_batch([0.9], [1]))

    assert flat.report([]) == [] and flat.draw(tmp_path / "a.png") is None
    assert right.report([]) == [] and right.draw(tmp_path / "b.png") is None

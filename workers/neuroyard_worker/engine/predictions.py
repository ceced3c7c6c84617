"""What a network's outputs say: class probabilities and the top k, or regression values, and
the metrics over labelled samples. Pure NumPy, shared by batch prediction jobs and the
synchronous predict endpoint's worker."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

CLASSIFICATION, REGRESSION = "classification", "regression"
TOP_K_ACCURACY = 5  # the "top-5 accuracy" every classification report has
_SUMS_TO_ONE = 1e-3


def class_probabilities(outputs: np.ndarray) -> np.ndarray:
    """(n, classes) probabilities from a classifier's outputs: softmax rows as they are, logits
    through a softmax; one sigmoid (or logit) column becomes two classes [1 - p, p]."""
    outputs = np.asarray(outputs, dtype=np.float32).reshape(len(outputs), -1)
    if outputs.shape[1] == 1:
        p = outputs[:, 0]
        if p.size and (p.min() < 0.0 or p.max() > 1.0):
            p = (1.0 / (1.0 + np.exp(-p))).astype(np.float32)
        return np.stack([1.0 - p, p], axis=1).astype(np.float32)
    if outputs.size == 0 or _are_probabilities(outputs):
        return outputs
    shifted = outputs - outputs.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return (exp / exp.sum(axis=1, keepdims=True)).astype(np.float32)


def _are_probabilities(rows: np.ndarray) -> bool:
    return bool(rows.min() >= 0.0 and np.all(np.abs(rows.sum(axis=1) - 1.0) < _SUMS_TO_ONE))


def top_k(probabilities: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(indices, probabilities) of the k likeliest classes per row, likeliest first; ties go
    to the lower class number, as argmax (and so Keras' accuracy) breaks them."""
    k = min(k, probabilities.shape[1])
    order = np.argsort(-probabilities, axis=1, kind="stable")[:, :k]
    return order, np.take_along_axis(probabilities, order, axis=1)


def class_name(names: list[str] | tuple[str, ...], index: int) -> str:
    return names[index] if 0 <= index < len(names) else str(index)


@dataclass
class ClassificationTally:
    """Confusion matrix and top-k hits, accumulated batch by batch. Labels are the model's
    class numbers; -1 marks a label the model does not know (counted apart)."""

    classes: int
    matrix: np.ndarray = field(init=False)
    top_k_hits: int = 0
    unknown_labels: int = 0

    def __post_init__(self) -> None:
        self.matrix = np.zeros((self.classes, self.classes), np.int64)

    def add(self, labels: np.ndarray, predicted: np.ndarray, ranked: np.ndarray) -> None:
        known = (labels >= 0) & (labels < self.classes)
        self.unknown_labels += int((~known).sum())
        labels, predicted, ranked = labels[known], predicted[known], ranked[known]
        np.add.at(self.matrix, (labels, predicted), 1)
        top = ranked[:, :TOP_K_ACCURACY]
        self.top_k_hits += int((top == labels[:, None]).any(axis=1).sum())

    @property
    def samples(self) -> int:
        return int(self.matrix.sum())

    def accuracy(self) -> float:
        return float(np.trace(self.matrix) / self.samples) if self.samples else 0.0

    def metrics(self, class_names: list[str] | tuple[str, ...]) -> dict[str, Any]:
        """accuracy, top-5 accuracy (with more than 5 classes), per-class precision, recall, F1
        and support, the confusion matrix (rows: true class, columns: predicted)."""
        predicted_counts = self.matrix.sum(axis=0)
        support = self.matrix.sum(axis=1)
        hits = np.diag(self.matrix)
        per_class = []
        for i in range(self.classes):
            precision = float(hits[i] / predicted_counts[i]) if predicted_counts[i] else 0.0
            recall = float(hits[i] / support[i]) if support[i] else 0.0
            together = precision + recall
            per_class.append(
                {
                    "class": class_name(class_names, i),
                    "precision": precision,
                    "recall": recall,
                    "f1": 2 * precision * recall / together if together else 0.0,
                    "support": int(support[i]),
                }
            )
        top_k = {}
        if self.classes > TOP_K_ACCURACY:  # with 5 classes or fewer it is always 1
            top_k["top_5_accuracy"] = self.top_k_hits / self.samples if self.samples else 0.0
        return {
            "labelled_samples": self.samples,
            "unknown_label_samples": self.unknown_labels,
            "accuracy": self.accuracy(),
            **top_k,
            "macro_f1": float(np.mean([c["f1"] for c in per_class])) if per_class else 0.0,
            "per_class": per_class,
            "class_names": [class_name(class_names, i) for i in range(self.classes)],
            "confusion_matrix": self.matrix.tolist(),
        }


@dataclass
class RegressionTally:
    """Mean absolute and squared error over labelled samples, accumulated batch by batch."""

    samples: int = 0
    abs_error: float = 0.0
    sq_error: float = 0.0

    def add(self, targets: np.ndarray, values: np.ndarray) -> None:
        error = values.reshape(len(values), -1) - targets.reshape(len(targets), -1)
        self.samples += len(values)
        self.abs_error += float(np.abs(error).mean(axis=1).sum())
        self.sq_error += float((error**2).mean(axis=1).sum())

    def metrics(self) -> dict[str, Any]:
        n = max(self.samples, 1)
        mse = self.sq_error / n
        return {
            "labelled_samples": self.samples,
            "mae": self.abs_error / n,
            "mse": mse,
            "rmse": float(np.sqrt(mse)),
        }


def prediction_rows(
    outputs: np.ndarray, *, task: str, k: int, class_names: list[str] | tuple[str, ...]
) -> list[dict[str, Any]]:
    """One JSON-ready answer per sample: the label, its probability and the top k (with the
    raw outputs), or the regression value."""
    flat = np.asarray(outputs, dtype=np.float32).reshape(len(outputs), -1)
    if task != CLASSIFICATION:
        return [
            {"value": float(row[0]) if len(row) == 1 else row.tolist(), "outputs": row.tolist()}
            for row in flat
        ]
    indices, probabilities = top_k(class_probabilities(flat), k)
    rows = []
    for row, ranked, chances in zip(flat, indices, probabilities, strict=True):
        best = [
            {"label": class_name(class_names, int(i)), "index": int(i), "probability": float(p)}
            for i, p in zip(ranked, chances, strict=True)
        ]
        rows.append({**best[0], "top_k": best, "outputs": row.tolist()})
    return rows

"""`predict`: run a saved model over a dataset batch by batch; write the predictions (CSV and
NPZ) and, where the samples have labels, the metrics and a confusion matrix.

The job side reaches it only through `predict`, `PredictRequest` and `PredictResult`. Memory
stays at one batch whatever the dataset's size: samples are read from memory-mapped shards,
and results go straight to files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import keras
import numpy as np

from neuroyard_core.formats.manifest import MANIFEST_NAME, SPLITS, read_manifest
from neuroyard_worker.engine.confusion_image import draw_confusion_matrix
from neuroyard_worker.engine.data import load_arrays, load_shard
from neuroyard_worker.engine.errors import EngineError
from neuroyard_worker.engine.mistakes import ConfidentMistakes
from neuroyard_worker.engine.model_file import load_model_file
from neuroyard_worker.engine.prediction_files import (
    CsvRows,
    NpzColumns,
    csv_header,
    probability_text,
)
from neuroyard_worker.engine.predictions import (
    CLASSIFICATION,
    REGRESSION,
    ClassificationTally,
    RegressionTally,
    class_name,
    class_probabilities,
    top_k,
)
from neuroyard_worker.engine.progress import OnStep, StopRequested, ignore_step, never_stop

SPLIT_CHOICES = ("auto", "all", *SPLITS)
FULL_PROBABILITIES_UP_TO = 1000  # classes; beyond, the NPZ keeps only the top k
REPORTS = 100  # progress reports per job, at most

Transform = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class PredictRequest:
    model_path: Path  # a .keras file
    data_path: Path  # a dataset folder (manifest.json and shards), or an NPZ of arrays
    out_dir: Path  # predictions.csv, predictions.npz and confusion_matrix.png go here
    split: str = "auto"  # auto: the test split if the data has one, else all of it
    batch_size: int = 256
    top_k: int = 5
    task: str = ""  # the model's; "": the data's, else told by the output layer
    class_names: tuple[str, ...] = ()  # the model's, by class number; (): the data's
    # Applied to each batch of samples before the network (e.g. re-encoding text for the
    # model's vocabulary); None: samples go in as the data holds them.
    transform: Transform | None = None
    # For image data: how many of the most confident mistakes to draw (mistakes.png); 0: none.
    mistake_pictures: int = 0


@dataclass(frozen=True)
class PredictResult:
    samples: int
    task: str
    splits: list[str]
    labelled: bool
    cancelled: bool
    metrics: dict[str, Any] = field(default_factory=dict)
    csv_path: Path | None = None
    npz_path: Path | None = None
    confusion_matrix_path: Path | None = None
    mistakes_path: Path | None = None  # a strip of thumbnails, in metrics["mistakes"]' order


@dataclass(frozen=True)
class _Data:
    samples: int
    splits: list[str]
    task: str
    class_names: list[str]
    batches: Callable[[int], Iterator[tuple[str, np.ndarray, np.ndarray | None]]]
    pieces: list[int]  # samples of each part read on its own (a shard); batches end with it

    def batch_count(self, size: int) -> int:
        return sum(-(-n // size) for n in self.pieces)


def predict(
    request: PredictRequest,
    on_step: OnStep = ignore_step,
    stop_requested: StopRequested = never_stop,
) -> PredictResult:
    """`on_step(batches done, batches, {"accuracy": so far})` after every few batches."""
    data = _open(request.data_path, request.split)
    model = _load(request.model_path)
    task = request.task or data.task or task_of(model)
    names = list(request.class_names) or data.class_names
    out = request.out_dir
    out.mkdir(parents=True, exist_ok=True)
    npz = NpzColumns(out, data.samples)
    run = _Run(request, task, names, data.class_names, npz)
    total = data.batch_count(request.batch_size)
    every = max(1, total // REPORTS)
    start = done = 0
    try:
        for split, x, y in data.batches(request.batch_size):
            if stop_requested():
                return PredictResult(data.samples, task, data.splits, True, cancelled=True)
            raw = x
            x = request.transform(x) if request.transform is not None else x
            _check_fits(model, x)
            run.add(split, start, model.predict_on_batch(x), y, raw)
            start, done = start + len(x), done + 1
            if done % every == 0 or done == total:
                on_step(done, total, run.progress())
    finally:
        csv_path = run.csv.close() if run.csv is not None else None
    metrics = run.metrics()
    extra = {"class_names": np.array(run.names, dtype=str)} if task == CLASSIFICATION else {}
    picture = None
    if "confusion_matrix" in metrics:
        matrix = np.array(metrics["confusion_matrix"], np.int64)
        extra["confusion_matrix"] = matrix
        picture = out / "confusion_matrix.png"
        draw_confusion_matrix(matrix, metrics["class_names"], picture)
    mistakes_path = run.mistakes.draw(out / "mistakes.png")
    if mistakes_path is not None:
        metrics["mistakes"] = run.mistakes.report(run.names)
    npz_path = npz.finish(out / "predictions.npz", extra=extra)
    return PredictResult(
        samples=start,
        task=task,
        splits=data.splits,
        labelled=bool(metrics),
        cancelled=False,
        metrics=metrics,
        csv_path=csv_path,
        npz_path=npz_path,
        confusion_matrix_path=picture,
        mistakes_path=mistakes_path,
    )


class _Run:
    """Turns each batch of outputs into CSV rows, NPZ slices and metric counts."""

    def __init__(
        self,
        request: PredictRequest,
        task: str,
        names: list[str],
        data_names: list[str],
        npz: NpzColumns,
    ) -> None:
        self.request, self.task, self.names, self.data_names, self.npz = (
            request, task, names, data_names, npz,
        )  # fmt: skip
        self.label_codes = _label_codes(data_names, names) if task == CLASSIFICATION else None
        self.csv: CsvRows | None = None
        self.classification: ClassificationTally | None = None
        self.regression: RegressionTally | None = None
        self.labelled = True
        self.mistakes = ConfidentMistakes(request.mistake_pictures)

    def add(
        self, split: str, start: int, outputs: np.ndarray, y: np.ndarray | None, x: np.ndarray
    ) -> None:
        flat = np.asarray(outputs, np.float32).reshape(len(outputs), -1)
        self.labelled = self.labelled and y is not None
        if self.task == CLASSIFICATION:
            self._add_classes(split, start, flat, y, x)
        else:
            self._add_values(split, start, flat, y)

    def _open_csv(self, *, width: int) -> CsvRows:
        if self.csv is None:
            header = csv_header(
                classification=self.task == CLASSIFICATION,
                k=self.request.top_k,
                labelled=self.labelled,
                width=width,
            )
            self.csv = CsvRows(self.request.out_dir / "predictions.csv", header)
        return self.csv

    def _add_classes(
        self, split: str, start: int, flat: np.ndarray, y: np.ndarray | None, x: np.ndarray
    ) -> None:
        probabilities = class_probabilities(flat)
        classes = probabilities.shape[1]
        if len(self.names) < classes:
            self.names = self.names + [str(i) for i in range(len(self.names), classes)]
        ranked, chances = top_k(probabilities, max(self.request.top_k, 5))
        k = min(self.request.top_k, classes)
        predicted = ranked[:, 0]
        labels = self._labels(y) if y is not None else None
        if labels is not None:
            if self.classification is None:
                self.classification = ClassificationTally(classes)
            self.classification.add(labels, predicted, ranked)
            self.mistakes.add(
                split=split,
                start=start,
                x=x,
                labels=labels,
                predicted=predicted,
                probabilities=probabilities,
            )
            self.npz.write("labels", start, labels.astype(np.int32))
        self.npz.write("predicted", start, predicted.astype(np.int32))
        self.npz.write("top_k_indices", start, ranked[:, :k].astype(np.int32))
        self.npz.write("top_k_probabilities", start, chances[:, :k])
        if classes <= FULL_PROBABILITIES_UP_TO:
            self.npz.write("probabilities", start, probabilities)
        rows = []
        for i in range(len(flat)):
            row: list[Any] = [start + i, split]
            if labels is not None:
                row.append(self._name(int(labels[i]), y, i))
            row.append(self.names[int(predicted[i])])
            for rank in range(k):
                row += [self.names[int(ranked[i, rank])], probability_text(chances[i, rank])]
            rows.append(row)
        self._open_csv(width=classes).write(rows)

    def _labels(self, y: np.ndarray) -> np.ndarray:
        codes = y.astype(np.int64).reshape(-1)
        if self.label_codes is None:
            return codes
        mapped = np.full(len(codes), -1, np.int64)
        inside = (codes >= 0) & (codes < len(self.label_codes))
        mapped[inside] = self.label_codes[codes[inside]]
        return mapped

    def _name(self, label: int, y: np.ndarray | None, i: int) -> str:
        if label >= 0:
            return class_name(self.names, label)
        code = int(np.asarray(y).reshape(-1)[i])
        return f"{class_name(self.data_names, code)} (not a class of the model)"

    def _add_values(self, split: str, start: int, flat: np.ndarray, y: np.ndarray | None) -> None:
        self.npz.write("values", start, flat)
        targets = None
        if y is not None:
            targets = np.asarray(y, np.float32).reshape(len(y), -1)
            if targets.shape[1] == flat.shape[1]:
                self.regression = self.regression or RegressionTally()
                self.regression.add(targets, flat)
                self.npz.write("targets", start, targets)
            else:
                targets = None
                self.labelled = False
        rows = []
        for i in range(len(flat)):
            row: list[Any] = [start + i, split]
            if targets is not None:
                row += [probability_text(float(t)) for t in targets[i]]
            rows.append(row + [probability_text(float(v)) for v in flat[i]])
        self._open_csv(width=flat.shape[1]).write(rows)

    def progress(self) -> dict[str, float]:
        if self.classification is not None and self.classification.samples:
            return {"accuracy": self.classification.accuracy()}
        if self.regression is not None and self.regression.samples:
            return {"mae": self.regression.metrics()["mae"]}
        return {}

    def metrics(self) -> dict[str, Any]:
        if self.classification is not None:
            return self.classification.metrics(self.names)
        if self.regression is not None:
            return self.regression.metrics()
        return {}


def _label_codes(data_names: list[str], model_names: list[str]) -> np.ndarray | None:
    """The data's class numbers -> the model's, matched by name (-1: a class the model lacks).
    None when the numbers already agree."""
    if not data_names or not model_names or data_names == model_names[: len(data_names)]:
        return None
    index = {name: i for i, name in enumerate(model_names)}
    return np.array([index.get(name, -1) for name in data_names], np.int64)


def _open(path: Path, split: str) -> _Data:
    if split not in SPLIT_CHOICES:
        raise EngineError("data_invalid", f"split must be one of {', '.join(SPLIT_CHOICES)}")
    folder = path.parent if path.name == MANIFEST_NAME else path
    if folder.is_dir():
        return _open_folder(folder, split)
    return _open_npz(path, split)


def _chosen(split: str, available: list[str]) -> list[str]:
    if split == "all":
        return available
    if split == "auto":
        return ["test"] if "test" in available else available
    if split not in available:
        raise EngineError(
            "data_invalid",
            f"the data has no {split} split; it has: {', '.join(available) or 'no samples'}",
        )
    return [split]


def _open_folder(folder: Path, split: str) -> _Data:
    try:
        manifest = read_manifest(folder)
    except (OSError, ValueError, TypeError, KeyError) as error:
        raise EngineError("data_invalid", f"cannot read the dataset's manifest: {error}") from error
    splits = _chosen(split, [s for s in SPLITS if manifest.split(s) is not None])

    def batches(size: int) -> Iterator[tuple[str, np.ndarray, np.ndarray | None]]:
        for name in splits:
            for shard in manifest.splits[name].shards:
                for begin in range(0, shard.samples, size):
                    x, y = load_shard(folder, shard, manifest, begin, begin + size)
                    yield name, x, (y if manifest.labelled else None)

    return _Data(
        samples=sum(manifest.splits[s].samples for s in splits),
        splits=splits,
        task=manifest.task,
        class_names=list(manifest.class_names),
        batches=batches,
        pieces=[shard.samples for s in splits for shard in manifest.splits[s].shards],
    )


def _open_npz(path: Path, split: str) -> _Data:
    """A plain NPZ (datasets from before shards): read whole, as training reads it."""
    arrays = load_arrays(path)
    pairs = {"train": (arrays.x, arrays.y)}
    if arrays.x_test is not None and arrays.y_test is not None:
        pairs["test"] = (arrays.x_test, arrays.y_test)
    splits = _chosen(split, list(pairs))

    def batches(size: int) -> Iterator[tuple[str, np.ndarray, np.ndarray | None]]:
        for name in splits:
            x, y = pairs[name]
            for begin in range(0, len(x), size):
                yield name, x[begin : begin + size], y[begin : begin + size]

    y_integral = arrays.y.dtype.kind in "iub"
    return _Data(
        samples=sum(len(pairs[s][0]) for s in splits),
        splits=splits,
        task=CLASSIFICATION if y_integral and arrays.y.ndim == 1 else "",
        class_names=[],
        batches=batches,
        pieces=[len(pairs[s][0]) for s in splits],
    )


def _load(path: Path) -> keras.Model:
    model = load_model_file(path)
    if len(model.inputs) != 1 or len(model.outputs) != 1:
        raise EngineError(
            "model_unsuitable", "predictions need a model with one input and one output"
        )
    return model


def task_of(model: keras.Model) -> str:
    """A model without a recorded task: a softmax or sigmoid output makes it a classifier."""
    activation = getattr(model.layers[-1], "activation", None) if model.layers else None
    name = getattr(activation, "__name__", "")
    return CLASSIFICATION if name in ("softmax", "sigmoid") else REGRESSION


def _check_fits(model: keras.Model, x: np.ndarray) -> None:
    expected = tuple(model.inputs[0].shape[1:])
    got = tuple(x.shape[1:])
    same_rank = len(expected) == len(got)
    fits = same_rank and all(e is None or e == g for e, g in zip(expected, got, strict=True))
    if not fits:
        shown = [d if d is not None else "any" for d in expected]
        raise EngineError(
            "data_invalid",
            f"the samples have shape {list(got)}, but the model takes {shown}",
        )

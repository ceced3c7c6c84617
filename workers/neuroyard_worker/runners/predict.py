"""The `predict` job: run the job's model over its dataset, or over a file given with the job
(converted by the datasets' own ingestion, with the model's image size and colour mode), and
store the predictions, the metrics and the confusion matrix."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from neuroyard.jobs.models import Artifact
from neuroyard.registry.models import TrainedModel
from neuroyard_core.errors import CodedError
from neuroyard_core.formats.options import IngestOptions
from neuroyard_core.jobs.predict import DATA_INPUT, data_format
from neuroyard_worker.engine.adapt import adapt_samples
from neuroyard_worker.engine.infer import PredictRequest, PredictResult, predict
from neuroyard_worker.ingestion.convert import convert
from neuroyard_worker.runtime.job_run import JobRun
from neuroyard_worker.runtime.outcome import RunOutcome

# Larger matrices stay in the NPZ artifact only, not in the job's result.
RESULT_MATRIX_UP_TO = 100  # classes
# The most confident mistakes drawn for image data: a handful, in one picture.
MISTAKE_PICTURES = 12
# Words a file's own vocabulary may hold before re-encoding with the model's: all of them.
FILE_VOCABULARY = 10_000_000


def run_predict(run: JobRun) -> RunOutcome:
    model = run.job.model
    if model is None:
        raise CodedError("model_missing", "The job's model was deleted.")
    params = run.params()
    with tempfile.TemporaryDirectory(prefix="neuroyard-predict-") as tmp:
        data_path, data_preprocessing, split = _inputs(run, model, Path(tmp))
        request = PredictRequest(
            model_path=run.model_path(),
            data_path=data_path,
            out_dir=Path(tmp) / "out",
            split=split,
            batch_size=params["batch_size"],
            top_k=params["top_k"],
            task=model.task,
            class_names=tuple(model.class_names),
            transform=adapt_samples(data_preprocessing, model.preprocessing or {}),
            mistake_pictures=MISTAKE_PICTURES if _images(model) else 0,
        )
        result = predict(request, on_step=run.report_progress, stop_requested=run.stop_requested)
        outcome = _summary(result) | {"split": split, "model": _model_used(model)}
        if result.cancelled:
            return RunOutcome(cancelled=True, result=outcome)
        artifacts = _store(run, result)
    return RunOutcome(result=outcome | {"artifacts": artifacts})


def _inputs(run: JobRun, model: TrainedModel, tmp: Path) -> tuple[Path, dict[str, Any], str]:
    """(dataset folder, its preprocessing, split to predict)."""
    if run.job.artifacts.filter(kind=Artifact.Kind.INPUT, name=DATA_INPUT).exists():
        source = run.input_path(DATA_INPUT)
        fmt = data_format(source, model_kind=(model.preprocessing or {}).get("kind", ""))
        try:
            converted = convert(source, tmp / "data", format=fmt, options=_options(model))
        except CodedError as exc:
            raise CodedError(exc.code, f"The data file: {exc.message}") from exc
        return converted.folder, converted.manifest.preprocessing, "all"
    folder = run.dataset_path()  # CodedError dataset_missing when it was deleted
    assert run.job.dataset is not None
    return folder, run.job.dataset.stats.get("preprocessing", {}), run.params()["split"]


def _images(model: TrainedModel) -> bool:
    return (model.preprocessing or {}).get("kind") == "image"


def _model_used(model: TrainedModel) -> dict[str, Any]:
    """Which model predicted: which of its train job's epochs, if it came from one."""
    return {
        "id": str(model.id),
        "name": model.name,
        "job": str(model.job_id) if model.job_id else None,
        "epoch": model.epoch,
        "is_best": model.is_best,
        "is_last": model.is_last,
        "monitor": model.monitor,
        "monitor_value": model.monitor_value,
    }


def _options(model: TrainedModel) -> IngestOptions:
    """Ingest a file as the model's training data was: same image size and colour mode, same
    columns; text keeps every word, to be re-encoded with the model's vocabulary."""
    steps = model.preprocessing or {}
    values: dict[str, Any] = {"task": model.task or "auto", "purpose": "predict"}
    if steps.get("kind") == "image":
        values |= {"image_size": tuple(steps["image_size"]), "color_mode": steps["color_mode"]}
    if "label_column" in steps:
        values["label_column"] = steps["label_column"]
    if steps.get("kind") == "text":
        values |= {
            "text_column": steps["text_column"],
            "sequence_length": steps["sequence_length"],
            "max_tokens": FILE_VOCABULARY,
        }
    return IngestOptions(**values)


def _summary(result: PredictResult) -> dict[str, Any]:
    metrics = dict(result.metrics)
    if len(metrics.get("confusion_matrix", [])) > RESULT_MATRIX_UP_TO:
        metrics.pop("confusion_matrix")
    return {
        "samples": result.samples,
        "task": result.task,
        "splits": result.splits,
        "labelled": result.labelled,
        "metrics": metrics,
    }


def _store(run: JobRun, result: PredictResult) -> dict[str, str]:
    files = [
        (result.csv_path, Artifact.Kind.PREDICTIONS, "predictions.csv", "text/csv"),
        (result.npz_path, Artifact.Kind.PREDICTIONS, "predictions.npz", "application/octet-stream"),
        (result.confusion_matrix_path, Artifact.Kind.IMAGE, "confusion_matrix.png", "image/png"),
        (result.mistakes_path, Artifact.Kind.IMAGE, "mistakes.png", "image/png"),
    ]
    stored = {}
    for path, kind, name, content_type in files:
        if path is not None:
            artifact = run.store_artifact(
                path=path, kind=kind, name=name, content_type=content_type
            )
            stored[name] = str(artifact.id)
    return stored

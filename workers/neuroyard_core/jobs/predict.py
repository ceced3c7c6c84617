"""The `predict` job: its parameters, the check of its uploaded file, and the check of the job as
a whole (a model, and a dataset or a file it fits)."""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from neuroyard_core.errors import CodedError, Conflict
from neuroyard_core.formats import structure
from neuroyard_core.jobs.facts import DatasetFacts, JobRequest, ModelFacts

_CHUNK = 1024 * 1024

DATA_INPUT = "data"  # the field name of a file to predict on
NPZ, CSV, TEXT_CSV, IMAGE_FOLDER = "npz", "csv", "text_csv", "image_folder"  # Dataset.Format


class PredictParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    top_k: StrictInt = Field(5, ge=1, le=100, description="Likeliest classes listed per sample.")
    batch_size: StrictInt = Field(256, ge=1, le=65_536, description="Samples per forward pass.")
    split: Literal["auto", "test", "validation", "train", "all"] = Field(
        "auto",
        description="Which samples of the job's dataset: auto = its test split if it has one, "
        "else all of it. An uploaded file is predicted whole.",
    )


def data_format(path: Path, *, model_kind: str = "") -> str:
    """The dataset format of a file to predict on, told by its content: an NPZ, an image-folder
    ZIP, or a CSV (a text CSV for a model trained on text)."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
        is_npz = names and all(n.endswith(".npy") for n in names if not n.endswith("/"))
        return NPZ if is_npz else IMAGE_FOLDER
    return TEXT_CSV if model_kind == "text" else CSV


def validate_prediction_file(name: str, upload: IO[bytes]) -> None:
    """What the file's headers can tell without the model: an NPZ with x (and y, if labelled),
    an image-folder ZIP, or a UTF-8 CSV with a header row (the label column optional). The rest
    is checked as the job converts it."""
    with _local_copy(upload) as path:
        fmt = data_format(path)
        if fmt == NPZ:
            structure.npz_layout(path, labels_optional=True)
        elif fmt == IMAGE_FOLDER:
            with structure.open_archive(path) as archive:
                structure.image_folder_layout(archive, labels_optional=True)
        else:
            structure.csv_header(path)
    upload.seek(0)


@contextmanager
def _local_copy(upload: Any) -> Iterator[Path]:  # a Django upload may be on disk already
    if hasattr(upload, "temporary_file_path"):
        yield Path(upload.temporary_file_path())
        return
    with tempfile.NamedTemporaryFile(prefix="neuroyard-predict-") as copy:
        upload.seek(0)
        for chunk in iter(lambda: upload.read(_CHUNK), b""):
            copy.write(chunk)
        copy.flush()
        yield Path(copy.name)


def predict_job_check(request: JobRequest) -> None:
    """A predict job takes a ready dataset or a file (not both) that fits its model."""
    dataset, model, inputs = request.dataset, request.model, request.inputs
    if dataset is not None and DATA_INPUT in inputs:
        raise CodedError("invalid_input", "Give a predict job a dataset or a data file, not both.")
    if dataset is None and DATA_INPUT not in inputs:
        raise CodedError(
            "dataset_required",
            "A predict job needs a dataset, or a file to predict on (field 'data').",
        )
    if dataset is None:
        return
    if dataset.status != "ready":
        raise Conflict(
            "dataset_not_ready",
            f"The dataset is {dataset.status}; predictions can run once it is ready.",
        )
    assert model is not None  # the kind needs one
    _check_fits(dataset, model)


def _check_fits(dataset: DatasetFacts, model: ModelFacts) -> None:
    data_kind = dataset.stats.get("preprocessing", {}).get("kind", "")
    model_kind = (model.preprocessing or {}).get("kind", "")
    if data_kind == "text" and model_kind == "text":
        return  # re-encoded with the model's vocabulary and sequence length
    if data_kind == "table" and model_kind == "table":
        return  # columns are taken by name
    samples = list(dataset.stats.get("input_shape") or [])
    takes = list(model.input_shape or [])
    if samples and takes and samples != takes:
        hint = (
            " Upload the images as a file with the job instead: they are resized to the "
            "model's size."
            if data_kind == "image" and model_kind == "image"
            else ""
        )
        raise CodedError(
            "dataset_incompatible",
            f"The dataset's samples have shape {samples}, but the model takes {takes}.{hint}",
            details={"sample_shape": samples, "model_input_shape": takes},
        )

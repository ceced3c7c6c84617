"""Glue shared by the image jobs: the network a job looks through, its pictures in and out,
engine errors as job failures."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings

from neuroyard.jobs.models import Artifact
from neuroyard_core.pretrained_download import WeightsSource, pretrained_weights
from neuroyard_worker.engine.backbones import BackboneName
from neuroyard_worker.engine.images import Picture, read_picture, write_png
from neuroyard_worker.engine.networks import KerasApplication, NetworkSource, TrainedNetwork
from neuroyard_worker.runtime.job_run import JobRun


def network_source(run: JobRun, application: BackboneName) -> NetworkSource:
    """The job's model when it has one, else the Keras application with the weights the job
    asks for: ImageNet's (downloaded now if missing and allowed, else weights_unavailable) or
    random ones."""
    if run.job.model is not None:
        return TrainedNetwork(run.model_path())
    if run.params().get("weights") == "random":
        return KerasApplication(application)
    path = pretrained_weights(application, source=weights_source(), on_download=run.report_download)
    return KerasApplication(application, weights_file=path)


def weights_source() -> WeightsSource:
    return WeightsSource(
        weights_dir=Path(settings.NEUROYARD_WEIGHTS_DIR),
        download=settings.NEUROYARD_WEIGHTS_DOWNLOAD,
        base_url=settings.NEUROYARD_WEIGHTS_BASE_URL,
        timeout=settings.NEUROYARD_WEIGHTS_TIMEOUT_SECONDS,
    )


def network_name(run: JobRun, application: BackboneName) -> str:
    return run.job.model.name if run.job.model is not None else application


def engine_options(params: dict[str, Any], request_type: type) -> dict[str, Any]:
    """The job's params an engine request takes under the same name (lists as tuples)."""
    names = {field.name for field in dataclasses.fields(request_type)}
    return {
        name: tuple(value) if isinstance(value, list) else value
        for name, value in params.items()
        if name in names
    }


def input_picture(run: JobRun, name: str) -> Picture:
    return read_picture(run.input_path(name))


def optional_input_picture(run: JobRun, name: str) -> Picture | None:
    try:
        path = run.input_path(name)
    except Artifact.DoesNotExist:
        return None
    return read_picture(path)


def store_png(
    run: JobRun, pixels: np.ndarray, *, name: str, folder: Path, like: Picture | None = None
) -> str:
    """Save pixels as an image artifact of the job; its id."""
    path = write_png(pixels, folder / name, like=like)
    artifact = run.store_artifact(path=path, kind="image", name=name, content_type="image/png")
    return str(artifact.id)

"""The `adversarial` job: FGSM on the uploaded image or one sample of the job's dataset."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from neuroyard_core.errors import CodedError
from neuroyard_worker.engine.adversarial import (
    AdversarialRequest,
    AdversarialResult,
    ClassScore,
    fgsm,
)
from neuroyard_worker.engine.data import read_sample, split_samples
from neuroyard_worker.engine.images import from_model_input
from neuroyard_worker.runners.images import optional_input_picture, store_png
from neuroyard_worker.runtime.job_run import JobRun
from neuroyard_worker.runtime.outcome import RunOutcome


def run_adversarial(run: JobRun) -> RunOutcome:
    params = run.params()
    label: int | None = params["label"]
    label_source = "given" if label is not None else "prediction"
    picture = optional_input_picture(run, "image")
    sample = None
    if picture is None:
        if params["sample_index"] is None:
            raise CodedError(
                "input_required",
                "An adversarial job needs an image, or params.sample_index and a dataset.",
            )
        sample, sample_label = _dataset_sample(run, params["sample_index"], params["split"])
        if label is None:
            label, label_source = sample_label, "dataset"
    request = AdversarialRequest(
        model_path=run.model_path(),
        picture=picture.pixels if picture is not None else None,
        inputs=sample[np.newaxis] if sample is not None else None,
        labels=np.array([label], dtype=np.int64) if label is not None else None,
        epsilons=tuple(params["epsilons"]),
    )
    result = fgsm(request)
    names = list(run.job.model.class_names) if run.job.model is not None else []
    outcome: dict[str, Any] = {
        "label": _class(int(result.labels[0]), names),
        "label_source": label_source,
        "before": {
            "prediction": _class(int(result.predictions[0]), names),
            "top5": _ranking(result.top[0], names),
        },
        "attacks": [
            {
                "epsilon": attack.epsilon,
                "prediction": _class(int(attack.predictions[0]), names),
                "fooled": bool(attack.fooled[0]),
                "top5": _ranking(attack.top[0], names),
            }
            for attack in result.attacks
        ],
    }
    with tempfile.TemporaryDirectory(prefix="neuroyard-fgsm-") as tmp:
        images = _store_pictures(run, result, Path(tmp))
    for attack, image in zip(outcome["attacks"], images.pop("attacks"), strict=True):
        attack["image"] = image
    return RunOutcome(result=outcome | images)


def _dataset_sample(run: JobRun, index: int, split: str) -> tuple[np.ndarray, int]:
    path = run.dataset_path()
    samples = split_samples(path, split)
    if samples == 0:
        raise CodedError("sample_missing", f"The dataset has no {split} split; use 'train'.")
    if index >= samples:
        raise CodedError(
            "sample_missing",
            f"The dataset's {split} split has {samples} samples, not {index + 1}.",
        )
    x, y = read_sample(path, split=split, index=index)
    return np.asarray(x, dtype=np.float32), int(np.asarray(y).reshape(-1)[0])


def _store_pictures(run: JobRun, result: AdversarialResult, folder: Path) -> dict[str, Any]:
    """The input, the perturbation and each perturbed input as PNGs, when inputs are pictures."""
    original = from_model_input(result.inputs[0])
    if original is None:  # tabular inputs: the predictions are the whole story
        return {"original": None, "perturbation": None, "attacks": [None] * len(result.attacks)}
    # A sign map in {-1, 0, 1} drawn as dark, mid-grey and light.
    perturbation = from_model_input((result.perturbation[0] + 1.0) / 2.0)
    assert perturbation is not None
    return {
        "original": store_png(run, original, name="original.png", folder=folder),
        "perturbation": store_png(run, perturbation, name="perturbation.png", folder=folder),
        "attacks": [
            store_png(
                run,
                _picture(attack.inputs[0]),
                name=f"epsilon-{attack.epsilon:g}.png",
                folder=folder,
            )
            for attack in result.attacks
        ],
    }


def _picture(sample: np.ndarray) -> np.ndarray:
    # Perturbed inputs stay in [0, 1] (clipped), so they draw on the original's scale.
    picture = from_model_input(np.clip(sample, 0.0, 1.0))
    assert picture is not None
    return picture


def _class(label: int, names: list[str]) -> dict[str, Any]:
    return {"class": label, "name": names[label] if label < len(names) else str(label)}


def _ranking(scores: tuple[ClassScore, ...], names: list[str]) -> list[dict[str, Any]]:
    return [_class(s.label, names) | {"probability": s.probability} for s in scores]

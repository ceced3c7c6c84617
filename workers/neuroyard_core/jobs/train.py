"""The `train` job's parameters and its check at submission: from a spec alone, or (transfer
learning) from a trained or uploaded model or a Keras application, with an optional spec for the
new head."""

from __future__ import annotations

import contextlib
from typing import Any

from pydantic import ConfigDict, Field, StrictBool, StrictFloat, StrictInt

from neuroyard_core.errors import CodedError
from neuroyard_core.jobs.checks import check_monitors, check_validation_split, spec_check_dataset
from neuroyard_core.jobs.facts import (
    DatasetFacts,
    JobRequest,
    ModelFacts,
    dataset_check_ready,
)
from neuroyard_core.spec import SpecError, check_against_dataset, parse_spec, summarize
from neuroyard_core.spec.shapes import format_shape
from neuroyard_core.spec.transfer import BACKBONES, TransferParams


class TrainParams(TransferParams):
    """Starts from the job's spec, or (transfer learning) from its model or a backbone."""

    model_config = ConfigDict(extra="forbid")

    epochs: StrictInt = Field(10, ge=1, le=100_000, description="Passes over the training data.")
    batch_size: StrictInt = Field(32, ge=1, le=65_536)
    validation_split: StrictFloat = Field(
        0.0, ge=0.0, lt=1.0, description="Fraction of the training data held out for validation."
    )
    seed: StrictInt = Field(0, ge=0, le=2**31 - 1, description="Same seed, same data: same model.")
    time_limit: StrictInt | None = Field(
        None, ge=1, le=30 * 24 * 3600, description="Stop the job after this many seconds."
    )
    mixed_precision: StrictBool = Field(
        False, description="float16 compute on GPUs (ignored on CPU)."
    )
    xla: StrictBool = Field(False, description="Compile the training step with XLA.")
    distribute: StrictBool = Field(
        False, description="Train across every GPU of the worker (MirroredStrategy)."
    )


def train_job_check(request: JobRequest) -> None:
    """CodedError unless the job can start: a spec that fits the dataset, or a model or backbone
    whose inputs fit it, with options and head spec that fit the model."""
    params, dataset, spec, model = request.params, request.dataset, request.spec, request.model
    options = TransferParams.model_validate(
        {name: params[name] for name in TransferParams.model_fields if name in params}
    )
    if model is not None and options.backbone is not None:
        raise CodedError(
            "invalid_params", "Start from a model or from params.backbone, not from both."
        )
    if model is None and options.backbone is None:
        given = options.transfer_options_given()
        if given:
            raise CodedError(
                "invalid_params",
                f"params.{given[0]} is a transfer-learning option: it needs a model or "
                "params.backbone to start from.",
            )
        if spec is None:
            raise CodedError(
                "spec_required", "A train job needs a spec, or a model or backbone to start from."
            )
    split = params.get("validation_split", 0.0)
    if spec is not None:
        with contextlib.suppress(SpecError):  # the spec's own errors are told below
            check_monitors(parse_spec(spec), split)
    if dataset is None:
        return
    if dataset.status == "ready":
        check_validation_split(_training_samples(dataset), split)
    if model is None and options.backbone is None:
        assert spec is not None
        spec_check_dataset(spec=spec, dataset=dataset)
        return
    dataset_check_ready(dataset)
    features = (
        _backbone_features(options.backbone, dataset)
        if options.backbone is not None
        else _model_features(model, options, dataset)  # type: ignore[arg-type]
    )
    if spec is not None:
        _check_head(spec, dataset, features, options.backbone or "the model")


def _backbone_features(backbone: str, dataset: DatasetFacts) -> int:
    shape = tuple(dataset.stats.get("input_shape", ()))
    if len(shape) != 3 or shape[-1] not in (1, 3):
        raise CodedError(
            "transfer_unsuitable",
            f"{backbone} takes images, but the dataset's samples have shape {format_shape(shape)};"
            " use a dataset of (height, width, 1 or 3) images.",
        )
    return BACKBONES[backbone].features


def _model_features(
    model: ModelFacts, options: TransferParams, dataset: DatasetFacts
) -> int | None:
    """The length of the feature vector the new head takes, when the model's layers are known."""
    data_shape = list(dataset.stats.get("input_shape", []))
    if model.input_shape and list(model.input_shape) != data_shape:
        raise CodedError(
            "model_incompatible",
            f"The model takes samples of shape {format_shape(tuple(model.input_shape))}, but the "
            f"dataset's samples have shape {format_shape(tuple(data_shape))}.",
        )
    names = [layer["name"] for layer in model.layers]
    if options.freeze_until is not None and names and options.freeze_until not in names:
        raise CodedError(
            "layer_unknown",
            f"The model has no layer '{options.freeze_until}'; its layers are: "
            f"{', '.join(names[:40])}{', ...' if len(names) > 40 else ''}.",
        )
    if options.head == "keep":
        _check_kept_head(model, dataset)
        return None
    weighted = [i for i, layer in enumerate(model.layers) if layer.get("params", 0) > 0]
    if not weighted or weighted[-1] == 0:
        return None
    shape = model.layers[weighted[-1] - 1].get("output_shape") or [None]
    return shape[-1]


def _check_kept_head(model: ModelFacts, dataset: DatasetFacts) -> None:
    classes = dataset.stats.get("num_classes")
    outputs = (model.output_shape or [None])[-1]
    # One sigmoid unit scores two classes.
    fits = outputs in (None, classes) or (outputs == 1 and classes == 2)
    if dataset.task == "classification" and classes and not fits:
        raise CodedError(
            "model_incompatible",
            f"The model scores {outputs} classes but the dataset has {classes}; give "
            "params.head 'replace' for a new last layer sized to the dataset.",
        )


def _check_head(spec: Any, dataset: DatasetFacts, features: int | None, base: str) -> None:
    try:
        parsed = parse_spec(spec)
        summary = summarize(parsed)
        if features is not None and summary.input_shape != (features,):
            raise SpecError.single(
                "layers[0].shape",
                f"layers[0] (Input): a head takes the {features} features {base} gives for each "
                f"sample, so its Input shape must be [{features}], not "
                f"{list(summary.input_shape)}",
            )
        check_against_dataset(
            summary,
            parsed,
            input_shape=summary.input_shape,
            num_classes=dataset.stats.get("num_classes"),
            task=dataset.task,
        )
    except SpecError as exc:
        raise SpecError(exc.errors, code="spec_incompatible") from None


def _training_samples(dataset: DatasetFacts) -> int:
    """The samples validation_split divides: the dataset's training split."""
    return int(dataset.stats.get("num_samples") or 0)

"""The web-side check of a train job: from a spec alone, or (transfer learning) from a trained or
uploaded model or a Keras application, with an optional spec for the new head."""

from __future__ import annotations

from typing import Any

from neuroyard.core.errors import DomainError
from neuroyard.datasets.models import Dataset
from neuroyard.registry.models import TrainedModel
from neuroyard.specs.models import ModelSpec
from neuroyard.specs.services import dataset_check_ready, spec_check_dataset, spec_error
from neuroyard_core.spec import SpecError, check_against_dataset, parse_spec, summarize
from neuroyard_core.spec.shapes import format_shape
from neuroyard_core.spec.transfer import BACKBONES, TransferParams


def train_job_check(
    *,
    params: dict[str, Any],
    dataset: Dataset | None,
    spec: ModelSpec | None,
    model: TrainedModel | None,
) -> None:
    """DomainError unless the job can start: a spec that fits the dataset, or a model or backbone
    whose inputs fit it, with options and head spec that fit the model."""
    options = TransferParams.model_validate(
        {name: params[name] for name in TransferParams.model_fields if name in params}
    )
    if model is not None and options.backbone is not None:
        raise DomainError(
            "invalid_params", "Start from a model or from params.backbone, not from both."
        )
    if model is None and options.backbone is None:
        given = options.transfer_options_given()
        if given:
            raise DomainError(
                "invalid_params",
                f"params.{given[0]} is a transfer-learning option: it needs a model or "
                "params.backbone to start from.",
            )
        if spec is None:
            raise DomainError(
                "spec_required", "A train job needs a spec, or a model or backbone to start from."
            )
    if spec is not None:
        _check_monitors(spec.spec, params.get("validation_split", 0.0))
    if dataset is None:
        return
    if model is None and options.backbone is None:
        assert spec is not None
        spec_check_dataset(spec=spec.spec, dataset=dataset)
        return
    dataset_check_ready(dataset)
    features = (
        _backbone_features(options.backbone, dataset)
        if options.backbone is not None
        else _model_features(model, options, dataset)  # type: ignore[arg-type]
    )
    if spec is not None:
        _check_head(spec, dataset, features, options.backbone or "the model")


def _backbone_features(backbone: str, dataset: Dataset) -> int:
    shape = tuple(dataset.stats.get("input_shape", ()))
    if len(shape) != 3 or shape[-1] not in (1, 3):
        raise DomainError(
            "transfer_unsuitable",
            f"{backbone} takes images, but the dataset's samples have shape {format_shape(shape)};"
            " use a dataset of (height, width, 1 or 3) images.",
        )
    return BACKBONES[backbone].features


def _model_features(model: TrainedModel, options: TransferParams, dataset: Dataset) -> int | None:
    """The length of the feature vector the new head takes, when the model's layers are known."""
    data_shape = list(dataset.stats.get("input_shape", []))
    if model.input_shape and list(model.input_shape) != data_shape:
        raise DomainError(
            "model_incompatible",
            f"The model takes samples of shape {format_shape(tuple(model.input_shape))}, but the "
            f"dataset's samples have shape {format_shape(tuple(data_shape))}.",
        )
    names = [layer["name"] for layer in model.layers]
    if options.freeze_until is not None and names and options.freeze_until not in names:
        raise DomainError(
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


def _check_kept_head(model: TrainedModel, dataset: Dataset) -> None:
    classes = dataset.stats.get("num_classes")
    outputs = (model.output_shape or [None])[-1]
    # One sigmoid unit scores two classes.
    fits = outputs in (None, classes) or (outputs == 1 and classes == 2)
    if dataset.task == "classification" and classes and not fits:
        raise DomainError(
            "model_incompatible",
            f"The model scores {outputs} classes but the dataset has {classes}; give "
            "params.head 'replace' for a new last layer sized to the dataset.",
        )


def _check_head(spec: ModelSpec, dataset: Dataset, features: int | None, base: str) -> None:
    try:
        parsed = parse_spec(spec.spec)
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
        raise spec_error(exc, "spec_incompatible") from None


def _check_monitors(spec: dict[str, Any], validation_split: float) -> None:
    watched = [
        callback.get("monitor", "val_loss")
        for callback in spec.get("callbacks", [])
        if isinstance(callback, dict)
    ]
    validation = [name for name in watched if str(name).startswith("val_")]
    if validation and not validation_split:
        raise DomainError(
            "invalid_params",
            f"The spec's callbacks watch {', '.join(validation)}, which needs validation data: "
            "give params.validation_split above 0.",
        )

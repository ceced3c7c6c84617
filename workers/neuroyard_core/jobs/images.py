"""The image jobs (deepdream, style_transfer, adversarial, visualize): their parameters, the check
their uploaded pictures pass and the adversarial job's check. Defaults follow the TensorFlow
tutorials."""

from __future__ import annotations

from typing import IO, Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    model_validator,
)

from neuroyard_core.errors import CodedError, Conflict
from neuroyard_core.jobs.facts import DatasetFacts, JobRequest
from neuroyard_core.safety.images import open_image

LayerName = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.\-/]{1,200}$")]
Layers = Annotated[list[LayerName], Field(min_length=1, max_length=16)]

_MIXED_PRECISION = "float16 compute on GPUs (ignored on CPU); losses stay float32."
_XLA = "Compile the optimisation step with XLA."
_WEIGHTS = (
    "The Keras application's weights: ImageNet's (downloaded the first time a job needs them) or "
    "random ones (the network sees nothing: for trying the job out). A job's model uses its own."
)
Weights = Literal["imagenet", "random"]


def validate_image_input(name: str, upload: IO[bytes]) -> None:
    """The upload decodes as a picture of a supported format and sane size, or a 400."""
    open_image(upload, name=name)
    upload.seek(0)


class DeepDreamParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    layers: Layers | None = Field(
        None,
        description="Layers whose activations the dream amplifies. Default: mixed3 and mixed5 "
        "of InceptionV3, or the last two convolution layers of the job's model.",
    )
    layer_weights: list[Annotated[StrictFloat, Field(ge=-100, le=100)]] | None = Field(
        None, description="One weight per layer (default 1 each); negative ones suppress."
    )
    octaves: StrictInt = Field(5, ge=1, le=8, description="Scales octave_scale**k, k centred on 0.")
    octave_scale: StrictFloat = Field(1.3, ge=1.0, le=2.0)
    steps_per_octave: StrictInt = Field(100, ge=1, le=1000)
    step_size: StrictFloat = Field(0.01, gt=0.0, le=1.0, description="On pixels scaled to [-1, 1].")
    tile_size: StrictInt = Field(
        512, ge=160, le=2048, description="Largest tile the gradient is computed on at once."
    )
    working_size: StrictInt = Field(
        512,
        ge=32,
        le=4096,
        description="Longest side the dream runs at; the output has the input's size.",
    )
    seed: StrictInt = Field(
        0, ge=0, le=2**31 - 1, description="Seeds the random roll of the tiles."
    )
    weights: Weights = Field("imagenet", description=_WEIGHTS)
    mixed_precision: StrictBool = Field(False, description=_MIXED_PRECISION)
    xla: StrictBool = Field(False, description=_XLA)

    @model_validator(mode="after")
    def _one_weight_per_layer(self) -> DeepDreamParams:
        if self.layer_weights is not None and (
            self.layers is None or len(self.layer_weights) != len(self.layers)
        ):
            raise ValueError("layer_weights needs layers, and one weight for each")
        return self


class StyleTransferParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    content_layers: Layers | None = Field(
        None, description="Default: block5_conv2 of VGG19, or the model's last convolution layer."
    )
    style_layers: Layers | None = Field(
        None,
        description="Default: block1_conv1 ... block5_conv1 of VGG19, or up to five of the "
        "model's convolution layers.",
    )
    content_weight: StrictFloat | None = Field(
        None, gt=0.0, le=1e15, description="Default 1e4 (VGG19), scaled for a model's [0, 1] input."
    )
    style_weight: StrictFloat | None = Field(
        None, gt=0.0, le=1e15, description="Default 1e-2 (VGG19), scaled likewise."
    )
    total_variation_weight: StrictFloat = Field(30.0, ge=0.0, le=1e15)
    learning_rate: StrictFloat = Field(
        0.02, gt=0.0, le=10.0, description="Adam's, on pixels in [0, 1]."
    )
    steps: StrictInt = Field(1000, ge=1, le=20_000)
    output_size: StrictInt = Field(512, ge=16, le=2048, description="Longest side of the output.")
    frame_every: StrictInt = Field(
        100, ge=0, le=20_000, description="Keep an intermediate image every this many steps."
    )
    weights: Weights = Field("imagenet", description=_WEIGHTS)
    mixed_precision: StrictBool = Field(False, description=_MIXED_PRECISION)
    xla: StrictBool = Field(False, description=_XLA)


class AdversarialParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    epsilons: list[Annotated[StrictFloat, Field(gt=0.0, le=1.0)]] = Field(
        [0.01, 0.1, 0.15],
        min_length=1,
        max_length=10,
        description="Perturbation sizes, on inputs scaled to [0, 1].",
    )
    sample_index: StrictInt | None = Field(
        None, ge=0, description="Attack this sample of the job's dataset instead of an image."
    )
    split: Literal["test", "train"] = Field("test", description="Where sample_index points.")
    label: StrictInt | None = Field(
        None,
        ge=0,
        description="The true class. Default: the sample's label, or the model's prediction.",
    )


class VisualizeParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kernels: StrictBool = Field(True, description="Draw the first convolution layer's kernels.")
    activation_layers: Layers | None = Field(
        None,
        description="Layers whose feature maps are drawn for the uploaded image (default: every "
        "convolution layer).",
    )
    features: StrictBool = Field(True, description="Draw the input each filter responds to most.")
    feature_layer: LayerName | None = Field(None, description="Default: the last convolution.")
    filters: list[Annotated[StrictInt, Field(ge=0)]] | None = Field(
        None, min_length=1, max_length=256, description="Default: the first max_filters."
    )
    max_filters: StrictInt = Field(16, ge=1, le=256)
    feature_steps: StrictInt = Field(30, ge=1, le=1000)
    feature_learning_rate: StrictFloat = Field(10.0, gt=0.0, le=1000.0)
    feature_size: StrictInt = Field(128, ge=16, le=512)


IMAGE_INPUT = "image"


def adversarial_job_check(request: JobRequest) -> None:
    """A classifier, one input to attack, and a sample index and label that exist."""
    params, dataset, model, inputs = request.params, request.dataset, request.model, request.inputs
    if model is not None and model.task and model.task != "classification":
        raise CodedError(
            "model_incompatible",
            f"Adversarial examples fool a classifier; this model does {model.task}.",
        )
    index = params.get("sample_index")
    has_image = IMAGE_INPUT in inputs
    if has_image and index is not None:
        raise CodedError(
            "invalid_input", "Give an adversarial job an image or params.sample_index, not both."
        )
    if not has_image and index is None:
        raise CodedError(
            "input_required",
            "An adversarial job needs an image to attack (field 'image'), or params.sample_index "
            "and a dataset.",
        )
    classes = len(model.class_names) if model is not None else 0
    label = params.get("label")
    if label is not None and classes and label >= classes:
        raise CodedError(
            "invalid_params",
            f"params.label {label} is not a class of the model, which has {classes} (0 to "
            f"{classes - 1}).",
        )
    if index is not None:
        _check_sample(dataset, index=index, split=params.get("split", "test"))


def _check_sample(dataset: DatasetFacts | None, *, index: int, split: str) -> None:
    if dataset is None:
        raise CodedError(
            "dataset_required", "params.sample_index picks a sample of the job's dataset; give one."
        )
    if dataset.status != "ready":
        raise Conflict(
            "dataset_not_ready", f"The dataset is {dataset.status}; its samples are not ready yet."
        )
    samples = int((dataset.stats.get("splits") or {}).get(split) or 0)
    if index >= samples:
        has = f"has {samples} samples (0 to {samples - 1})" if samples else "is empty"
        raise CodedError(
            "invalid_params", f"params.sample_index {index}: the dataset's {split} split {has}."
        )

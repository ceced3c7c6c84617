"""The job-kind registry: what each kind takes, where it runs and what it produces.

Adding a kind is one entry here plus one runner and engine module in the worker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt

from neuroyard.jobs.image_params import (
    AdversarialParams,
    DeepDreamParams,
    StyleTransferParams,
    VisualizeParams,
    validate_image_input,
)
from neuroyard.registry.predict_job import (
    DATA_INPUT,
    PredictParams,
    predict_job_check,
    validate_prediction_file,
)
from neuroyard_worker.spec.transfer import TransferParams


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


@dataclass(frozen=True)
class JobKind:
    name: str
    queue: str
    params: type[BaseModel]
    needs_dataset: bool = False
    needs_spec: bool = False
    needs_model: bool = False
    # Files uploaded with the job, by field name (e.g. "image"; "content" and "style").
    inputs: tuple[str, ...] = ()
    optional_inputs: tuple[str, ...] = ()
    artifact_kinds: tuple[str, ...] = ()
    checkpointed: bool = False
    # Checks one uploaded input file in the web process (raise DomainError); None: any file.
    validate_input: Callable[[str, Any], None] | None = None
    # Checks the job as a whole (params, dataset, spec, model, inputs: the uploaded files by
    # field name) in the web process (raise DomainError); None: the spec, if any, is checked
    # against the dataset.
    validate_job: Callable[..., None] | None = None


def _check_train_job(*, inputs: Any, **job: Any) -> None:
    from neuroyard.registry.transfer import train_job_check  # imports models: not at load time

    train_job_check(**job)


def _check_adversarial_job(**job: Any) -> None:
    from neuroyard.registry.adversarial_job import adversarial_job_check  # imports models

    adversarial_job_check(**job)


KINDS: dict[str, JobKind] = {
    kind.name: kind
    for kind in [
        JobKind(
            name="train",
            queue="gpu",
            params=TrainParams,
            needs_dataset=True,
            # A spec, or a model or backbone to start from (and then maybe a spec for the head).
            validate_job=_check_train_job,
            artifact_kinds=("model",),
            checkpointed=True,
        ),
        # The image jobs. deepdream and style_transfer look through the job's model when one is
        # given, else InceptionV3 / VGG19; adversarial and visualize are about the model itself.
        JobKind(
            name="deepdream",
            queue="gpu",
            params=DeepDreamParams,
            inputs=("image",),
            artifact_kinds=("image",),
            validate_input=validate_image_input,
        ),
        JobKind(
            name="style_transfer",
            queue="gpu",
            params=StyleTransferParams,
            inputs=("content", "style"),
            artifact_kinds=("image",),
            validate_input=validate_image_input,
        ),
        JobKind(
            name="adversarial",
            queue="gpu",
            params=AdversarialParams,
            needs_model=True,
            optional_inputs=("image",),  # or params.sample_index of the job's dataset
            artifact_kinds=("image",),
            validate_input=validate_image_input,
            validate_job=_check_adversarial_job,
        ),
        # Predictions of the job's model for its dataset, or for a file in any dataset format.
        JobKind(
            name="predict",
            queue="gpu",
            params=PredictParams,
            needs_model=True,
            optional_inputs=(DATA_INPUT,),
            artifact_kinds=("predictions", "image"),
            validate_input=validate_prediction_file,
            validate_job=predict_job_check,
        ),
        JobKind(
            name="visualize",
            queue="gpu",
            params=VisualizeParams,
            needs_model=True,
            optional_inputs=("image",),  # for the activation grids
            artifact_kinds=("image",),
            validate_input=validate_image_input,
        ),
    ]
}

RUN_JOB_TASK = "neuroyard.run_job"

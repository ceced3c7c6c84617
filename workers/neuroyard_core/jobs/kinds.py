"""The built-in job kinds. A new kind is one entry here (or in a module of its own that calls
`register`), plus its engine module and its runner in the worker."""

from __future__ import annotations

from neuroyard_core.jobs.gan import gan_job_check
from neuroyard_core.jobs.images import (
    IMAGE_INPUT,
    AdversarialParams,
    DeepDreamParams,
    StyleTransferParams,
    VisualizeParams,
    adversarial_job_check,
    validate_image_input,
)
from neuroyard_core.jobs.predict import (
    DATA_INPUT,
    PredictParams,
    predict_job_check,
    validate_prediction_file,
)
from neuroyard_core.jobs.registry import InputFile, JobKind, register
from neuroyard_core.jobs.train import TrainParams, train_job_check
from neuroyard_core.spec.gan import GanParams

_IMAGES = ".png,.jpg,.jpeg,.gif,.bmp,.webp,.tif,.tiff"


def _picture(name: str, title: str, description: str, *, required: bool = True) -> InputFile:
    return InputFile(
        name=name,
        title=title,
        description=description,
        required=required,
        accept=_IMAGES,
        check=validate_image_input,
    )


register(
    JobKind(
        name="train",
        title="Train a network",
        description="Fit a network to a dataset, epoch by epoch, and keep the trained model.",
        queue="gpu",
        params=TrainParams,
        runner="neuroyard_worker.runners.train:run_train",
        needs_dataset=True,
        # A spec, or a model or backbone to start from (and then maybe a spec for the head).
        accepts_spec=True,
        accepts_model=True,
        artifact_kinds=("model", "tensorboard"),
        checkpointed=True,
        check=train_job_check,
    )
)
# The image jobs. deepdream and style_transfer look through the job's model when one is given,
# else InceptionV3 / VGG19; adversarial and visualize are about the model itself.
register(
    JobKind(
        name="deepdream",
        title="DeepDream",
        description="Amplify the patterns a ConvNet sees in an image.",
        queue="gpu",
        params=DeepDreamParams,
        runner="neuroyard_worker.runners.dream:run_dream",
        accepts_model=True,
        inputs=(_picture("image", "Image", "The picture to dream on."),),
        artifact_kinds=("image",),
    )
)
register(
    JobKind(
        name="style_transfer",
        title="Style transfer",
        description="Paint a content image in the style of another.",
        queue="gpu",
        params=StyleTransferParams,
        runner="neuroyard_worker.runners.style:run_style",
        accepts_model=True,
        inputs=(
            _picture("content", "Content image", "The picture whose content is kept."),
            _picture("style", "Style image", "The picture whose style is painted on."),
        ),
        artifact_kinds=("image",),
    )
)
register(
    JobKind(
        name="adversarial",
        title="Adversarial example",
        description="Nudge an image just enough to fool a classifier (fast gradient sign method).",
        queue="gpu",
        params=AdversarialParams,
        runner="neuroyard_worker.runners.adversarial:run_adversarial",
        needs_model=True,
        accepts_dataset=True,  # params.sample_index picks one of its samples
        inputs=(
            _picture(
                IMAGE_INPUT,
                "Image to attack",
                "Or leave it out and pick a sample of the dataset with sample_index.",
                required=False,
            ),
        ),
        artifact_kinds=("image",),
        check=adversarial_job_check,
    )
)
# Predictions of the job's model for its dataset, or for a file in any dataset format.
register(
    JobKind(
        name="predict",
        title="Batch prediction",
        description="Run a trained model over a dataset or a file and download its predictions.",
        queue="gpu",
        params=PredictParams,
        runner="neuroyard_worker.runners.predict:run_predict",
        needs_model=True,
        accepts_dataset=True,
        inputs=(
            InputFile(
                name=DATA_INPUT,
                title="Samples to predict",
                description="An NPZ (x, optionally y), a CSV (the label column optional) or a "
                "ZIP of pictures (in class folders, or not), instead of a dataset.",
                required=False,
                accept=".npz,.csv,.zip",
                check=validate_prediction_file,
            ),
        ),
        artifact_kinds=("predictions", "image"),
        check=predict_job_check,
    )
)
register(
    JobKind(
        name="visualize",
        title="Look inside a network",
        description="See a ConvNet's filters, activations and what its units respond to.",
        queue="gpu",
        params=VisualizeParams,
        runner="neuroyard_worker.runners.visualize:run_visualize",
        needs_model=True,
        inputs=(
            _picture(
                "image",
                "Image",
                "A picture whose activations are drawn (optional).",
                required=False,
            ),
        ),
        artifact_kinds=("image",),
    )
)
# Two networks trained against each other: the job's spec is the generator, params.discriminator
# the other one; the generator becomes the job's model.
register(
    JobKind(
        name="gan",
        title="Generative adversarial network",
        description="Train a generator to draw pictures like the dataset's, against a "
        "discriminator that tells them from real ones.",
        queue="gpu",
        params=GanParams,
        runner="neuroyard_worker.runners.gan:run_gan",
        needs_dataset=True,
        needs_spec=True,
        artifact_kinds=("model", "image"),
        checkpointed=True,
        check=gan_job_check,
    )
)

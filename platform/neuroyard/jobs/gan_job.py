"""What the web process checks of a `gan` job before a worker starts it: an image dataset, a
generator (the job's spec) that draws the dataset's pictures, a discriminator that ends in one
value, and for a conditional GAN, classes to condition on."""

from __future__ import annotations

from typing import Any

from neuroyard.core.errors import DomainError
from neuroyard.datasets.models import Dataset
from neuroyard.specs.models import ModelSpec
from neuroyard.specs.services import dataset_check_ready, spec_error
from neuroyard_worker.spec import SpecError
from neuroyard_worker.spec.gan import check_image_shape, gan_networks


def gan_job_check(
    *, params: dict[str, Any], dataset: Dataset | None, spec: ModelSpec | None, **job: Any
) -> None:
    if dataset is None or spec is None:
        return  # job_create has already said which one is missing
    dataset_check_ready(dataset)
    shape = tuple(dataset.stats.get("input_shape") or ())
    try:
        check_image_shape(shape)
    except SpecError as exc:
        raise DomainError(
            "dataset_incompatible",
            f"The dataset '{dataset.name}' is not a set of images: {exc}.",
        ) from None
    classes = 0
    if params["conditional"]:
        if dataset.task != "classification" or not dataset.stats.get("num_classes"):
            raise DomainError(
                "dataset_incompatible",
                f"A conditional GAN draws the class it is asked for; the dataset "
                f"'{dataset.name}' has no classes. Set params.conditional to false.",
            )
        classes = int(dataset.stats["num_classes"])
    try:
        gan_networks(
            spec.spec,
            params["discriminator"],
            image_shape=shape,
            latent_dim=params["latent_dim"],
            classes=classes,
        )
    except SpecError as exc:
        raise spec_error(exc, "spec_incompatible") from None

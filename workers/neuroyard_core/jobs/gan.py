"""What the web checks of a `gan` job before a worker starts it: an image dataset, a generator
(the job's spec) that draws the dataset's pictures, a discriminator that ends in one value, and
for a conditional GAN, classes to condition on."""

from __future__ import annotations

from neuroyard_core.errors import CodedError
from neuroyard_core.jobs.facts import JobRequest, dataset_check_ready
from neuroyard_core.spec import SpecError
from neuroyard_core.spec.gan import check_image_shape, gan_networks


def gan_job_check(request: JobRequest) -> None:
    params, dataset, spec = request.params, request.dataset, request.spec
    if dataset is None or spec is None:
        return  # the kind needs both: the registry has said which one is missing
    dataset_check_ready(dataset)
    shape = tuple(dataset.stats.get("input_shape") or ())
    try:
        check_image_shape(shape)
    except SpecError as exc:
        raise CodedError(
            "dataset_incompatible",
            f"The dataset '{dataset.name}' is not a set of images: {exc.message}.",
        ) from None
    classes = 0
    if params["conditional"]:
        if dataset.task != "classification" or not dataset.stats.get("num_classes"):
            raise CodedError(
                "dataset_incompatible",
                f"A conditional GAN draws the class it is asked for; the dataset "
                f"'{dataset.name}' has no classes. Set params.conditional to false.",
            )
        classes = int(dataset.stats["num_classes"])
    try:
        gan_networks(
            spec,
            params["discriminator"],
            image_shape=shape,
            latent_dim=params["latent_dim"],
            classes=classes,
        )
    except SpecError as exc:
        raise SpecError(exc.errors, code="spec_incompatible") from None

"""The `gan` job's parameters and the rules its two networks follow, without TensorFlow: the web
process refuses a bad GAN job with them, and the worker builds the networks they describe.

The job sets both networks' Input shapes itself, so that one spec serves any latent size and
both the plain and the conditional GAN: the generator takes `latent_dim` numbers (plus a one-hot
class for a conditional GAN), the discriminator takes an image (plus one channel per class).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt

from neuroyard_core.spec.errors import SpecError, SpecIssue
from neuroyard_core.spec.network import NetworkSpec, parse_spec
from neuroyard_core.spec.summary import SpecSummary, summarize

# The generator's last activation fixes the range its pictures (and the real ones) are in.
GENERATOR_RANGES: dict[str, tuple[float, float]] = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0)}
# The discriminator ends in a logit (linear, as the TensorFlow tutorial) or a probability.
DISCRIMINATOR_ACTIVATIONS = ("linear", "sigmoid")
MAX_CLASSES = 100


class GanParams(BaseModel):
    """The job's spec is the generator; `discriminator` is the other network's spec."""

    model_config = ConfigDict(extra="forbid")

    discriminator: dict[str, Any] = Field(
        description="The discriminator's network spec: an image in, one value out (a logit, or a "
        "probability with a sigmoid). Its Input shape is set by the job."
    )
    latent_dim: StrictInt = Field(
        100, ge=1, le=4096, description="Random numbers the generator turns into a picture."
    )
    epochs: StrictInt = Field(50, ge=1, le=100_000, description="Passes over the dataset's images.")
    batch_size: StrictInt = Field(64, ge=2, le=65_536)
    generator_learning_rate: StrictFloat = Field(2e-4, gt=0.0, le=1.0, description="Adam's.")
    discriminator_learning_rate: StrictFloat = Field(2e-4, gt=0.0, le=1.0, description="Adam's.")
    beta_1: StrictFloat = Field(
        0.5, ge=0.0, lt=1.0, description="Adam's beta_1 for both networks (0.5, as DCGAN)."
    )
    label_smoothing: StrictFloat = Field(
        0.0,
        ge=0.0,
        lt=0.5,
        description="One-sided: the discriminator learns real images as 1 - this, not 1.",
    )
    conditional: StrictBool = Field(
        False,
        description="Condition both networks on the dataset's classes, so the generator draws "
        "the class it is asked for (a one-hot class after the latent numbers).",
    )
    seed: StrictInt = Field(0, ge=0, le=2**31 - 1, description="Same seed, same data: same GAN.")
    grid_size: StrictInt = Field(
        8, ge=1, le=16, description="Samples per side of the grid drawn after every epoch."
    )
    interpolation_steps: StrictInt = Field(
        10, ge=2, le=32, description="Pictures in the strip between two latent points."
    )


@dataclass(frozen=True)
class GanNetworks:
    generator: NetworkSpec
    discriminator: NetworkSpec
    generator_summary: SpecSummary
    discriminator_summary: SpecSummary
    output_range: tuple[float, float]  # of the generator's pictures
    discriminator_output: Literal["logit", "probability"]


def check_image_shape(shape: tuple[int, ...]) -> tuple[int, int, int]:
    """A dataset's sample shape as (height, width, channels), or SpecError in words."""
    if len(shape) != 3 or shape[2] not in (1, 3):
        raise SpecError.single(
            "",
            f"a GAN learns to draw images (height, width, 1 or 3 channels); this dataset's "
            f"samples have shape {list(shape)}",
        )
    return shape[0], shape[1], shape[2]


def gan_networks(
    generator: object,
    discriminator: object,
    *,
    image_shape: tuple[int, ...],
    latent_dim: int,
    classes: int = 0,
) -> GanNetworks:
    """Both specs with the Input shapes the job gives them, checked to fit each other and the
    images; SpecError in words (each issue's loc starts with "generator." or "discriminator.")."""
    height, width, channels = check_image_shape(image_shape)
    if classes > MAX_CLASSES:
        raise SpecError.single(
            "", f"a conditional GAN takes at most {MAX_CLASSES} classes; this dataset has {classes}"
        )
    gen, gen_summary = _parsed("generator", generator, [latent_dim + classes])
    image_input = [height, width, channels + classes]
    disc, disc_summary = _parsed("discriminator", discriminator, image_input)
    issues = []
    if tuple(gen_summary.output_shape) != (height, width, channels):
        issues.append(
            SpecIssue(
                "generator",
                f"the generator draws pictures of shape {list(gen_summary.output_shape)}, but "
                f"the dataset's images have shape {[height, width, channels]}",
            )
        )
    gen_activation = _output_activation(gen)
    if gen_activation not in GENERATOR_RANGES:
        issues.append(
            SpecIssue(
                "generator",
                f"the generator's last layer has activation {gen_activation!r}; give it 'tanh' "
                "(pictures in [-1, 1], as DCGAN) or 'sigmoid' (in [0, 1])",
            )
        )
    if tuple(disc_summary.output_shape) != (1,):
        issues.append(
            SpecIssue(
                "discriminator",
                "the discriminator must end in one value (real or fake), e.g. a Dense layer of "
                f"1 unit; it ends in shape {list(disc_summary.output_shape)}",
            )
        )
    disc_activation = _output_activation(disc)
    if disc_activation not in DISCRIMINATOR_ACTIVATIONS:
        issues.append(
            SpecIssue(
                "discriminator",
                f"the discriminator's last layer has activation {disc_activation!r}; give it "
                "none (a logit, as the TensorFlow tutorial) or 'sigmoid' (a probability)",
            )
        )
    if issues:
        raise SpecError(issues)
    return GanNetworks(
        generator=gen,
        discriminator=disc,
        generator_summary=gen_summary,
        discriminator_summary=disc_summary,
        output_range=GENERATOR_RANGES[str(gen_activation)],
        discriminator_output="probability" if disc_activation == "sigmoid" else "logit",
    )


def _parsed(role: str, raw: object, input_shape: list[int]) -> tuple[NetworkSpec, SpecSummary]:
    try:
        spec = parse_spec(_with_input_shape(raw, input_shape))
        return spec, summarize(spec)
    except SpecError as error:
        raise SpecError(
            [
                SpecIssue(f"{role}.{issue.loc}" if issue.loc else role, f"{role}: {issue.message}")
                for issue in error.errors
            ]
        ) from None


def _with_input_shape(raw: object, shape: list[int]) -> object:
    if not isinstance(raw, dict):
        return raw  # parse_spec says what is wrong with it
    layers = raw.get("layers")
    if not isinstance(layers, list) or not layers or not isinstance(layers[0], dict):
        return raw
    if layers[0].get("type") != "Input":
        return raw
    changed = copy.deepcopy(raw)
    changed["layers"][0]["shape"] = shape
    return changed


def _output_activation(spec: NetworkSpec) -> object:
    return getattr(spec.layers[spec.graph.output], "activation", "linear")

"""Pictures from a GAN's generator through the predict endpoint: what a request may ask (a count,
latent vectors, a class, an interpolation between two latent points) and the generator inputs it
makes. The web refuses bad requests with these rules before anything is queued; the worker draws.

A registered generator says what it is in its `preprocessing` (`generator_preprocessing`): the
latent size, the classes of a conditional GAN, and the range its pixels are in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, ValidationError

from neuroyard_core.errors import refused

GENERATOR_KIND = "latent"  # preprocessing["kind"] of a GAN's generator
GENERATOR_TASK = "generator"  # a generator's TrainedModel.task
REQUEST_FIELDS = ("count", "latent", "class", "interpolate", "seed")
MAX_LATENT_MAGNITUDE = 100.0


def generator_preprocessing(
    *, latent_dim: int, class_names: list[str], pixel_range: tuple[float, float]
) -> dict[str, Any]:
    """What the predict endpoint needs to know of a generator; stored with the model."""
    return {
        "kind": GENERATOR_KIND,
        "latent_dim": latent_dim,
        "class_names": list(class_names),
        "pixel_range": [float(pixel_range[0]), float(pixel_range[1])],
    }


@dataclass(frozen=True)
class Generator:
    latent_dim: int
    class_names: tuple[str, ...]  # empty unless conditional
    pixel_range: tuple[float, float]

    @property
    def classes(self) -> int:
        return len(self.class_names)


def generator_of(preprocessing: dict[str, Any] | None) -> Generator | None:
    """The generator a model's preprocessing describes; None for any other model."""
    if not preprocessing or preprocessing.get("kind") != GENERATOR_KIND:
        return None
    low, high = preprocessing["pixel_range"]
    return Generator(
        latent_dim=int(preprocessing["latent_dim"]),
        class_names=tuple(preprocessing.get("class_names") or ()),
        pixel_range=(float(low), float(high)),
    )


class GenerateRequest(BaseModel):
    """The body of a predict call to a generator."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    count: StrictInt | None = Field(None, ge=1, description="Pictures from random latent points.")
    latent: list[list[float]] | None = Field(
        None,
        description="Latent points to draw, one picture each (or the two ends of an "
        "interpolation).",
    )
    class_: StrictInt | StrictStr | None = Field(
        None,
        alias="class",
        description="A conditional GAN's class to draw (its number or name); without it, "
        "random classes.",
    )
    interpolate: StrictInt | None = Field(
        None,
        ge=2,
        description="Pictures along the line between two latent points (`latent`'s two, or two "
        "random ones): a strip.",
    )
    seed: StrictInt | None = Field(None, ge=0, le=2**31 - 1, description="For random points.")


@dataclass(frozen=True)
class GeneratorBatch:
    inputs: np.ndarray  # (n, latent_dim + classes): what the network takes
    latent: np.ndarray  # (n, latent_dim)
    labels: np.ndarray | None  # (n,) class numbers of a conditional GAN
    strip: bool  # an interpolation: the answer carries the pictures as one strip too
    pixel_range: tuple[float, float]  # of the generator's pictures

    def reading(self) -> dict[str, Any]:
        """How the worker reads the generator's outputs (JSON, in the predict message)."""
        return {
            "latent_dim": int(self.latent.shape[1]),
            "pixel_range": list(self.pixel_range),
            "strip": self.strip,
        }


def generator_batch(body: dict[str, Any], *, generator: Generator, limit: int) -> GeneratorBatch:
    """The generator's inputs for a request body; CodedError (400) in words otherwise."""
    try:
        request = GenerateRequest.model_validate(
            {key: value for key, value in body.items() if key in REQUEST_FIELDS}
        )
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        raise refused("invalid_input", f"{where}: {first['msg']}.") from None
    rng = np.random.default_rng(request.seed)
    latent = _latent(request, generator, rng, limit)
    if request.interpolate is not None:
        latent = _line(latent, request.interpolate, limit)
    labels = _labels(request, generator, len(latent), rng)
    inputs = latent
    if labels is not None:
        inputs = np.hstack([latent, np.eye(generator.classes, dtype=np.float32)[labels]])
    return GeneratorBatch(
        inputs=inputs.astype(np.float32),
        latent=latent,
        labels=labels,
        strip=request.interpolate is not None,
        pixel_range=generator.pixel_range,
    )


def _latent(
    request: GenerateRequest, generator: Generator, rng: np.random.Generator, limit: int
) -> np.ndarray:
    size = generator.latent_dim
    if request.latent is not None:
        if request.count is not None:
            raise refused("invalid_input", "Give 'count' or 'latent', not both.")
        points = request.latent
        if request.interpolate is not None and len(points) != 2:
            raise refused(
                "invalid_input",
                f"An interpolation runs between two latent points; 'latent' has {len(points)}.",
            )
        _check_count(len(points), limit)
        for index, point in enumerate(points):
            if len(point) != size:
                raise refused(
                    "input_shape_mismatch",
                    f"latent[{index}]: has {len(point)} numbers; this generator takes {size}.",
                    expected=[size],
                    got=[len(point)],
                )
        latent = np.asarray(points, dtype=np.float32).reshape(len(points), size)
        if not np.isfinite(latent).all() or np.abs(latent).max() > MAX_LATENT_MAGNITUDE:
            raise refused(
                "input_not_numeric",
                f"latent: numbers must be finite and within ±{MAX_LATENT_MAGNITUDE:g}.",
            )
        return latent
    if request.interpolate is not None:
        if request.count is not None:
            raise refused(
                "invalid_input", "An interpolation takes no 'count'; 'interpolate' is it."
            )
        return rng.standard_normal((2, size)).astype(np.float32)
    if request.count is None:
        raise refused(
            "invalid_input",
            "Say what to draw: 'count' pictures, 'latent' points, or 'interpolate' steps.",
        )
    _check_count(request.count, limit)
    return rng.standard_normal((request.count, size)).astype(np.float32)


def _line(ends: np.ndarray, steps: int, limit: int) -> np.ndarray:
    _check_count(steps, limit)
    weights = np.linspace(0.0, 1.0, steps, dtype=np.float32)[:, None]
    return ((1.0 - weights) * ends[0] + weights * ends[1]).astype(np.float32)


def _check_count(count: int, limit: int) -> None:
    if count > limit:
        raise refused(
            "too_many_inputs",
            f"{count} pictures in one request; at most {limit}.",
            limit=limit,
        )


def _labels(
    request: GenerateRequest, generator: Generator, count: int, rng: np.random.Generator
) -> np.ndarray | None:
    wanted = request.class_
    if not generator.classes:
        if wanted is not None:
            raise refused(
                "class_not_conditional",
                "This generator was not trained on classes (not a conditional GAN); "
                "leave out 'class'.",
            )
        return None
    if wanted is None:
        return rng.integers(0, generator.classes, count)
    return np.full(count, _class_number(wanted, generator), dtype=np.int64)


def _class_number(wanted: int | str, generator: Generator) -> int:
    names = generator.class_names
    if isinstance(wanted, str):
        if wanted in names:
            return names.index(wanted)
        raise refused(
            "class_out_of_range",
            f"class: {wanted!r} is not one of this generator's classes ({', '.join(names)}).",
            classes=list(names),
        )
    if not 0 <= wanted < len(names):
        raise refused(
            "class_out_of_range",
            f"class: {wanted} is out of range; this generator draws classes 0 to {len(names) - 1}.",
            classes=list(names),
        )
    return wanted

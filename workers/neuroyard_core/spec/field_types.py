"""Annotated field types shared by the spec models, each failing with a sentence a person reads."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated, Any, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    StringConstraints,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

# Strict so that JSON `true` or `"5"` is not silently read as a number. Float bounds are written
# as floats: the error messages tell "a positive integer" from "greater than 0.0" by the bound.
PositiveInt = Annotated[int, Field(strict=True, gt=0)]
NonNegativeInt = Annotated[int, Field(strict=True, ge=0)]
# Python's JSON parser reads NaN and Infinity; no spec value may be either.
FiniteFloat = Annotated[float, Field(strict=True, allow_inf_nan=False)]
NonNegativeFloat = Annotated[float, Field(strict=True, ge=0.0, allow_inf_nan=False)]
PositiveFloat = Annotated[float, Field(strict=True, gt=0.0, allow_inf_nan=False)]
# Decay rates and dropout rates: 1 would freeze or drop everything.
UnitInterval = Annotated[float, Field(strict=True, ge=0.0, lt=1.0)]
# Factors of a transformation ("rotate by up to 0.1 of a turn"), at most a whole one.
Fraction = Annotated[float, Field(strict=True, ge=0.0, le=1.0)]
Flag = Annotated[bool, Field(strict=True)]

LAYER_NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_]{0,63}$"
LayerName = Annotated[str, StringConstraints(strict=True, pattern=LAYER_NAME_PATTERN)]

MAX_RANK = 8


def show(value: object) -> str:
    """Render a user's JSON value inside a message: strings quoted, the rest as JSON writes it."""
    if isinstance(value, str):
        text = f"'{value}'"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif value is None:
        text = "null"
    elif isinstance(value, list | tuple):
        text = "[" + ", ".join(show(item) for item in value) + "]"
    elif isinstance(value, dict):
        text = "an object"
    else:
        text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def allowed_list(names: Iterable[str]) -> str:
    return ", ".join(sorted(names, key=str.lower))


def one_of(kind: str, names: frozenset[str]) -> AfterValidator:
    """Accept only the allow-listed `names`; `kind` names the vocabulary in the error message."""

    def check(value: str) -> str:
        if value not in names:
            raise PydanticCustomError(
                f"unknown_{kind.replace(' ', '_')}",
                "unknown {kind} {value}; allowed: {allowed}",
                {"kind": kind, "value": show(value), "allowed": allowed_list(names)},
            )
        return value

    return AfterValidator(check)


def _int_pair(value: Any) -> tuple[int, int]:
    if _is_int(value) and value > 0:
        return (value, value)
    if isinstance(value, list) and len(value) == 2 and all(_is_int(v) and v > 0 for v in value):
        return (value[0], value[1])
    raise PydanticCustomError(
        "int_pair",
        "must be a positive integer or a list of two positive integers, got {value}",
        {"value": show(value)},
    )


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# `3` and `[3, 3]` both mean a 3x3 window; stored as (height, width).
IntPair = Annotated[
    tuple[int, int],
    BeforeValidator(_int_pair),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "exclusiveMinimum": 0},
                {
                    "type": "array",
                    "items": {"type": "integer", "exclusiveMinimum": 0},
                    "minItems": 2,
                    "maxItems": 2,
                },
            ]
        }
    ),
]


def _shape(allow_one_wildcard: bool) -> Callable[[Any], list[int]]:
    def check(value: Any) -> list[int]:
        ok = (
            isinstance(value, list)
            and 1 <= len(value) <= MAX_RANK
            and all(_is_int(v) and (v > 0 or (allow_one_wildcard and v == -1)) for v in value)
            and value.count(-1) <= 1
        )
        if not ok:
            wildcard = ", one of which may be -1" if allow_one_wildcard else ""
            raise PydanticCustomError(
                "shape",
                "must be a list of 1 to {max_rank} positive integers{wildcard}, got {value}",
                {"max_rank": MAX_RANK, "wildcard": wildcard, "value": show(value)},
            )
        return list(value)

    return check


Shape = Annotated[list[int], BeforeValidator(_shape(allow_one_wildcard=False))]
TargetShape = Annotated[list[int], BeforeValidator(_shape(allow_one_wildcard=True))]


def models_by_tag(tagged_union: object) -> dict[str, type[BaseModel]]:
    """Map each `type` tag of `Annotated[A | B | ..., Field(discriminator="type")]` to its model."""
    members: tuple[type[BaseModel], ...] = get_args(get_args(tagged_union)[0])
    return {get_args(model.model_fields["type"].annotation)[0]: model for model in members}

"""Turn pydantic's validation errors into SpecIssues whose messages a spec author understands."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from neuroyard_core.spec.callbacks import CALLBACK_TYPES
from neuroyard_core.spec.compilation import OPTIMIZER_TYPES, CompileSpec
from neuroyard_core.spec.errors import SpecIssue, layer_label
from neuroyard_core.spec.field_types import LAYER_NAME_PATTERN, allowed_list, show
from neuroyard_core.spec.layers import LAYER_TYPES
from neuroyard_core.spec.layers_sequence import RECURRENT_TYPES
from neuroyard_core.spec.schedules import SCHEDULE_TYPES

Loc = tuple[int | str, ...]
ANY_INDEX = -1  # stands for any list index in a union's position


@dataclass(frozen=True)
class _Union:
    noun: str  # what its members are called in messages
    members: Mapping[str, type[BaseModel]]  # by tag
    # Tags pydantic puts before the member's own tag (a callable discriminator's).
    skipped: frozenset[str] = frozenset()


# Tagged unions, by where they sit in a spec.
_UNIONS: dict[Loc, _Union] = {
    ("layers", ANY_INDEX): _Union("layer type", LAYER_TYPES),
    ("layers", ANY_INDEX, "layer"): _Union("recurrent layer type", RECURRENT_TYPES),
    ("compile", "optimizer"): _Union("optimizer", OPTIMIZER_TYPES),
    ("compile", "optimizer", "learning_rate"): _Union(
        "learning-rate schedule", SCHEDULE_TYPES, frozenset({"number", "schedule"})
    ),
    ("callbacks", ANY_INDEX): _Union("callback", CALLBACK_TYPES),
}


@dataclass(frozen=True)
class _Place:
    owner: Loc  # the outermost union member (a layer, the optimizer, a callback) or the parent
    owner_tag: str | None  # that member's tag, if pydantic gave it
    field: Loc  # where in the owner, tags removed
    model: type[BaseModel] | None  # the model the innermost field belongs to, if known
    union: _Union | None  # the union whose tag is wrong, for union tag errors


def issues_from_validation_error(
    error: ValidationError, data: object, root: type[BaseModel]
) -> list[SpecIssue]:
    issues: list[SpecIssue] = []
    for detail in error.errors(include_url=False):
        issue = _issue(detail, data, root)
        if issue not in issues:
            issues.append(issue)
    return issues


def _issue(detail: ErrorDetails, data: object, root: type[BaseModel]) -> SpecIssue:
    place = _place(tuple(detail["loc"]), root)
    loc = _render_loc(place.owner + place.field)
    owner = _owner_label(place.owner, place.owner_tag, data)
    field = _render_loc(place.field)
    kind = detail["type"]
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        noun, members = (place.union.noun, place.union.members) if place.union else ("type", {})
        where = f"{field}: " if field else ""
        if kind == "union_tag_invalid":
            tag = show(detail.get("ctx", {}).get("tag"))
            text = f"{where}unknown {noun} {tag}; allowed: {allowed_list(members)}"
        else:
            text = f"{where}'type' is required; allowed: {allowed_list(members)}"
    elif kind == "extra_forbidden":
        allowed = allowed_list(place.model.model_fields) if place.model else ""
        text = f"unknown argument {show(field)}; allowed: {allowed}"
    elif kind.startswith("unknown_"):  # our allow-list errors already name what was wrong
        text = f"{field}: {detail['msg']}" if _nested(place) else detail["msg"]
    else:
        phrase = _phrase(detail)
        text = f"{field} {phrase}" if field else phrase
    return SpecIssue(loc=loc, message=f"{owner}: {text}" if owner else text)


def _nested(place: _Place) -> bool:
    return len(place.field) > 1


def _place(raw: Loc, root: type[BaseModel]) -> _Place:
    """Split a pydantic loc into the owner, its tag and the field, dropping the union tags.

    ("layers", 2, "Dense", "units")  -> owner ("layers", 2), tag "Dense", field ("units",)
    ("compile", "optimizer", "adam", "learning_rate", "schedule", "cosine_decay", "alpha")
        -> owner ("compile", "optimizer"), tag "adam", field ("learning_rate", "alpha")
    ("compile", "loss")              -> owner ("compile",), field ("loss",)
    """
    clean: list[int | str] = []
    outer: tuple[int, str | None] | None = None  # (length of the owner loc, its tag)
    model: type[BaseModel] | None = None
    wrong_union: _Union | None = None
    position = 0
    while position < len(raw):
        clean.append(raw[position])
        position += 1
        union = _union_at(tuple(clean))
        if union is None:
            continue
        while position < len(raw) and raw[position] in union.skipped:
            position += 1
        tag = raw[position] if position < len(raw) else None
        if isinstance(tag, str) and tag in union.members:
            position += 1
            model = union.members[tag]
            if outer is None:
                outer = (len(clean), tag)
        else:
            wrong_union = union
            if outer is None:
                outer = (len(clean), None)
    if outer is None:
        split = len(clean) - 1 if clean and isinstance(clean[-1], str) else len(clean)
        owner, tag, field = tuple(clean[:split]), None, tuple(clean[split:])
        model = _plain_model(owner, root)
    else:
        owner, tag, field = tuple(clean[: outer[0]]), outer[1], tuple(clean[outer[0] :])
    return _Place(owner=owner, owner_tag=tag, field=field, model=model, union=wrong_union)


def _union_at(loc: Loc) -> _Union | None:
    for pattern, union in _UNIONS.items():
        if len(pattern) == len(loc) and all(
            p == part or (p == ANY_INDEX and isinstance(part, int))
            for p, part in zip(pattern, loc, strict=True)
        ):
            return union
    return None


def _plain_model(owner: Loc, root: type[BaseModel]) -> type[BaseModel] | None:
    if not owner:
        return root
    if owner == ("compile",):
        return CompileSpec
    return None


def _render_loc(loc: Sequence[int | str]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _owner_label(owner_loc: Loc, tag: str | None, data: object) -> str:
    if len(owner_loc) == 2 and owner_loc[0] == "layers" and isinstance(owner_loc[1], int):
        raw = _raw_item(data, "layers", owner_loc[1])
        name = raw.get("name")
        raw_type = raw.get("type")
        known_type = raw_type if isinstance(raw_type, str) and raw_type in LAYER_TYPES else None
        layer_type = tag or known_type
        return layer_label(owner_loc[1], layer_type, name if isinstance(name, str) else None)
    if tag is not None and owner_loc[:1] == ("callbacks",):
        return f"{_render_loc(owner_loc)} ({tag})"
    return _render_loc(owner_loc)


def _raw_item(data: object, key: str, index: int) -> dict[str, Any]:
    items = data.get(key) if isinstance(data, dict) else None
    if isinstance(items, list) and index < len(items) and isinstance(items[index], dict):
        return items[index]
    return {}


def _phrase(detail: ErrorDetails) -> str:
    kind = detail["type"]
    ctx = detail.get("ctx", {})
    got = show(detail["input"])
    if kind == "missing":
        return "is required"
    if kind == "greater_than":
        if type(ctx.get("gt")) is int and ctx.get("gt") == 0:
            return f"must be a positive integer, got {got}"
        return f"must be greater than {ctx.get('gt')}, got {got}"
    simple = {
        "greater_than_equal": f"must be at least {ctx.get('ge')}, got {got}",
        "less_than": f"must be less than {ctx.get('lt')}, got {got}",
        "less_than_equal": f"must be at most {ctx.get('le')}, got {got}",
        "int_type": f"must be an integer, got {got}",
        "float_type": f"must be a number, got {got}",
        "finite_number": f"must be a finite number, got {got}",
        "bool_type": f"must be true or false, got {got}",
        "string_type": f"must be a string, got {got}",
        "list_type": f"must be a list, got {got}",
        "literal_error": f"must be {ctx.get('expected')}, got {got}",
        "string_pattern_mismatch": (
            "must start with a letter and hold only letters, digits and underscores "
            f"(at most 64 characters), got {got}"
            if ctx.get("pattern") == LAYER_NAME_PATTERN
            else f"must match {ctx.get('pattern')}, got {got}"
        ),
        "string_too_short": f"must have at least {ctx.get('min_length')} character(s)",
        "string_too_long": f"must have at most {ctx.get('max_length')} characters",
        "too_short": f"must have at least {ctx.get('min_length')} item(s)",
        "too_long": f"must have at most {ctx.get('max_length')} items",
    }
    if kind in simple:
        return simple[kind]
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"must be an object, got {got}"
    # Our own PydanticCustomErrors read as "must be ..." already; pydantic's others are close.
    message = detail["msg"]
    return message[:1].lower() + message[1:]

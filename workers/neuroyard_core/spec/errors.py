"""SpecError: every problem found in a spec, each with where it is and a sentence saying what."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from neuroyard_core.errors import CodedError


@dataclass(frozen=True)
class SpecIssue:
    loc: str  # where in the spec: "layers[2].units", "compile.loss", "" for the whole spec
    message: str  # a sentence for a person: "layers[2] (Dense): units must be a positive ..."


class SpecError(CodedError):
    """Every problem of a spec at once, in ``details.errors`` as ``{loc, message}``."""

    def __init__(self, errors: list[SpecIssue], *, code: str = "spec_invalid") -> None:
        super().__init__(
            code,
            "; ".join(issue.message for issue in errors),
            details={"errors": [asdict(issue) for issue in errors]},
        )
        self.errors = errors

    @classmethod
    def single(cls, loc: str, message: str) -> SpecError:
        return cls([SpecIssue(loc=loc, message=message)])


def layer_loc(index: int) -> str:
    return f"layers[{index}]"


def layer_label(index: int, layer_type: str | None, name: str | None = None) -> str:
    """How messages refer to a layer: "layers[2] (Dense)", or "layers[2] (Dense 'hidden')"."""
    if layer_type is None:
        return layer_loc(index)
    if name is None:
        return f"{layer_loc(index)} ({layer_type})"
    return f"{layer_loc(index)} ({layer_type} '{name}')"

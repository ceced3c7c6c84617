"""What shape inference passes between layers, and the arithmetic several layer types share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Shape = tuple[int, ...]  # one sample's shape: no batch axis


class ShapeProblem(Exception):
    """A layer cannot take its input; the caller adds which layer it is."""


@dataclass(frozen=True)
class Tensor:
    """What flows out of a layer, as far as the next one cares."""

    shape: Shape
    dtype: Literal["number", "string"] = "number"
    # Token numbers are below this (a TextVectorization's vocabulary size), when known.
    tokens: int | None = None


@dataclass(frozen=True)
class LayerOutput:
    tensor: Tensor
    params: int  # every weight, as Keras' count_params counts them
    non_trainable_params: int = 0  # of those, the ones training does not change

    @property
    def shape(self) -> Shape:
        return self.tensor.shape


def format_shape(shape: Shape) -> str:
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def require_rank(shape: Shape, rank: int, what: str, hint: str) -> None:
    if len(shape) != rank:
        raise ShapeProblem(f"needs an input of shape {what}, got {format_shape(shape)}; {hint}")


def image_shape(shape: Shape) -> tuple[int, int, int]:
    require_rank(
        shape,
        3,
        "(height, width, channels)",
        "put a Reshape layer before it, e.g. target_shape [8, 8, 1]",
    )
    height, width, channels = shape
    return height, width, channels


def sequence_shape(shape: Shape) -> tuple[int, int]:
    require_rank(
        shape,
        2,
        "(steps, features)",
        "put a Reshape layer before it, e.g. target_shape [-1, 1] for one feature per step",
    )
    steps, features = shape
    return steps, features


def windowed(size: int, window: int, stride: int, padding: str, window_arg: str) -> int:
    """Outputs along one axis of a convolution or pooling window sliding over `size` inputs."""
    if padding in ("same", "causal"):
        return -(-size // stride)  # ceil division
    if window > size:
        raise ShapeProblem(
            f"{window_arg} {window} is larger than its input of {size} with padding 'valid'; "
            "use a smaller window or padding 'same'"
        )
    return (size - window) // stride + 1


def windowed_2d(
    size: tuple[int, int],
    window: tuple[int, int],
    strides: tuple[int, int],
    padding: str,
    window_arg: str,
) -> tuple[int, int]:
    if padding == "valid" and (window[0] > size[0] or window[1] > size[1]):
        raise ShapeProblem(
            f"{window_arg} {window[0]}x{window[1]} is larger than its {size[0]}x{size[1]} input "
            "with padding 'valid'; use a smaller window or padding 'same'"
        )
    return (
        windowed(size[0], window[0], strides[0], padding, window_arg),
        windowed(size[1], window[1], strides[1], padding, window_arg),
    )

"""Pictures in and out of the image jobs: decode upright, compute on float pixels, write PNGs
in the colour space (grey or RGB, ICC profile, transparency) of the picture they came from."""

from __future__ import annotations

import math
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import TypeVar

import numpy as np
import tensorflow as tf
from PIL import Image

from neuroyard_core.safety.images import open_image
from neuroyard_worker.engine.errors import EngineError

Destination = TypeVar("Destination", Path, BytesIO)

_GREY_MODES = frozenset({"1", "L", "LA", "I", "I;16", "I;16B", "I;16L", "F"})
# Profiles of these spaces describe the source, not the RGB pixels it is converted to.
_PROFILE_DROPPED = frozenset({"CMYK", "LAB", "YCbCr", "HSV"})


@dataclass(frozen=True)
class Picture:
    pixels: np.ndarray  # float32 (height, width, channels) in [0, 255]; 1 channel (grey) or 3 (RGB)
    icc_profile: bytes | None = None
    alpha: np.ndarray | None = None  # uint8 (height, width) when the source had transparency

    @property
    def size(self) -> tuple[int, int]:
        return int(self.pixels.shape[0]), int(self.pixels.shape[1])

    @property
    def channels(self) -> int:
        return int(self.pixels.shape[2])


def read_picture(path: Path) -> Picture:
    """Decode an image upright (EXIF orientation applied), by the web's rules: CodedError
    image_invalid, image_unsupported or image_too_large if it cannot be."""
    with path.open("rb") as handle:
        image = open_image(handle, name=path.name)
    profile = image.info.get("icc_profile") or None
    if image.mode in _PROFILE_DROPPED:
        profile = None
    alpha = _alpha(image)
    if image.mode in _GREY_MODES:
        grey = np.asarray(image, dtype=np.float32)
        if image.mode.startswith("I;16"):
            grey = grey / 257.0
        elif image.mode in ("I", "F", "LA"):
            grey = np.asarray(image.convert("L"), dtype=np.float32)
        pixels = grey[..., np.newaxis]
    else:
        pixels = np.asarray(image.convert("RGB"), dtype=np.float32)
    return Picture(pixels=np.clip(pixels, 0.0, 255.0), icc_profile=profile, alpha=alpha)


def _alpha(image: Image.Image) -> np.ndarray | None:
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA"):
        return np.asarray(image.getchannel("A"), dtype=np.uint8)
    return None


def write_png(pixels: np.ndarray, path: Destination, *, like: Picture | None = None) -> Destination:
    """Save float pixels in [0, 255] (any size) as a PNG in `like`'s colour space, to a file or
    a buffer."""
    if like is not None:
        pixels = with_channels(pixels, like.channels)
    values = np.clip(np.rint(pixels), 0, 255).astype(np.uint8)
    image = Image.fromarray(values[..., 0] if values.shape[2] == 1 else values)
    if like is not None and like.alpha is not None:
        alpha = Image.fromarray(like.alpha).resize(image.size, Image.Resampling.BILINEAR)
        image.putalpha(alpha)
    profile = like.icc_profile if like is not None else None
    image.save(path, format="PNG", **({"icc_profile": profile} if profile else {}))
    return path


def with_channels(pixels: np.ndarray, channels: int) -> np.ndarray:
    """Grey to RGB by repetition, RGB to grey by luma (as Pillow's "L" conversion)."""
    have = pixels.shape[-1]
    if have == channels:
        return pixels
    if have == 1 and channels == 3:
        return np.repeat(pixels, 3, axis=-1)
    if have == 3 and channels == 1:
        luma = np.array([0.299, 0.587, 0.114], dtype=np.float32)
        return (pixels @ luma)[..., np.newaxis].astype(np.float32)
    raise ValueError(f"cannot turn {have} channels into {channels}")


def resized(pixels: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Bilinear resize of float pixels (height, width, channels); antialiased when shrinking."""
    if tuple(pixels.shape[:2]) == tuple(size):
        return pixels.astype(np.float32)
    out = tf.image.resize(pixels, size, method="bilinear", antialias=True)
    return np.asarray(out, dtype=np.float32)


def fit_longest_side(size: tuple[int, int], longest: int) -> tuple[int, int]:
    """The (height, width) with the aspect ratio of `size` whose longer side is `longest`."""
    height, width = size
    scale = longest / max(height, width)
    return max(1, round(height * scale)), max(1, round(width * scale))


def to_model_input(pixels: np.ndarray, input_shape: tuple[int | None, ...]) -> np.ndarray:
    """One picture as one sample for a network trained on images scaled to [0, 1].

    Images (H, W, C) are resized to the network's size; flat inputs of H*W*C values take a square
    picture flattened. Raises EngineError("image_unsuitable") for any other input shape.
    """
    shape = tuple(input_shape)
    if len(shape) == 3 and shape[2] in (1, 3):
        height = shape[0] or pixels.shape[0]
        width = shape[1] or pixels.shape[1]
        picture = resized(with_channels(pixels, int(shape[2])), (height, width))
        return (picture / 255.0).astype(np.float32)
    if len(shape) == 1 and shape[0]:
        for channels in (1, 3):
            side = math.isqrt(shape[0] // channels)
            if side * side * channels == shape[0]:
                picture = resized(with_channels(pixels, channels), (side, side))
                return (picture / 255.0).reshape(-1).astype(np.float32)
    raise EngineError(
        "image_unsuitable", f"a network with inputs of shape {shape} does not take pictures"
    )


def from_model_input(sample: np.ndarray) -> np.ndarray | None:
    """A sample as float pixels in [0, 255] when it is a picture (flat squares included).

    Values in [0, 1] are taken as they are; other ranges are stretched to fit.
    """
    values = np.asarray(sample, dtype=np.float32)
    if values.ndim == 1:
        for channels in (1, 3):
            side = math.isqrt(values.size // channels)
            if side * side * channels == values.size:
                values = values.reshape(side, side, channels)
                break
        else:
            return None
    elif values.ndim == 2:
        values = values[..., np.newaxis]
    if values.ndim != 3 or values.shape[2] not in (1, 3):
        return None
    low, high = float(values.min()), float(values.max())
    if low < 0.0 or high > 1.0:
        values = (values - low) / max(high - low, 1e-12)
    return values * 255.0

"""Open user-supplied images safely: decompression bombs are errors, not warnings."""

from __future__ import annotations

import warnings
from typing import IO

from PIL import Image, ImageOps, UnidentifiedImageError

from neuroyard_core.errors import CodedError as DomainError

MAX_IMAGE_PIXELS = 40_000_000
ALLOWED_FORMATS = frozenset({"PNG", "JPEG", "GIF", "BMP", "WEBP", "TIFF"})


def declared_pixels(handle: IO[bytes], *, name: str = "image") -> int:
    """Width x height as the image's header declares them, without decoding a pixel; the handle
    is left at its start. DomainError image_invalid when there is no readable header."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(handle) as image:
                width, height = image.size
    except Image.DecompressionBombError:
        raise DomainError(
            "image_too_large", f"{name}: the image is too large to decode safely."
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise DomainError("image_invalid", f"{name}: not a readable image ({exc}).") from None
    finally:
        handle.seek(0)
    return int(width) * int(height)


def open_image(
    handle: IO[bytes], *, name: str = "image", max_pixels: int = MAX_IMAGE_PIXELS
) -> Image.Image:
    """Decode an image fully, upright (EXIF orientation applied), or raise a DomainError."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(handle)
            if image.format not in ALLOWED_FORMATS:
                raise DomainError(
                    "image_unsupported",
                    f"{name}: {image.format} images are not supported; "
                    f"use one of {', '.join(sorted(ALLOWED_FORMATS))}.",
                )
            if image.width * image.height > max_pixels:
                raise DomainError(
                    "image_too_large",
                    f"{name}: {image.width}x{image.height} pixels is more than the "
                    f"{max_pixels} allowed.",
                )
            image.load()
            return ImageOps.exif_transpose(image)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise DomainError(
            "image_too_large", f"{name}: the image is too large to decode safely."
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise DomainError("image_invalid", f"{name}: not a readable image ({exc}).") from None

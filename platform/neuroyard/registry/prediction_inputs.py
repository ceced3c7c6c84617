"""Raw inputs of a synchronous prediction made into what the model's network takes, by the
preprocessing its training data went through: numbers as given, table rows by column, text
through the model's vocabulary, pictures resized to its size and colour mode and scaled.

Runs in the web process (NumPy and Pillow, no TensorFlow), so bad inputs answer 400 before
anything is queued.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
from collections import OrderedDict
from collections.abc import Sequence
from typing import IO, Any

import numpy as np
from django.conf import settings
from PIL import Image

from neuroyard.core.errors import DomainError
from neuroyard.registry.models import TrainedModel
from neuroyard_core.formats.text import OUT_OF_VOCABULARY, PADDING, tokens
from neuroyard_core.generation import REQUEST_FIELDS, GeneratorBatch, generator_batch, generator_of
from neuroyard_core.safety.images import declared_pixels, open_image

_DATA_URL = re.compile(r"^data:[\w/+.-]+;base64,", re.IGNORECASE)
_VOCABULARIES: OrderedDict[str, dict[str, int]] = OrderedDict()
_VOCABULARIES_KEPT = 8


def refused(code: str, message: str, **details: Any) -> DomainError:
    return DomainError(code, message, details=details)


def generator_inputs(
    *, model: TrainedModel, body: Any, images: Sequence[Any] = ()
) -> GeneratorBatch | None:
    """The inputs of a GAN generator's predict call (a count, latent points, a class, an
    interpolation); None for any other model, which must then not be asked for pictures."""
    asked = sorted(key for key in REQUEST_FIELDS if hasattr(body, "keys") and key in body)
    generator = generator_of(model.preprocessing)
    if generator is None:
        if asked:
            raise refused(
                "not_a_generator",
                f"{', '.join(asked)}: only a GAN's generator draws pictures; send this model "
                "'inputs'.",
            )
        return None
    if images or (hasattr(body, "keys") and "inputs" in body):
        raise refused(
            "invalid_input",
            "A generator draws pictures from latent numbers: send 'count', 'latent' or "
            "'interpolate' (and 'class' for a conditional GAN), not 'inputs'.",
        )
    return generator_batch(
        dict(body), generator=generator, limit=settings.NEUROYARD_PREDICT_MAX_INPUTS
    )


def prediction_inputs(
    *, model: TrainedModel, samples: Any, images: Sequence[Any] = ()
) -> np.ndarray:
    """The batch of network inputs for `samples` (JSON values) and uploaded `images`; raises
    DomainError (400) naming the first bad input."""
    if samples is None:
        samples = []
    if not isinstance(samples, list):
        raise refused("invalid_input", "inputs must be a list of samples.")
    count = len(samples) + len(images)
    if count == 0:
        raise refused("invalid_input", "Give at least one input: 'inputs' or image files.")
    limit = settings.NEUROYARD_PREDICT_MAX_INPUTS
    if count > limit:
        raise refused(
            "too_many_inputs",
            f"{count} inputs in one request; at most {limit}. Use a predict job for more.",
            limit=limit,
        )
    steps = model.preprocessing or {}
    kind = steps.get("kind", "")
    if images and kind != "image":
        raise refused(
            "invalid_input", "This model was not trained on images; send 'inputs' instead."
        )
    uploads = [
        (getattr(upload, "name", None) or f"image {i}", upload) for i, upload in enumerate(images)
    ]
    # pictures sent as base64 strings, decoded only once every picture is weighed
    encoded = {
        i: io.BytesIO(_base64(sample, f"inputs[{i}]"))
        for i, sample in enumerate(samples)
        if kind == "image" and isinstance(sample, str)
    }
    _check_pixel_budget([*((f"inputs[{i}]", h) for i, h in encoded.items()), *uploads])
    prepared = [
        _picture(steps, open_image(encoded[i], name=f"inputs[{i}]"))
        if i in encoded
        else _sample(model, steps, sample, f"inputs[{i}]")
        for i, sample in enumerate(samples)
    ]
    prepared += [_picture(steps, open_image(upload, name=where)) for where, upload in uploads]
    shapes = {p.shape for p in prepared}
    if len(shapes) > 1:
        raise refused(
            "input_shape_mismatch",
            f"The inputs have different shapes: {sorted(list(s) for s in shapes)}.",
        )
    return np.stack(prepared)


def _check_pixel_budget(pictures: Sequence[tuple[str, IO[bytes]]]) -> None:
    """Every picture's size from its header, before any is decoded: decoding is what costs."""
    budget = settings.NEUROYARD_PREDICT_MAX_PIXELS
    total = 0
    for where, handle in pictures:
        total += declared_pixels(handle, name=where)
        if total > budget:
            raise DomainError(
                "pixel_budget_exceeded",
                f"The images of this request have more than {budget:,} pixels in all "
                f"({total:,} by {where}); send fewer or smaller images, or use a predict job.",
                details={"limit_pixels": budget, "pixels": total},
                status=413,
            )


def _sample(model: TrainedModel, steps: dict[str, Any], sample: Any, where: str) -> np.ndarray:
    kind = steps.get("kind", "")
    if kind == "text":
        return _text(steps, sample, where, key=f"{model.id}:{model.artifact.sha256}")
    if kind == "table":
        return _row(steps, sample, where)
    if kind == "image":  # pictures as base64 strings are decoded by prediction_inputs
        return _pixels(steps, sample, where)
    return _numbers(sample, where, list(model.input_shape or []))


def _numbers(sample: Any, where: str, shape: list[int]) -> np.ndarray:
    try:
        values = np.asarray(sample)
    except ValueError:
        raise refused(
            "input_shape_mismatch",
            f"{where}: not a regular array of numbers (rows of different lengths?).",
        ) from None
    if values.dtype.kind not in "iuf":
        got = "text" if values.dtype.kind in "US" else "something else"
        raise refused("input_not_numeric", f"{where}: expected numbers, got {got}.")
    if shape and list(values.shape) != shape:
        raise refused(
            "input_shape_mismatch",
            f"{where}: has shape {list(values.shape)}; the model takes {shape}.",
            expected=shape,
            got=list(values.shape),
        )
    if not np.isfinite(values).all():
        raise refused("input_not_numeric", f"{where}: contains NaN or infinity.")
    return values.astype(np.float32)


def _row(steps: dict[str, Any], sample: Any, where: str) -> np.ndarray:
    columns = list(steps["columns"])
    if isinstance(sample, dict):
        missing = [c for c in columns if c not in sample]
        unknown = [c for c in sample if c not in columns]
        if missing or unknown:
            raise refused(
                "input_shape_mismatch",
                f"{where}: the model takes the columns {', '.join(columns)}"
                + (f"; missing: {', '.join(missing)}" if missing else "")
                + (f"; unknown: {', '.join(unknown)}" if unknown else "")
                + ".",
                columns=columns,
            )
        sample = [sample[c] for c in columns]
    return _numbers(sample, where, [len(columns)])


def _text(steps: dict[str, Any], sample: Any, where: str, *, key: str) -> np.ndarray:
    if not isinstance(sample, str):
        raise refused("input_not_text", f"{where}: this model takes text; send a string.")
    vocabulary = _vocabulary(key, steps["vocabulary"])
    length = int(steps["sequence_length"])
    ids = [vocabulary.get(word, OUT_OF_VOCABULARY) for word in tokens(sample)[:length]]
    x = np.full(length, PADDING, np.int32)
    x[: len(ids)] = ids
    return x


def _vocabulary(key: str, words: list[str]) -> dict[str, int]:
    """Word -> token number of one model's vocabulary, kept for the next requests."""
    index = _VOCABULARIES.get(key)
    if index is None:
        index = {word: i for i, word in enumerate(words)}
        _VOCABULARIES[key] = index
        while len(_VOCABULARIES) > _VOCABULARIES_KEPT:
            _VOCABULARIES.popitem(last=False)
    _VOCABULARIES.move_to_end(key)
    return index


def _base64(text: str, where: str) -> bytes:
    try:
        return base64.b64decode(_DATA_URL.sub("", text.strip()), validate=True)
    except (binascii.Error, ValueError):
        raise refused(
            "image_invalid", f"{where}: not base64 (send an image as base64 or upload it)."
        ) from None


def _picture(steps: dict[str, Any], image: Image.Image) -> np.ndarray:
    """As ingestion stored the training images (colour mode, size, bilinear), then scaled."""
    height, width = steps["image_size"]
    image = image.convert("L" if steps["color_mode"] == "grayscale" else "RGB")
    if image.size != (width, height):
        image = image.resize((width, height), Image.Resampling.BILINEAR)
    return _scaled(steps, np.asarray(image, dtype=np.uint8).reshape(height, width, -1))


def _pixels(steps: dict[str, Any], sample: Any, where: str) -> np.ndarray:
    """Pixel values 0..255 at the model's size: (height, width) grey or (height, width, c)."""
    height, width = steps["image_size"]
    channels = 1 if steps["color_mode"] == "grayscale" else 3
    values = _numbers(sample, where, [])
    if values.shape == (height, width) and channels == 1:
        values = values[..., None]
    if values.shape != (height, width, channels):
        raise refused(
            "input_shape_mismatch",
            f"{where}: pixels of shape {list(values.shape)}; the model takes "
            f"{[height, width, channels]} (or send the image itself, any size).",
        )
    if values.min() < 0 or values.max() > 255:
        raise refused("input_not_numeric", f"{where}: pixel values must be 0 to 255.")
    return _scaled(steps, np.rint(values).astype(np.uint8))


def _scaled(steps: dict[str, Any], pixels: np.ndarray) -> np.ndarray:
    scale = steps.get("scale")
    if scale is None:
        return pixels
    offset = float(steps.get("offset", 0.0))
    # exactly as training data is scaled (engine.data.load_shard)
    return pixels.astype(np.float32) * np.float32(scale) + np.float32(offset)

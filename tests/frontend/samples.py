"""The files the browser tests upload: scikit-learn's 8x8 digits as an NPZ and as image folders."""

from __future__ import annotations

import io
import zipfile

import numpy as np

from tests.conftest import digits_arrays


def digits_npz() -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **digits_arrays())
    return buffer.getvalue()


def digit_png(index: int = 0) -> tuple[bytes, int]:
    """One held-out digit as an 8x8 PNG, and the digit it shows."""
    from PIL import Image

    arrays = digits_arrays()
    x, y = arrays["x_test"][index], int(arrays["y_test"][index])
    png = io.BytesIO()
    Image.fromarray((x.reshape(8, 8) * 255).astype(np.uint8), "L").save(png, "PNG")
    return png.getvalue(), y


def digits_image_zip(per_class: int = 120) -> bytes:
    """An image-folder ZIP: `digits/<class>/<n>.png`, 8x8 grayscale."""
    from PIL import Image

    arrays = digits_arrays()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for digit in range(10):
            for i, x in enumerate(arrays["x"][arrays["y"] == digit][:per_class]):
                png = io.BytesIO()
                Image.fromarray((x.reshape(8, 8) * 255).astype(np.uint8), "L").save(png, "PNG")
                archive.writestr(f"digits/{digit}/{i}.png", png.getvalue())
    return buffer.getvalue()

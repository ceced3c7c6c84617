"""Pictures keep their size and colour space from input to output, and upright orientation."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageCms

from neuroyard_core.errors import CodedError
from neuroyard_worker.engine.errors import EngineError
from neuroyard_worker.engine.images import (
    fit_longest_side,
    from_model_input,
    read_picture,
    to_model_input,
    write_png,
)


def saved(image: Image.Image, path: Path, **options: object) -> Path:
    image.save(path, **options)
    return path


def test_rgb_picture_round_trips_with_its_size_and_icc_profile(tmp_path: Path) -> None:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    source = Image.new("RGB", (40, 24), (200, 30, 90))
    picture = read_picture(saved(source, tmp_path / "in.png", icc_profile=profile))

    out = Image.open(write_png(picture.pixels + 10.0, tmp_path / "out.png", like=picture))

    assert picture.size == (24, 40) and picture.channels == 3
    assert out.mode == "RGB" and out.size == (40, 24)
    assert out.info["icc_profile"] == profile
    assert out.getpixel((0, 0)) == (210, 40, 100)


def test_grey_picture_stays_grey_even_from_colour_pixels(tmp_path: Path) -> None:
    picture = read_picture(saved(Image.new("L", (16, 16), 100), tmp_path / "grey.png"))
    colour = np.repeat(picture.pixels, 3, axis=-1)

    out = Image.open(write_png(colour, tmp_path / "out.png", like=picture))

    assert picture.channels == 1
    assert out.mode == "L" and out.getpixel((3, 3)) == 100


def test_transparency_is_kept_and_follows_a_resize(tmp_path: Path) -> None:
    source = Image.new("RGBA", (20, 10), (0, 0, 255, 255))
    source.putpixel((0, 0), (0, 0, 255, 0))
    picture = read_picture(saved(source, tmp_path / "alpha.png"))

    out = Image.open(write_png(picture.pixels, tmp_path / "out.png", like=picture))
    bigger = Image.open(
        write_png(np.zeros((20, 40, 3), np.float32), tmp_path / "big.png", like=picture)
    )

    assert out.mode == "RGBA" and out.getpixel((0, 0))[3] == 0 and out.getpixel((5, 5))[3] == 255
    assert bigger.mode == "RGBA" and bigger.size == (40, 20)


def test_exif_orientation_is_applied_when_decoding(tmp_path: Path) -> None:
    source = Image.new("RGB", (30, 10), (0, 255, 0))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90 degrees: the upright picture is 10 wide, 30 high
    picture = read_picture(saved(source, tmp_path / "phone.jpg", exif=exif.tobytes()))

    assert picture.size == (30, 10)


def test_sixteen_bit_grey_is_scaled_to_eight_bit_range(tmp_path: Path) -> None:
    source = Image.fromarray(np.full((4, 4), 65535, dtype=np.uint16))
    picture = read_picture(saved(source, tmp_path / "deep.png"))

    assert picture.channels == 1 and picture.pixels.max() == pytest.approx(255.0)


def test_decompression_bomb_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = saved(Image.new("L", (100, 100)), tmp_path / "bomb.png")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)

    with pytest.raises(CodedError) as error:
        read_picture(path)
    assert error.value.code == "image_too_large"


def test_garbage_is_not_an_image(tmp_path: Path) -> None:
    path = tmp_path / "notes.png"
    path.write_bytes(b"not a picture at all")

    with pytest.raises(CodedError) as error:
        read_picture(path)
    assert error.value.code == "image_invalid"


def test_pictures_become_model_inputs_of_the_models_shape() -> None:
    pixels = np.full((30, 20, 3), 255.0, np.float32)

    assert to_model_input(pixels, (8, 8, 1)).shape == (8, 8, 1)
    assert to_model_input(pixels, (8, 8, 1)).max() == pytest.approx(1.0)
    assert to_model_input(pixels, (None, None, 3)).shape == (30, 20, 3)
    assert to_model_input(pixels, (64,)).shape == (64,)
    with pytest.raises(EngineError):
        to_model_input(pixels, (10,))


def test_model_inputs_become_pictures_when_they_are_pictures() -> None:
    assert from_model_input(np.ones(64, np.float32)).shape == (8, 8, 1)
    assert from_model_input(np.ones((8, 8), np.float32)).max() == pytest.approx(255.0)
    assert from_model_input(np.linspace(-3, 3, 27).reshape(3, 3, 3)).min() == 0.0
    assert from_model_input(np.ones(10, np.float32)) is None


def test_longest_side_keeps_the_aspect_ratio() -> None:
    assert fit_longest_side((300, 600), 512) == (256, 512)
    assert fit_longest_side((10, 5), 40) == (40, 20)


def test_cmyk_jpeg_becomes_rgb_without_its_cmyk_profile(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    Image.new("CMYK", (8, 8), (0, 255, 0, 0)).save(buffer, format="JPEG")
    path = tmp_path / "cmyk.jpg"
    path.write_bytes(buffer.getvalue())

    picture = read_picture(path)

    assert picture.channels == 3 and picture.icc_profile is None

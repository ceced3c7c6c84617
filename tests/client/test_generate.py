"""Drawing pictures with a GAN's generator from the Python API and the `neuroyard generate`
command, through the real web server and inference worker."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from neuroyard.registry.models import TrainedModel
from neuroyard_client import Neuroyard
from neuroyard_core.generation import GENERATOR_TASK, generator_preprocessing
from tests.platform.registry.trained_models import registered_model

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

LATENT, CLASSES = 3, ["cat", "dog"]


@pytest.fixture
def generator(user, tmp_path: Path) -> TrainedModel:  # noqa: ANN001
    """A tiny conditional generator: latent numbers and a one-hot class in, a 4x4 grey picture
    in [0, 1] out, registered as a GAN job registers its generator."""
    import keras

    keras.utils.set_random_seed(0)
    network = keras.Sequential(
        [
            keras.Input((LATENT + len(CLASSES),)),
            keras.layers.Dense(16, activation="sigmoid"),
            keras.layers.Reshape((4, 4, 1)),
        ]
    )
    network.save(tmp_path / "generator.keras")
    return registered_model(
        user,
        tmp_path / "generator.keras",
        task=GENERATOR_TASK,
        input_shape=[LATENT + len(CLASSES)],
        class_names=CLASSES,
        preprocessing=generator_preprocessing(
            latent_dim=LATENT, class_names=CLASSES, pixel_range=(0.0, 1.0)
        ),
    )


def size(png: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(png)) as picture:
        return picture.size


def test_generate_returns_pngs_with_their_latent_points_and_class(
    ny: Neuroyard, inference_worker, generator: TrainedModel
) -> None:  # noqa: ANN001
    generated = ny.models.get(str(generator.id)).generate(count=3, class_="dog", seed=1)

    assert [size(png) for png in generated.pictures] == [(4, 4)] * 3
    assert generated.labels == ["dog"] * 3
    assert np.asarray(generated.latent).shape == (3, LATENT)
    assert generated.strip is None


def test_the_command_saves_an_interpolation_and_its_strip(
    logged_in, inference_worker, generator: TrainedModel, tmp_path: Path
) -> None:  # noqa: ANN001
    done = logged_in(
        "generate", str(generator.id), "--interpolate", "4", "--class", "0",
        "--output", str(tmp_path / "out"),
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    names = sorted(path.name for path in (tmp_path / "out").iterdir())
    assert names == [f"picture-00{n}.png" for n in range(4)] + ["strip.png"]
    width, height = size((tmp_path / "out" / "strip.png").read_bytes())
    assert width * (4 + 4) == height * (4 * (4 + 2) + 2)  # one row of 4 (small ones enlarged)


def test_a_class_out_of_range_is_refused_in_words(
    logged_in, inference_worker, generator: TrainedModel
) -> None:  # noqa: ANN001
    done = logged_in("generate", str(generator.id), "--count", "2", "--class", "7")

    assert done.returncode != 0
    assert "class: 7 is out of range; this generator draws classes 0 to 1" in done.stderr

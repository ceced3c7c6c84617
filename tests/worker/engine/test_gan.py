"""train_gan(): a generator learns the digits against a discriminator, measured by a digit
classifier trained on the real ones; grids every epoch, a GIF and a strip at the end; a
cancelled GAN resumes from its checkpoint; networks that cannot be a GAN are refused in words."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import keras
import numpy as np
import pytest
from PIL import Image

from neuroyard.datasets import examples
from neuroyard_core.spec import parse_spec, summarize
from neuroyard_worker.engine.errors import EngineError
from neuroyard_worker.engine.gan import GanRequest, train_gan
from tests.worker.engine.gan_networks import (
    CLASSES,
    digit_classifier,
    discriminator_spec,
    generator_spec,
)

LATENT = 32


@dataclasses.dataclass
class Reporter:
    stop_after: int | None = None
    epochs: list[tuple[int, dict[str, float]]] = dataclasses.field(default_factory=list)
    grids: list[Path] = dataclasses.field(default_factory=list)

    def epoch_ended(self, epoch: int, metrics: dict[str, float]) -> None:
        self.epochs.append((epoch, metrics))

    def samples_drawn(self, epoch: int, path: Path) -> None:
        self.grids.append(path)

    def stop_requested(self) -> bool:
        return self.stop_after is not None and len(self.epochs) >= self.stop_after


@pytest.fixture(scope="module")
def digits() -> dict[str, np.ndarray]:
    return examples.digits_28()


@pytest.fixture(scope="module")
def digits_path(digits: dict[str, np.ndarray], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("data") / "digits_28.npz"
    np.savez(path, x=digits["x"], y=digits["y"])
    return path


@pytest.fixture(scope="module")
def classifier(digits: dict[str, np.ndarray]) -> keras.Model:
    """The judge of the generated digits."""
    model, accuracy = digit_classifier(digits)
    assert accuracy > 0.85
    return model


def request(data: Path, tmp_path: Path, **changes: Any) -> GanRequest:
    base = GanRequest(
        generator=generator_spec(),
        discriminator=discriminator_spec(),
        data_path=data,
        model_path=tmp_path / "generator.keras",
        grid_dir=tmp_path / "grids",
        epochs=2,
        batch_size=32,
        latent_dim=LATENT,
        generator_learning_rate=1e-3,
        discriminator_learning_rate=1e-3,
        checkpoint_dir=tmp_path / "checkpoint",
        grid_size=4,
    )
    return dataclasses.replace(base, **changes)


def requested_class_accuracy(model_path: Path, classifier: keras.Model) -> float:
    generator = keras.saving.load_model(model_path, safe_mode=True)
    wanted = np.arange(200) % CLASSES
    noise = np.random.default_rng(9).standard_normal((200, LATENT)).astype(np.float32)
    pictures = generator.predict(np.hstack([noise, np.eye(CLASSES)[wanted]]), verbose=0)
    return float((classifier.predict(pictures, verbose=0).argmax(axis=1) == wanted).mean())


def test_a_conditional_gan_learns_to_draw_the_digit_it_is_asked_for(
    digits_path: Path, classifier: keras.Model, tmp_path: Path
) -> None:
    early = train_gan(request(digits_path, tmp_path, epochs=3, conditional=True), Reporter())
    early_accuracy = requested_class_accuracy(tmp_path / "generator.keras", classifier)
    reporter = Reporter()
    result = train_gan(request(digits_path, tmp_path, epochs=10, conditional=True), reporter)
    accuracy = requested_class_accuracy(tmp_path / "generator.keras", classifier)

    assert (early.classes, result.resumed_from_epoch, result.epochs_completed) == (10, 3, 10)
    assert [epoch for epoch, _ in reporter.epochs] == list(range(4, 11))
    assert result.history[:3] == early.history
    print(f"requested digit recognised: {early_accuracy:.3f} (3 epochs), {accuracy:.3f} (10)")
    assert accuracy > 0.5  # chance is one in ten
    assert accuracy > early_accuracy + 0.2
    assert result.animation_path is not None
    with Image.open(result.animation_path) as gif:
        assert gif.n_frames == 10  # the grids of both runs


def test_every_epoch_draws_a_grid_of_the_same_noise_and_the_generator_is_saved(
    digits: dict[str, np.ndarray], tmp_path: Path
) -> None:
    data = tmp_path / "few.npz"
    np.savez(data, x=digits["x"][:128], y=digits["y"][:128])
    reporter = Reporter()
    result = train_gan(request(data, tmp_path, grid_size=3), reporter)

    assert [epoch for epoch, _ in reporter.epochs] == [1, 2]
    assert set(reporter.epochs[0][1]) == {"generator_loss", "discriminator_loss"}
    assert [path.name for path in reporter.grids] == [
        "samples-epoch-00001.png",
        "samples-epoch-00002.png",
    ]
    first, second = (np.asarray(Image.open(path)) for path in reporter.grids)
    assert first.shape == second.shape and first.ndim == 2  # grey, like the digits
    assert not np.array_equal(first, second)
    assert result.interpolation_path is not None and result.interpolation_path.exists()
    generator = keras.saving.load_model(tmp_path / "generator.keras", safe_mode=True)
    pictures = generator.predict(np.zeros((5, LATENT), np.float32), verbose=0)
    assert pictures.shape == (5, 28, 28, 1)
    assert pictures.min() >= 0.0 and pictures.max() <= 1.0  # the data's range, not tanh's


def test_a_cancelled_gan_saves_nothing_and_resumes_where_it_stopped(
    digits: dict[str, np.ndarray], tmp_path: Path
) -> None:
    data = tmp_path / "few.npz"
    np.savez(data, x=digits["x"][:64], y=digits["y"][:64])
    stopped = train_gan(request(data, tmp_path, epochs=3), Reporter(stop_after=1))
    assert not (tmp_path / "generator.keras").exists()
    resumed = train_gan(request(data, tmp_path, epochs=3), Reporter())

    assert stopped.cancelled and stopped.epochs_completed == 1
    assert (resumed.resumed_from_epoch, resumed.epochs_completed) == (1, 3)
    assert resumed.history[0] == stopped.history[0]


def test_a_checkpoint_of_other_networks_is_not_resumed(
    digits: dict[str, np.ndarray], tmp_path: Path
) -> None:
    data = tmp_path / "few.npz"
    np.savez(data, x=digits["x"][:64], y=digits["y"][:64])
    train_gan(request(data, tmp_path, epochs=1), Reporter())

    with pytest.raises(EngineError) as caught:
        train_gan(request(data, tmp_path, epochs=2, latent_dim=LATENT + 1), Reporter())
    assert caught.value.code == "checkpoint_mismatch"


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"generator": generator_spec(channels=3)}, "draws pictures of shape [28, 28, 3]"),
        ({"discriminator": discriminator_spec(outputs=2)}, "must end in one value"),
    ],
)
def test_networks_that_cannot_be_a_gan_for_the_images_are_refused(
    digits_path: Path, tmp_path: Path, changes: dict[str, Any], words: str
) -> None:
    with pytest.raises(EngineError) as caught:
        train_gan(request(digits_path, tmp_path, **changes), Reporter())

    assert caught.value.code == "spec_incompatible"
    assert words in caught.value.message


@pytest.mark.parametrize(("padding", "kernel", "side"), [("same", 5, 14), ("valid", 3, 15)])
def test_a_transposed_convolution_has_the_shape_and_parameters_keras_gives_it(
    padding: str, kernel: int, side: int
) -> None:
    spec = parse_spec(
        {
            "layers": [
                {"type": "Input", "shape": [7, 7, 8]},
                {"type": "Conv2DTranspose", "filters": 4, "kernel_size": kernel, "strides": 2,
                 "padding": padding},
            ],
            "compile": {"optimizer": "adam", "loss": "mse"},
        }
    )  # fmt: skip
    layer = keras.layers.Conv2DTranspose(4, kernel, strides=2, padding=padding)
    model = keras.Sequential([keras.Input((7, 7, 8)), layer])

    summary = summarize(spec)
    assert summary.output_shape == (side, side, 4) == tuple(model.output_shape[1:])
    assert summary.total_params == model.count_params()

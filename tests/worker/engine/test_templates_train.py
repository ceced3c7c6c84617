"""Acceptance for the templates: each builds with exactly the parameters the preview promised,
and trains with its suggested params on its example data to a sensible result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import keras
import numpy as np
import pytest

from neuroyard.datasets import examples
from neuroyard.specs.templates import NetworkTemplate, template_list
from neuroyard_core.spec import parse_spec, summarize
from neuroyard_worker.engine.build import build_model
from neuroyard_worker.engine.train import TrainRequest, TrainResult, train
from tests.worker.engine.recording_reporter import RecordingReporter

TEMPLATES = {template.key: template for template in template_list()}
NETWORK_TEMPLATES = [
    key for key, template in TEMPLATES.items() if "backbone" not in template.params
]
Arrays = dict[str, np.ndarray]


@pytest.mark.parametrize("key", TEMPLATES)
def test_the_previewed_parameter_total_is_keras_count(key: str) -> None:
    spec = parse_spec(TEMPLATES[key].spec)

    assert summarize(spec).total_params == build_model(spec).count_params()


def digits_images() -> Arrays:
    """The built-in digits as (8, 8, 1) images in [0, 1], split as the `digits` dataset is."""
    images, labels = examples.digits_images()
    x = (images / 16.0).astype(np.float32)[..., None]
    test = examples.DIGITS_TEST_SAMPLES
    return {"x": x[:-test], "y": labels[:-test], "x_test": x[-test:], "y_test": labels[-test:]}


def mnist_sized_digits() -> Arrays:
    """The 8x8 digits blown up 3x and padded to MNIST's 28x28, for the MNIST templates."""
    arrays = digits_images()
    for name in ("x", "x_test"):
        big = np.kron(arrays[name][..., 0], np.ones((3, 3), np.float32))
        arrays[name] = np.pad(big, ((0, 0), (2, 2), (2, 2)))[..., None]
    return arrays


def token_sequences(samples: int = 600, length: int = 100) -> Arrays:
    """Random texts of token numbers; the class is whether word 7 occurs in them."""
    rng = np.random.default_rng(0)
    x = rng.integers(2, 60, (samples, length)).astype(np.int32)
    y = rng.integers(0, 2, samples)
    x[y == 0] = np.where(x[y == 0] == 7, 8, x[y == 0])
    x[y == 1, rng.integers(0, length, int(y.sum()))] = 7
    split = samples * 3 // 4
    return {"x": x[:split], "y": y[:split], "x_test": x[split:], "y_test": y[split:]}


def example_data(template: NetworkTemplate) -> Arrays:
    generators = {
        "festival": examples.festival,
        "xor": examples.xor,
        "adder": examples.adder,
        "four_pixel_camera": examples.four_pixel_camera,
        "digits": examples.digits,
        "digits_images": digits_images,
    }
    if template.example_key is not None:
        arrays = generators[template.example_key]()
    elif template.key == "lstm_text_classifier":
        arrays = token_sequences()
    else:
        arrays = mnist_sized_digits()
    if template.key == "mnist_mlp":
        arrays = {k: v.reshape(len(v), -1) if k.startswith("x") else v for k, v in arrays.items()}
    return {name: array for name, array in arrays.items() if name != "class_names"}


def trained(key: str, tmp_path: Path, **overrides: Any) -> tuple[TrainResult, keras.Model, Arrays]:
    template = TEMPLATES[key]
    arrays = example_data(template)
    data = tmp_path / "data.npz"
    np.savez(data, **arrays)
    params = template.params | overrides
    request = TrainRequest(
        spec=template.spec,
        data_path=data,
        model_path=tmp_path / "model.keras",
        epochs=params["epochs"],
        batch_size=params["batch_size"],
        validation_split=params.get("validation_split", 0.0),
        seed=params.get("seed", 0),
    )
    result = train(request, RecordingReporter())
    return result, keras.saving.load_model(request.model_path, safe_mode=True), arrays


def test_the_festival_neuron_learns_the_rule(tmp_path: Path) -> None:
    result, _, _ = trained("festival_perceptron", tmp_path)

    assert result.test_metrics is not None and result.test_metrics["accuracy"] >= 0.95


def test_xor_is_solved(tmp_path: Path) -> None:
    _, model, arrays = trained("xor", tmp_path)

    outputs = model.predict(arrays["x"], verbose=0).ravel()
    assert ((outputs > 0.5) == arrays["y"]).all()
    assert np.abs(outputs - arrays["y"]).max() < 0.1


def test_the_adder_is_within_a_tenth_of_the_sum_on_held_out_pairs(tmp_path: Path) -> None:
    _, model, arrays = trained("adder", tmp_path)

    sums = model.predict(arrays["x_test"], verbose=0).ravel()
    assert np.abs(sums - arrays["y_test"]).max() < 0.1


def test_the_four_pixel_camera_is_at_least_95_percent_right(tmp_path: Path) -> None:
    result, _, _ = trained("four_pixel_camera", tmp_path)

    assert result.test_metrics is not None and result.test_metrics["accuracy"] >= 0.95


def test_the_four_layer_convnet_reads_digits(tmp_path: Path) -> None:
    result, _, _ = trained("convnet_4_layer", tmp_path)

    assert result.test_metrics is not None and result.test_metrics["accuracy"] >= 0.9


@pytest.mark.parametrize("key", ["mnist_mlp", "keras_mnist_convnet"])
def test_the_mnist_networks_read_mnist_sized_digits(key: str, tmp_path: Path) -> None:
    result, _, _ = trained(key, tmp_path)

    assert result.test_metrics is not None and result.test_metrics["accuracy"] >= 0.85


def test_the_lstm_finds_the_word_that_decides_the_class(tmp_path: Path) -> None:
    result, _, _ = trained("lstm_text_classifier", tmp_path)

    assert result.test_metrics is not None and result.test_metrics["accuracy"] >= 0.9

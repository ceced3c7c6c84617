"""Transfer learning: a train job that starts from a trained model or a Keras application,
freezes what it is told to, puts a new head sized to the dataset on it, and trains."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import keras
import numpy as np
import pytest

from neuroyard.datasets import examples
from neuroyard.specs.templates import template_get
from neuroyard_core.pretrained import WEIGHTS_FILES
from neuroyard_core.spec import parse_spec
from neuroyard_worker.engine.backbones import build_backbone
from neuroyard_worker.engine.build import build_model
from neuroyard_worker.engine.errors import EngineError
from neuroyard_worker.engine.train import TrainRequest, TrainResult, train
from neuroyard_worker.engine.transfer import TransferBuilder, TransferRequest, _preprocessing
from tests.worker.engine.recording_reporter import RecordingReporter
from tests.worker.example_specs import network


def digit_arrays(flat: bool, classes: int = 10) -> dict[str, np.ndarray]:
    images, labels = examples.digits_images()
    x = (images / 16.0).astype(np.float32)
    x = x.reshape(len(x), 64) if flat else x[..., None]
    keep = labels < classes
    x, y = x[keep], labels[keep]
    split = len(x) * 4 // 5
    return {"x": x[:split], "y": y[:split], "x_test": x[split:], "y_test": y[split:]}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("transfer")


@pytest.fixture(scope="module")
def digits_mlp(folder: Path) -> Path:
    """A 64-32-10 network trained on all ten digits."""
    spec = network(
        {"type": "Input", "shape": [64]},
        {"type": "Dense", "units": 32, "activation": "relu", "name": "hidden"},
        {"type": "Dropout", "rate": 0.1, "name": "drop"},
        {"type": "Dense", "units": 10, "activation": "softmax", "name": "digit"},
    )
    data = folder / "digits.npz"
    np.savez(data, **digit_arrays(flat=True))
    path = folder / "digits.keras"
    request = TrainRequest(spec=spec, data_path=data, model_path=path, epochs=5, batch_size=32)
    train(request, RecordingReporter())
    return path


@pytest.fixture(scope="module")
def three_digits(folder: Path) -> Path:
    path = folder / "three.npz"
    np.savez(path, **digit_arrays(flat=True, classes=3))
    return path


@pytest.fixture(scope="module")
def digit_images(folder: Path) -> Path:
    path = folder / "images.npz"
    arrays = digit_arrays(flat=False)
    np.savez(path, **{k: v[:400] if k in ("x", "y") else v[:100] for k, v in arrays.items()})
    return path


def transfer_run(
    data: Path, tmp_path: Path, transfer: TransferRequest, spec: dict[str, Any] | None = None,
    **changes: Any,
) -> tuple[TrainResult, keras.Model]:  # fmt: skip
    request = TrainRequest(
        spec=spec or {},
        data_path=data,
        model_path=tmp_path / "model.keras",
        epochs=changes.pop("epochs", 3),
        batch_size=32,
        transfer=transfer,
        **changes,
    )
    result = train(request, RecordingReporter())
    # Safe mode: what a transfer job saves loads like any other model (no Lambda layer).
    return result, keras.saving.load_model(request.model_path, safe_mode=True)


def test_a_model_gets_a_new_head_sized_to_the_new_classes(
    digits_mlp: Path, three_digits: Path, tmp_path: Path
) -> None:
    original = keras.saving.load_model(digits_mlp)
    request = TransferRequest(base=digits_mlp, task="classification", outputs=3, learning_rate=0.01)

    result, model = transfer_run(three_digits, tmp_path, request, epochs=5)

    assert model.output_shape == (None, 3)
    assert [layer.name for layer in model.layers][-1] == "head_output"
    # Only the head trained: the hidden layer kept the weights it came with.
    assert not model.get_layer("hidden").trainable
    assert np.array_equal(
        model.get_layer("hidden").get_weights()[0], original.get_layer("hidden").get_weights()[0]
    )
    assert result.transfer is not None
    assert (result.transfer["weights"], result.transfer["frozen_layers"]) == ("trained", 2)
    assert result.transfer["head"] == ["head_output"]
    assert result.test_metrics is not None and result.test_metrics["accuracy"] > 0.9


def test_the_last_n_layers_train_too(digits_mlp: Path, three_digits: Path, tmp_path: Path) -> None:
    original = keras.saving.load_model(digits_mlp)
    request = TransferRequest(
        base=digits_mlp, task="classification", outputs=3, trainable_layers=2, head_dropout=0.2
    )

    result, model = transfer_run(three_digits, tmp_path, request)

    assert model.get_layer("hidden").trainable
    assert not np.array_equal(
        model.get_layer("hidden").get_weights()[0], original.get_layer("hidden").get_weights()[0]
    )
    assert result.transfer is not None and result.transfer["head"] == [
        "head_dropout",
        "head_output",
    ]


def test_freezing_up_to_a_named_layer(digits_mlp: Path) -> None:
    request = TransferRequest(
        base=digits_mlp, task="classification", outputs=3, freeze_until="hidden"
    )

    model = TransferBuilder(request, head=None, input_shape=(64,))()

    assert [(layer.name, layer.trainable) for layer in model.layers[1:]] == [
        ("hidden", False),
        ("drop", True),
        ("head_output", True),
    ]


def test_freezing_up_to_an_unknown_layer_names_the_layers(digits_mlp: Path) -> None:
    request = TransferRequest(base=digits_mlp, task="classification", outputs=3, freeze_until="x")

    with pytest.raises(EngineError) as caught:
        TransferBuilder(request, head=None, input_shape=(64,))()

    assert caught.value.code == "layer_unknown"
    # The layers it could freeze: the old head 'digit' is gone.
    assert caught.value.message == "there is no layer 'x'; layers: hidden, drop"


def test_keeping_the_head_fine_tunes_the_whole_model(
    digits_mlp: Path, folder: Path, tmp_path: Path
) -> None:
    data = folder / "all.npz"
    np.savez(data, **digit_arrays(flat=True))
    request = TransferRequest(base=digits_mlp, task="classification", outputs=10, head="keep")

    result, model = transfer_run(data, tmp_path, request, epochs=1)

    layers = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    assert [layer.name for layer in layers] == ["hidden", "drop", "digit"]
    assert all(layer.trainable for layer in layers)
    assert result.transfer is not None and result.transfer["head"] == []


def test_a_head_spec_is_put_on_the_features(
    digits_mlp: Path, three_digits: Path, tmp_path: Path
) -> None:
    head = network(
        {"type": "Input", "shape": [32]},
        {"type": "Dense", "units": 8, "activation": "relu", "name": "extra"},
        {"type": "Dense", "units": 3, "activation": "softmax", "name": "out"},
        optimizer={"type": "sgd", "learning_rate": 0.1},
    )
    request = TransferRequest(base=digits_mlp, task="classification", outputs=3)

    result, model = transfer_run(three_digits, tmp_path, request, spec=head)

    assert [layer.name for layer in model.layers][-2:] == ["extra", "out"]
    assert type(model.optimizer).__name__ == "SGD"
    assert result.transfer is not None and result.transfer["head"] == ["extra", "out"]


def test_a_head_spec_that_does_not_take_the_features_is_refused(digits_mlp: Path) -> None:
    head = parse_spec(network({"type": "Input", "shape": [20]}, {"type": "Dense", "units": 3}))
    request = TransferRequest(base=digits_mlp, task="classification", outputs=3)

    with pytest.raises(EngineError) as caught:
        TransferBuilder(request, head=head, input_shape=(64,))()

    assert caught.value.code == "spec_incompatible"
    assert "takes (20,), but model gives 32 features per sample" in caught.value.message


@pytest.mark.parametrize(("backbone", "channels"), [("mobilenet_v2", 1), ("resnet50", 3)])
def test_the_preprocessing_layer_is_the_backbones_own(backbone: str, channels: int) -> None:
    preprocess = build_backbone(backbone, weights_file=None).preprocess  # type: ignore[arg-type]
    samples = np.random.default_rng(0).random((2, 4, 4, channels), dtype=np.float32)

    layer = _preprocessing(preprocess, channels, (0.0, 1.0))

    pixels = np.repeat(samples, 3 // channels, axis=-1) * 255.0
    expected = np.asarray(preprocess(keras.ops.convert_to_tensor(pixels)))
    assert np.allclose(np.asarray(layer(samples)), expected, atol=1e-3)


def test_a_backbone_without_weights_file_says_it_started_from_random_weights(
    digit_images: Path, tmp_path: Path
) -> None:
    template = template_get(key="transfer_head")
    request = TransferRequest(base="mobilenet_v2", task="classification", outputs=10)

    result, model = transfer_run(digit_images, tmp_path, request, spec=template.spec, epochs=2)

    assert result.transfer is not None
    assert result.transfer["weights"] == "random"
    assert "RANDOM weights" in result.transfer["note"]
    assert WEIGHTS_FILES["mobilenet_v2"].filename in result.transfer["note"]
    assert model.input_shape == (None, 8, 8, 1)
    assert model.get_layer("enlarge").output.shape[1:3] == (32, 32)
    assert result.transfer["trainable_layers"] == 0
    assert model.get_layer("head_output").output.shape[-1] == 10


def test_a_backbone_loads_its_weights_from_the_weights_folder(tmp_path: Path) -> None:
    reference = keras.applications.MobileNetV2(
        include_top=False, weights=None, input_shape=(None, None, 3)
    )
    reference.save(tmp_path / WEIGHTS_FILES["mobilenet_v2"].filename)  # the legacy .h5 Keras ships
    request = TransferRequest(
        base="mobilenet_v2", task="classification", outputs=2, weights_dir=tmp_path,
        trainable_layers=3,
    )  # fmt: skip
    builder = TransferBuilder(request, head=None, input_shape=(32, 32, 3))

    model = builder()

    assert builder.report is not None
    assert builder.report.weights == "imagenet"
    assert "started from its ImageNet weights" in builder.report.note
    backbone = next(layer for layer in model.layers if isinstance(layer, keras.Model))
    assert np.array_equal(backbone.get_weights()[0], reference.get_weights()[0])
    trainable = [layer.name for layer in backbone.layers if layer.trainable and layer.weights]
    assert trainable == ["Conv_1", "Conv_1_bn"]  # of the last three layers, those with weights


def test_a_backbone_needs_images(digits_mlp: Path) -> None:
    request = TransferRequest(base="resnet50", task="classification", outputs=3)

    with pytest.raises(EngineError, match="resnet50 takes images"):
        TransferBuilder(request, head=None, input_shape=(64,))()


def test_a_transfer_job_resumes_from_its_checkpoint(
    digits_mlp: Path, three_digits: Path, tmp_path: Path
) -> None:
    request = TransferRequest(base=digits_mlp, task="classification", outputs=3)
    checkpoints = tmp_path / "checkpoints"
    first, _ = transfer_run(three_digits, tmp_path, request, epochs=1, checkpoint_dir=checkpoints)

    second, model = transfer_run(
        three_digits, tmp_path, request, epochs=2, checkpoint_dir=checkpoints
    )

    assert (first.epochs_completed, second.resumed_from_epoch, second.epochs_completed) == (1, 1, 2)
    assert not model.get_layer("hidden").trainable


def test_a_regression_head_has_one_linear_output(digits_mlp: Path) -> None:
    request = TransferRequest(base=digits_mlp, task="regression", outputs=1)

    model = TransferBuilder(request, head=None, input_shape=(64,))()

    assert model.output_shape == (None, 1)
    assert model.get_layer("head_output").activation.__name__ == "linear"
    assert model.loss == "mse"


def test_the_result_describes_the_trained_model(
    digits_mlp: Path, three_digits: Path, tmp_path: Path
) -> None:
    request = dataclasses.replace(
        TransferRequest(base=digits_mlp, task="classification", outputs=3), trainable_layers=0
    )

    result, _ = transfer_run(three_digits, tmp_path, request, epochs=1)

    assert result.description is not None
    assert [layer["name"] for layer in result.description["layers"]] == [
        "input_0",
        "hidden",
        "drop",
        "head_output",
    ]
    assert result.description["diagram"] == {
        "unavailable": "it has 2,144 connections; at most 500 can be drawn"
    }


def test_a_plain_network_is_described_with_its_weights(tmp_path: Path) -> None:
    spec = template_get(key="xor").spec
    data = tmp_path / "xor.npz"
    np.savez(data, **examples.xor())

    result = train(
        TrainRequest(spec=spec, data_path=data, model_path=tmp_path / "m.keras", epochs=1,
                     batch_size=4),
        RecordingReporter(),
    )  # fmt: skip

    assert result.description is not None
    diagram = result.description["diagram"]
    assert [layer["units"] for layer in diagram["layers"]] == [2, 2, 1]
    model = build_model(parse_spec(spec))
    assert diagram["connections"] == sum(int(np.prod(layer.kernel.shape)) for layer in model.layers)

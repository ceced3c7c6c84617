"""The static checks of a `.keras` archive let every built-in Keras model through, and refuse
archives that are bombs or configs built to exhaust the checker."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import keras
import pytest

from neuroyard_core.safety.keras_archive import (
    MAX_CONFIG_DEPTH,
    ArchiveRefused,
    inspect_keras_archive,
)
from neuroyard_core.safety.keras_layers import REFUSED_LAYERS, SAFE_LAYERS
from tests.worker.example_specs import LAYER_CASES


def saved(model: keras.Model, path: Path) -> Path:
    model.save(path)
    return path


def refusal(path: Path, filename: str = "model.keras") -> ArchiveRefused:
    with pytest.raises(ArchiveRefused) as caught:
        inspect_keras_archive(path, filename=filename)
    return caught.value


def test_every_allowed_layer_is_a_keras_layer_and_none_is_refused() -> None:
    assert SAFE_LAYERS.isdisjoint(REFUSED_LAYERS)
    for name in SAFE_LAYERS:
        assert issubclass(getattr(keras.layers, name), keras.layers.Layer), name


def test_keras_applications_pass(tmp_path: Path) -> None:
    model = keras.applications.MobileNetV2(weights=None, input_shape=(32, 32, 3), classes=3)

    report = inspect_keras_archive(saved(model, tmp_path / "m.keras"), filename="m.keras")

    assert {"Conv2D", "DepthwiseConv2D", "BatchNormalization", "ReLU"} <= set(report.layer_types)
    assert report.keras_version == keras.__version__


@pytest.mark.parametrize("name", ["text_classifier", "inception_style_branches", "augmentation"])
def test_models_built_from_specs_pass(name: str, tmp_path: Path) -> None:
    from neuroyard_core.spec import parse_spec
    from neuroyard_worker.engine.build import build_model

    model = build_model(parse_spec(LAYER_CASES[name]))

    inspect_keras_archive(saved(model, tmp_path / "m.keras"), filename="m.keras")


@pytest.fixture
def small(tmp_path: Path) -> Path:
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    return saved(model, tmp_path / "small.keras")


def test_a_zip_bomb_is_refused_before_it_unpacks(tmp_path: Path, small: Path) -> None:
    bomb = tmp_path / "bomb.keras"
    with zipfile.ZipFile(small) as original, zipfile.ZipFile(bomb, "w") as copy:
        for entry in original.infolist():
            copy.writestr(entry, original.read(entry))
        copy.writestr("assets/zeros", b"\0" * 50 * 2**20, compress_type=zipfile.ZIP_DEFLATED)

    assert refusal(bomb).code == "model_archive_unsafe"


def test_a_config_nested_beyond_reason_is_refused(tmp_path: Path, small: Path) -> None:
    deep: object = "leaf"
    for _ in range(MAX_CONFIG_DEPTH + 5):
        deep = [deep]
    nested = tmp_path / "deep.keras"
    with zipfile.ZipFile(small) as original, zipfile.ZipFile(nested, "w") as copy:
        for entry in original.infolist():
            data = original.read(entry)
            if entry.filename == "config.json":
                config = json.loads(data)
                config["config"]["extra"] = deep
                data = json.dumps(config).encode()
            copy.writestr(entry, data)

    assert refusal(nested).code == "model_archive_unsafe"


def test_json_too_deep_for_the_parser_is_unreadable(tmp_path: Path, small: Path) -> None:
    nested = tmp_path / "deeper.keras"
    with zipfile.ZipFile(small) as original, zipfile.ZipFile(nested, "w") as copy:
        for entry in original.infolist():
            data = original.read(entry)
            copy.writestr(entry, b"[" * 100_000 if entry.filename == "config.json" else data)

    assert refusal(nested).code == "model_unreadable"


def test_an_archive_without_weights_is_not_a_model(tmp_path: Path) -> None:
    empty = tmp_path / "e.keras"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("config.json", "{}")

    error = refusal(empty)

    assert (error.code, error.message) == (
        "model_unreadable",
        "model.keras is not a .keras file: it has no model.weights.h5.",
    )

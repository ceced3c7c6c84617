"""Every `.keras` file a worker loads gets the checks an upload gets, then Keras' safe mode."""

from __future__ import annotations

from pathlib import Path

import keras
import pytest

from neuroyard.specs.templates import NetworkTemplate, template_list
from neuroyard_core.safety.keras_archive import ArchiveRefused
from neuroyard_core.spec import parse_spec
from neuroyard_worker.engine.build import build_model
from neuroyard_worker.engine.errors import EngineError
from neuroyard_worker.engine.model_file import load_model_file
from tests.platform.registry import keras_files as kf

NETWORK_TEMPLATES = [t for t in template_list() if "backbone" not in t.params]


def test_an_honest_model_loads(tmp_path: Path) -> None:
    model = load_model_file(kf.dense_model(tmp_path / "adder.keras"))

    assert [layer.name for layer in model.layers] == ["hidden", "sum"]


def test_a_lambda_layer_is_refused_as_the_upload_check_refuses_it_and_never_runs(
    tmp_path: Path,
) -> None:
    canary = tmp_path / "canary"
    path = kf.lambda_model(tmp_path / "payload.keras", canary)

    with pytest.raises(ArchiveRefused) as caught:
        load_model_file(path)

    assert caught.value.code == "model_code"
    assert not canary.exists()


def test_an_archive_keras_alone_would_load_is_refused_by_the_archive_limits(
    tmp_path: Path,
) -> None:
    adder = kf.dense_model(tmp_path / "adder.keras")
    path = kf.with_entries(adder, tmp_path / "extra.keras", {"payload.bin": b"\0" * 1000})
    assert keras.saving.load_model(path, safe_mode=True, compile=False) is not None

    with pytest.raises(ArchiveRefused) as caught:
        load_model_file(path)

    assert caught.value.code == "model_archive_unsafe"
    assert "payload.bin" in caught.value.message


def test_a_file_the_check_passes_but_keras_cannot_load_is_model_invalid(tmp_path: Path) -> None:
    path = kf.junk_weights(kf.dense_model(tmp_path / "adder.keras"), tmp_path / "junk.keras")

    with pytest.raises(EngineError) as caught:
        load_model_file(path)

    assert caught.value.code == "model_invalid"


@pytest.mark.parametrize("template", NETWORK_TEMPLATES, ids=lambda t: t.key)
def test_every_template_network_the_platform_saves_passes_the_check(
    template: NetworkTemplate, tmp_path: Path
) -> None:
    model = build_model(parse_spec(template.spec))
    model.save(tmp_path / "model.keras")

    loaded = load_model_file(tmp_path / "model.keras")

    assert loaded.count_params() == model.count_params()

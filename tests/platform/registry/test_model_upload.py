"""POST /api/v1/models/: a `.keras` file becomes a model like a trained one; anything that could
run code when loaded is refused with a clear error, stores nothing and runs nothing."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from neuroyard.core.errors import DomainError
from neuroyard.jobs.models import Artifact
from neuroyard.registry.model_check import model_check
from neuroyard.registry.models import TrainedModel
from tests.platform.registry import keras_files as kf

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("keras-files")


@pytest.fixture(scope="module")
def canary(files: Path) -> Path:
    return files / "canary"


@pytest.fixture(scope="module")
def adder(files: Path) -> Path:
    return kf.dense_model(files / "adder.keras")


@pytest.fixture(scope="module")
def lambda_file(files: Path, canary: Path) -> Path:
    return kf.lambda_model(files / "lambda.keras", canary)


def upload(api, path: Path, name: str | None = None, **fields: Any):  # noqa: ANN001, ANN201
    data = io.BytesIO(path.read_bytes())
    data.name = name or path.name
    return api.post("/api/v1/models/", {"file": data, **fields}, format="multipart")


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def assert_refused(response, code: str) -> None:  # noqa: ANN001
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == code, body
    assert len(body["message"]) > 20
    assert TrainedModel.objects.count() == 0
    assert Artifact.objects.count() == 0
    assert stored_files() == []


def test_an_uploaded_model_is_registered_like_a_trained_one(api, adder: Path) -> None:  # noqa: ANN001
    response = upload(api, adder, name="adder.keras", class_names="[]")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["source"] == "uploaded"
    assert body["job"] is None
    assert (body["name"], body["task"]) == ("adder", "regression")
    assert (body["input_shape"], body["output_shape"], body["param_count"]) == ([2], [1], 13)
    model = TrainedModel.objects.get(id=body["id"])
    assert model.artifact.job is None and model.artifact.kind == "model"
    assert [layer["name"] for layer in model.layers] == ["hidden", "sum"]
    download = api.get(body["download_url"])
    assert b"".join(download.streaming_content) == adder.read_bytes()


def test_the_weights_of_a_small_dense_model_are_served_for_drawing(api, adder: Path) -> None:  # noqa: ANN001
    model_id = upload(api, adder).json()["id"]

    response = api.get(f"/api/v1/models/{model_id}/weights/")

    assert response.status_code == 200, response.content
    diagram = response.json()
    assert [(layer["name"], layer["units"]) for layer in diagram["layers"]] == [
        ("input", 2),
        ("hidden", 3),
        ("sum", 1),
    ]
    hidden = diagram["layers"][1]
    assert hidden["activation"] == "relu"
    assert len(hidden["weights"]) == 2 and all(len(row) == 3 for row in hidden["weights"])
    assert hidden["biases"] == [0.0, 0.0, 0.0]
    assert diagram["connections"] == 2 * 3 + 3 * 1


def test_a_convnet_is_not_drawn_neuron_by_neuron(api, files: Path) -> None:  # noqa: ANN001
    model_id = upload(api, kf.image_classifier(files / "conv.keras")).json()["id"]

    response = api.get(f"/api/v1/models/{model_id}/weights/")

    assert response.status_code == 400
    assert response.json()["code"] == "model_not_drawable"
    assert "Conv2D" in response.json()["message"]


def test_another_users_model_weights_are_not_found(api, other_api, adder: Path) -> None:  # noqa: ANN001
    model_id = upload(other_api, adder).json()["id"]

    assert api.get(f"/api/v1/models/{model_id}/weights/").status_code == 404


def unlock_then_lambda(config: kf.Config) -> None:
    """The chain of CVE-2025-1550: a config call turns safe mode off before the Lambda loads."""
    kf.layers_of(config).insert(
        1,
        {
            "module": "keras.layers",
            "class_name": "Activation",
            "config": {
                "name": "unlock",
                "activation": {
                    "module": "keras.config",
                    "class_name": "function",
                    "config": "enable_unsafe_deserialization",
                    "registered_name": "enable_unsafe_deserialization",
                },
            },
            "registered_name": None,
        },
    )


def foreign_activation(module: str, function: str) -> Any:
    def edit(config: kf.Config) -> None:
        kf.layers_of(config)[1]["config"]["activation"] = {
            "module": module,
            "class_name": "function",
            "config": function,
            "registered_name": function,
        }

    return edit


def custom_layer(config: kf.Config) -> None:
    layer = kf.layers_of(config)[1]
    layer |= {"module": "evil_package.layers", "class_name": "Backdoor"}
    layer["registered_name"] = "evil_package>Backdoor"


def safe_mode_argument(config: kf.Config) -> None:
    kf.layers_of(config)[1]["config"]["safe_mode"] = False


def tfsm_layer(config: kf.Config) -> None:
    kf.layers_of(config)[1] = {
        "module": "keras.layers",
        "class_name": "TFSMLayer",
        "config": {"name": "remote", "filepath": "gs://somewhere/saved_model"},
        "registered_name": None,
    }


# name: (build the file from (folder, canary, adder), upload name, expected code)
MALICIOUS: dict[str, tuple[Any, str, str]] = {
    "lambda layer": (lambda d, c, a: kf.lambda_model(d / "l.keras", c), "m.keras", "model_code"),
    "lambda activation": (
        lambda d, c, a: kf.lambda_activation_model(d / "la.keras", c, a),
        "m.keras",
        "model_code",
    ),
    "config turning safe mode off": (
        lambda d, c, a: kf.rewritten(kf.lambda_model(d / "l2.keras", c), d / "cve.keras",
                                     unlock_then_lambda),
        "m.keras",
        "model_safe_mode",
    ),
    "safe_mode argument in the config": (
        lambda d, c, a: kf.rewritten(a, d / "sm.keras", safe_mode_argument),
        "m.keras",
        "model_safe_mode",
    ),
    "os module": (
        lambda d, c, a: kf.rewritten(a, d / "os.keras", foreign_activation("os", "system")),
        "m.keras",
        "model_custom_object",
    ),
    "builtins exec": (
        lambda d, c, a: kf.rewritten(a, d / "ex.keras", foreign_activation("builtins", "exec")),
        "m.keras",
        "model_custom_object",
    ),
    "keras.utils download": (
        lambda d, c, a: kf.rewritten(
            a, d / "gf.keras", foreign_activation("keras.utils", "get_file")
        ),
        "m.keras",
        "model_custom_object",
    ),
    "custom registered layer": (
        lambda d, c, a: kf.rewritten(a, d / "cu.keras", custom_layer),
        "m.keras",
        "model_custom_object",
    ),
    "layer loading a remote SavedModel": (
        lambda d, c, a: kf.rewritten(a, d / "tfsm.keras", tfsm_layer),
        "m.keras",
        "model_code",
    ),
    "h5 file": (lambda d, c, a: h5_lambda_model(d / "l.h5", c), "model.h5", "model_format_h5"),
    "h5 file named .keras": (
        lambda d, c, a: h5_lambda_model(d / "l.h5", c),
        "model.keras",
        "model_format_h5",
    ),
    "path traversal": (
        lambda d, c, a: kf.with_entries(
            a, d / "tr.keras", {"../../../../../../../.." + str(c): b"pwned"}
        ),
        "m.keras",
        "model_archive_unsafe",
    ),
    "absolute path": (
        lambda d, c, a: kf.with_entries(a, d / "abs.keras", {str(c): b"pwned"}),
        "m.keras",
        "model_archive_unsafe",
    ),
    "symbolic link": (
        lambda d, c, a: kf.with_entries(a, d / "ln.keras", {"assets/x": str(c).encode()},
                                        link=True),
        "m.keras",
        "model_archive_unsafe",
    ),
    "SavedModel zipped as .keras": (
        lambda d, c, a: saved_model_zip(d / "sm.zip"),
        "m.keras",
        "model_format",
    ),
    "SavedModel zip": (lambda d, c, a: saved_model_zip(d / "sm2.zip"), "m.zip", "model_format"),
    "not a zip": (lambda d, c, a: text_file(d / "t.keras"), "m.keras", "model_unreadable"),
}  # fmt: skip


def h5_lambda_model(path: Path, canary: Path) -> Path:
    import keras

    model = keras.Sequential([keras.Input((2,)), keras.layers.Lambda(kf.touching(canary))])
    model.save(path)  # the legacy HDF5 format: the lambda as marshalled bytecode
    canary.unlink(missing_ok=True)
    return path


def saved_model_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("saved_model.pb", b"\x08\x01")
        archive.writestr("variables/variables.index", b"")
    return path


def text_file(path: Path) -> Path:
    path.write_text("import os; os.system('touch canary')")
    return path


@pytest.mark.parametrize("attack", MALICIOUS)
def test_a_malicious_model_is_refused_and_runs_nothing(
    api,
    attack: str,
    files: Path,
    canary: Path,
    adder: Path,  # noqa: ANN001
) -> None:
    build, name, code = MALICIOUS[attack]
    path = build(files, canary, adder)

    response = upload(api, path, name=name)

    assert_refused(response, code)
    assert not canary.exists()


def test_a_url_instead_of_a_file_is_refused(api) -> None:  # noqa: ANN001
    as_json = api.post(
        "/api/v1/models/", {"file": "https://example.com/model.keras"}, format="json"
    )
    as_field = api.post("/api/v1/models/", {"file": "gs://bucket/model.keras"}, format="multipart")

    for response in (as_json, as_field):
        assert_refused(response, "model_file_required")


def test_a_model_keras_cannot_load_is_refused_with_its_reason(
    api, adder: Path, files: Path
) -> None:  # noqa: ANN001
    broken = kf.rewritten(adder, files / "broken.keras", lambda c: None)
    with zipfile.ZipFile(adder) as original, zipfile.ZipFile(broken, "w") as copy:
        for entry in original.infolist():
            data = original.read(entry)
            copy.writestr(entry, b"not hdf5" if entry.filename == "model.weights.h5" else data)

    response = upload(api, broken)

    assert_refused(response, "model_invalid")
    assert "safe mode" in response.json()["message"]


def test_the_sandbox_refuses_a_lambda_even_past_the_static_checks(
    lambda_file: Path, canary: Path
) -> None:
    with pytest.raises(DomainError) as caught:
        model_check(path=lambda_file)

    assert caught.value.code == "model_invalid"
    assert "Lambda" in caught.value.message
    assert not canary.exists()


def test_the_lambda_payload_is_live_when_loaded_unsafely(lambda_file: Path, canary: Path) -> None:
    # The control for the tests above: the same file, loaded without safe mode, runs its code.
    unsafe = "import keras, sys; keras.saving.load_model(sys.argv[1], safe_mode=False)"
    subprocess.run(
        [sys.executable, "-c", unsafe, str(lambda_file)], check=True, capture_output=True
    )

    assert canary.exists()
    canary.unlink()


def test_the_sandbox_is_held_to_its_memory_limit(settings, adder: Path) -> None:  # noqa: ANN001
    settings.NEUROYARD_MODEL_CHECK_MEMORY_BYTES = 64 * 1024**2  # too little to import Keras

    with pytest.raises(DomainError) as caught:
        model_check(path=adder)

    assert caught.value.code == "model_check_failed"


def test_the_sandbox_is_held_to_its_time_limit(settings, adder: Path) -> None:  # noqa: ANN001
    settings.NEUROYARD_MODEL_CHECK_SECONDS = 1

    with pytest.raises(DomainError) as caught:
        model_check(path=adder)

    assert caught.value.code == "model_check_failed"
    assert "longer than 1 seconds" in caught.value.message

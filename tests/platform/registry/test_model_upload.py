"""POST /api/v1/models/: a `.keras` file becomes a model like a trained one. What the archive
alone shows could run code is refused at once (400), storing and running nothing; the rest is
stored, answered 202 `checking`, and loaded by a worker in its sandbox, which makes the model
`ready` or `invalid` with the reason. Until it is ready, nothing uses it."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from neuroyard.jobs.models import Artifact, Job
from neuroyard.registry.model_check import models_resend_checks
from neuroyard.registry.models import ModelExport, TrainedModel
from neuroyard_worker.inference.model_check import check_uploaded_model
from tests.platform.registry import keras_files as kf

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[3]


def upload(api, path: Path, name: str | None = None, **fields: Any):  # noqa: ANN001, ANN201
    data = io.BytesIO(path.read_bytes())
    data.name = name or path.name
    return api.post("/api/v1/models/", {"file": data, **fields}, format="multipart")


def checked(api, path: Path, **fields: Any) -> dict[str, Any]:  # noqa: ANN001
    """Upload, then run the check as the inference worker's task does; the model after it."""
    response = upload(api, path, **fields)
    assert response.status_code == 202, response.content
    check_uploaded_model(response.json()["id"])
    return api.get(f"/api/v1/models/{response.json()['id']}/").json()


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


def test_an_upload_is_stored_and_answered_202_checking(
    api, adder: Path, django_capture_on_commit_callbacks
) -> None:  # noqa: ANN001
    with django_capture_on_commit_callbacks() as sent:
        response = upload(api, adder, name="adder.keras", class_names="[]")

    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["status"], body["error_code"], body["error"]) == ("checking", "", "")
    assert (body["source"], body["job"], body["name"]) == ("uploaded", None, "adder")
    assert body["input_shape"] == [] and body["param_count"] == 0  # the worker finds these
    assert body["sha256"] and body["size_bytes"] == adder.stat().st_size
    assert len(sent) == 1  # the check, sent once the row is committed
    listed = api.get("/api/v1/models/").json()["results"]
    assert [(m["id"], m["status"]) for m in listed] == [(body["id"], "checking")]


def test_the_check_makes_it_ready_like_a_trained_model(api, adder: Path) -> None:  # noqa: ANN001
    body = checked(api, adder, name="adder.keras")

    assert body["status"] == "ready"
    assert (body["name"], body["task"]) == ("adder", "regression")
    assert (body["input_shape"], body["output_shape"], body["param_count"]) == ([2], [1], 13)
    model = TrainedModel.objects.get(id=body["id"])
    assert model.artifact.job is None and model.artifact.kind == "model"
    assert [layer["name"] for layer in model.layers] == ["hidden", "sum"]
    download = api.get(body["download_url"])
    assert b"".join(download.streaming_content) == adder.read_bytes()


def test_a_second_delivery_of_a_settled_check_does_nothing(api, adder: Path) -> None:  # noqa: ANN001
    body = checked(api, adder)

    assert check_uploaded_model(body["id"]) == "skipped"
    assert api.get(f"/api/v1/models/{body['id']}/").json()["status"] == "ready"


def test_a_model_keras_cannot_load_becomes_invalid_with_its_reason(api, unloadable: Path) -> None:  # noqa: ANN001
    body = checked(api, unloadable)

    assert (body["status"], body["error_code"]) == ("invalid", "model_invalid")
    assert "safe mode" in body["error"]
    assert stored_files() == []  # the file goes; the row stays, so its owner sees why
    listed = api.get("/api/v1/models/").json()["results"]
    assert [(m["id"], m["status"], m["error"]) for m in listed] == [
        (body["id"], "invalid", body["error"])
    ]


def test_class_names_that_do_not_fit_the_outputs_make_it_invalid(api, keras_dir: Path) -> None:  # noqa: ANN001
    conv = kf.image_classifier(keras_dir / "three.keras")  # three softmax outputs

    body = checked(api, conv, class_names=json.dumps(["cat", "dog"]))

    assert (body["status"], body["error_code"]) == ("invalid", "class_names_mismatch")
    assert "scores 3 classes, but 2 class_names" in body["error"]


def test_class_names_that_fit_are_kept_and_the_task_told_from_them(api, keras_dir: Path) -> None:  # noqa: ANN001
    conv = kf.image_classifier(keras_dir / "three.keras")

    body = checked(api, conv, class_names=json.dumps(["cat", "dog", "owl"]))

    assert (body["status"], body["task"]) == ("ready", "classification")
    assert body["class_names"] == ["cat", "dog", "owl"]


def test_class_names_for_a_regression_model_are_refused_at_once(api, adder: Path) -> None:  # noqa: ANN001
    response = upload(api, adder, task="regression", class_names=json.dumps(["a", "b"]))

    assert_refused(response, "invalid_input")


def test_the_weights_of_a_small_dense_model_are_served_for_drawing(api, adder: Path) -> None:  # noqa: ANN001
    model_id = checked(api, adder)["id"]

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


def test_a_convnet_is_not_drawn_neuron_by_neuron(api, keras_dir: Path) -> None:  # noqa: ANN001
    model_id = checked(api, kf.image_classifier(keras_dir / "conv.keras"))["id"]

    response = api.get(f"/api/v1/models/{model_id}/weights/")

    assert response.status_code == 400
    assert response.json()["code"] == "model_not_drawable"
    assert "Conv2D" in response.json()["message"]


def test_another_users_model_weights_are_not_found(api, other_api, adder: Path) -> None:  # noqa: ANN001
    model_id = checked(other_api, adder)["id"]

    assert api.get(f"/api/v1/models/{model_id}/weights/").status_code == 404


def uses_of(api, model_id: str) -> dict[str, Any]:  # noqa: ANN001
    """Every way a user can use a model, answered."""
    url = f"/api/v1/models/{model_id}/"
    return {
        "download": api.get(url + "download/?format=keras"),
        "export": api.get(url + "download/?format=tflite"),
        "weights": api.get(url + "weights/"),
        "predict": api.post(url + "predict/", {"inputs": [[1, 2]]}, format="json"),
        "job": api.post(
            "/api/v1/jobs/",
            {"kind": "visualize", "model": model_id, "params": {}},
            format="json",
        ),
    }


@pytest.mark.parametrize("state", ["checking", "invalid"])
def test_a_model_not_ready_is_used_by_nothing(
    api, adder: Path, unloadable: Path, state: str
) -> None:  # noqa: ANN001
    if state == "checking":
        model_id = upload(api, adder).json()["id"]
        words = "still being checked"
    else:
        model_id = checked(api, unloadable)["id"]
        words = "was refused when it was checked"

    for use, response in uses_of(api, model_id).items():
        assert response.status_code == 409, (use, response.content)
        body = response.json()
        assert body["code"] == "model_not_ready", (use, body)
        assert words in body["message"] and body["details"]["status"] == state
    assert not Job.objects.exists() and not ModelExport.objects.exists()


def test_a_model_checking_long_after_its_check_was_sent_is_sent_again(api, adder: Path) -> None:  # noqa: ANN001
    model_id = upload(api, adder).json()["id"]
    an_hour_ago = timezone.now() - timedelta(hours=1)
    TrainedModel.objects.filter(id=model_id).update(check_sent_at=an_hour_ago)
    ten_minutes_ago = timezone.now() - timedelta(minutes=10)

    assert [m.id for m in models_resend_checks(sent_before=ten_minutes_ago)] == [
        TrainedModel.objects.get(id=model_id).id
    ]
    assert models_resend_checks(sent_before=ten_minutes_ago) == []
    assert check_uploaded_model(model_id) == "ready"
    assert models_resend_checks(sent_before=timezone.now()) == []


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
    keras_dir: Path,
    canary: Path,
    adder: Path,  # noqa: ANN001
) -> None:
    build, name, code = MALICIOUS[attack]
    path = build(keras_dir, canary, adder)

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


# The web image in deploy/ is installed without the `worker` extra: no Keras, no TensorFlow.
WEB_WITHOUT_KERAS = """
import json, sys
for name in ("keras", "tensorflow", "tf_keras", "jax", "torch"):
    sys.modules[name] = None  # `import keras` now raises ImportError, as where it is missing
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
import subprocess
class NoChild(subprocess.Popen):
    def __init__(self, *args, **kwargs):  # nor can a child process bring Keras in
        raise OSError("no child processes in this web process")
subprocess.Popen = NoChild
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient
user = get_user_model().objects.create_user(username="ada", password="lovelace-1815")
api = APIClient(HTTP_HOST="localhost")
api.force_authenticate(user)
with open(sys.argv[1], "rb") as file:
    response = api.post("/api/v1/models/", {"file": file}, format="multipart")
heavy = sorted(m for m in sys.modules if m.split(".")[0] in {"keras", "tensorflow"}
               and sys.modules[m] is not None)
print(json.dumps({"status": response.status_code, "body": response.json(), "heavy": heavy}))
"""


def test_an_upload_works_with_the_web_process_unable_to_import_keras(
    adder: Path, tmp_path: Path
) -> None:
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "neuroyard.config.settings",
        "NEUROYARD_VAR_DIR": str(tmp_path),  # a database of its own
    }
    env.pop("DATABASE_URL", None)

    done = subprocess.run(
        [sys.executable, "-c", WEB_WITHOUT_KERAS, str(adder)],
        capture_output=True, text=True, cwd=REPO, env=env, timeout=300,
    )  # fmt: skip

    assert done.returncode == 0, done.stderr[-3000:]
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["status"] == 202, answer
    assert answer["body"]["status"] == "checking"
    assert answer["heavy"] == []

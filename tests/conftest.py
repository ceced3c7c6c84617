from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from tests.stack import (
    CpuWorkerProcess,
    InferenceWorkerProcess,
    WebServer,
    WorkerProcess,
    wait_for,
)


@pytest.fixture
def user(db):  # noqa: ANN001, ANN201
    return get_user_model().objects.create_user(username="ada", password="lovelace-1815")


@pytest.fixture
def other_user(db):  # noqa: ANN001, ANN201
    return get_user_model().objects.create_user(username="grace", password="hopper-1906")


@pytest.fixture
def api(user) -> APIClient:  # noqa: ANN001
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def other_api(other_user) -> APIClient:  # noqa: ANN001
    client = APIClient()
    client.force_authenticate(other_user)
    return client


def npz_upload(name: str = "data.npz", **arrays: np.ndarray) -> io.BytesIO:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    buffer.seek(0)
    buffer.name = name
    return buffer


def text_upload(name: str, text: str) -> io.BytesIO:
    buffer = io.BytesIO(text.encode())
    buffer.name = name
    return buffer


def digits_arrays(test_fraction: float = 0.25) -> dict[str, np.ndarray]:
    """scikit-learn's 8x8 handwritten digits, flattened to 64 values in [0, 1]."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    y = digits.target.astype(np.int64)
    order = np.random.default_rng(0).permutation(len(x))
    x, y = x[order], y[order]
    split = int(len(x) * (1 - test_fraction))
    return {"x": x[:split], "y": y[:split], "x_test": x[split:], "y_test": y[split:]}


def mlp_spec(inputs: int = 64, hidden: int = 512, classes: int = 10) -> dict[str, Any]:
    return {
        "layers": [
            {"type": "Input", "shape": [inputs]},
            {"type": "Dense", "units": hidden, "activation": "relu"},
            {"type": "Dense", "units": classes, "activation": "softmax"},
        ],
        "compile": {
            "optimizer": {"type": "rmsprop", "learning_rate": 0.001},
            "loss": "sparse_categorical_crossentropy",
            "metrics": ["accuracy"],
        },
    }


@pytest.fixture(scope="session")
def gpu_worker(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[WorkerProcess]:  # noqa: ANN001
    """One training worker for the session, as `make run` starts it (TensorFlow preloaded)."""
    with django_db_blocker.unblock():
        worker = WorkerProcess(
            name="gpu", log_path=tmp_path_factory.mktemp("worker") / "gpu-worker.log"
        )
    yield worker
    worker.stop()


@pytest.fixture(scope="session")
def cpu_worker(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[CpuWorkerProcess]:  # noqa: ANN001
    """The worker on the `control` and `cpu` queues, which ingests uploaded datasets."""
    with django_db_blocker.unblock():
        worker = CpuWorkerProcess(
            name="cpu", log_path=tmp_path_factory.mktemp("worker") / "cpu-worker.log"
        )
    yield worker
    worker.stop()


@pytest.fixture(scope="session")
def inference_worker(  # noqa: ANN001
    django_db_setup, django_db_blocker, tmp_path_factory
) -> Iterator[InferenceWorkerProcess]:
    """The long-lived worker on the `inference` queue: it answers synchronous predictions,
    converts models for export and checks uploaded models."""
    with django_db_blocker.unblock():
        worker = InferenceWorkerProcess(
            name="inference", log_path=tmp_path_factory.mktemp("worker") / "inference-worker.log"
        )
    yield worker
    worker.stop()


@pytest.fixture(scope="session")
def keras_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the `.keras` test files are written (tests.platform.registry.keras_files)."""
    return tmp_path_factory.mktemp("keras-files")


@pytest.fixture(scope="session")
def canary(keras_dir: Path) -> Path:
    """The file a malicious model's payload creates when it runs; tests assert it never does."""
    return keras_dir / "canary"


@pytest.fixture(scope="session")
def adder(keras_dir: Path) -> Path:
    """An honest 2-3-1 dense `.keras` model."""
    from tests.platform.registry import keras_files

    return keras_files.dense_model(keras_dir / "adder.keras")


@pytest.fixture(scope="session")
def lambda_file(keras_dir: Path, canary: Path) -> Path:
    """A `.keras` model whose Lambda layer touches the canary when loaded unsafely."""
    from tests.platform.registry import keras_files

    return keras_files.lambda_model(keras_dir / "lambda.keras", canary)


@pytest.fixture(scope="session")
def unloadable(keras_dir: Path, adder: Path) -> Path:
    """A `.keras` file the archive inspection passes and Keras cannot load (junk weights)."""
    from tests.platform.registry import keras_files

    return keras_files.junk_weights(adder, keras_dir / "unloadable.keras")


def upload_model(api: APIClient, path: Path, **fields: Any) -> dict[str, Any]:
    """Upload a `.keras` file and wait for the inference worker's check; the model after it."""
    upload = io.BytesIO(path.read_bytes())
    upload.name = path.name
    response = api.post("/api/v1/models/", {"file": upload, **fields}, format="multipart")
    assert response.status_code == 202, response.content
    url = f"/api/v1/models/{response.json()['id']}/"
    return wait_for(
        lambda: (m := api.get(url).json())["status"] != "checking" and m, timeout=180, every=0.1
    )


def wait_for_ingestion(read: Callable[[], dict[str, Any]], timeout: float = 120) -> dict[str, Any]:
    """The dataset `read()` returns (from the API), once ingestion has made it ready or invalid.
    Needs a cpu worker (the `cpu_worker` fixture, or a Stack's)."""
    return wait_for(
        lambda: (d := read())["status"] != "processing" and d, timeout=timeout, every=0.05
    )


def upload_dataset(api: APIClient, upload: io.BytesIO, **fields: Any) -> dict[str, Any]:
    """Upload through the API and wait for the cpu worker to ingest it; asserts it is ready."""
    response = api.post("/api/v1/datasets/", {"file": upload, **fields}, format="multipart")
    assert response.status_code in (200, 202), response.content
    url = f"/api/v1/datasets/{response.json()['id']}/"
    dataset = wait_for_ingestion(lambda: api.get(url).json())
    assert dataset["status"] == "ready", dataset
    return dataset


@pytest.fixture(scope="session")
def web_server(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[WebServer]:  # noqa: ANN001
    with django_db_blocker.unblock():
        server = WebServer(log_path=tmp_path_factory.mktemp("web") / "web.log")
    yield server
    server.stop()

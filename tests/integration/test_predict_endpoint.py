"""Synchronous predictions through the real stack: uvicorn, Redis, the inference worker process.
Its answers equal Keras' own predict for the same inputs, raw inputs are preprocessed as the
training data was, and bad inputs answer 400 while the worker stays up."""

from __future__ import annotations

import base64
import io
import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import redis
import requests
from PIL import Image
from rest_framework.authtoken.models import Token

from neuroyard.jobs.models import Job
from neuroyard.registry.inference import REQUESTS_KEY, prediction_key
from neuroyard.registry.models import TrainedModel
from tests.conftest import digits_arrays, wait_for
from tests.platform.registry.test_model_upload import MALICIOUS
from tests.platform.registry.trained_models import digits_mlp, registered_model
from tests.stack import InferenceWorkerProcess, RedisProcess, WebServer

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def digits_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return digits_mlp(tmp_path_factory.mktemp("models") / "digits.keras", digits_arrays())


@pytest.fixture
def token(user) -> str:  # noqa: ANN001
    return Token.objects.create(user=user).key


def post(server: Any, token: str, model: TrainedModel, **kwargs: Any) -> requests.Response:
    return requests.post(
        f"{server.url}/api/v1/models/{model.id}/predict/",
        headers={"Authorization": f"Token {token}"},
        timeout=60,
        **kwargs,
    )


def keras_predict(path: Path, x: np.ndarray) -> np.ndarray:
    import keras

    return np.asarray(keras.saving.load_model(path).predict(x, verbose=0))


def outputs_of(body: dict[str, Any]) -> np.ndarray:
    return np.array([p["outputs"] for p in body["predictions"]], np.float32)


def test_answers_equal_keras_predict_for_the_same_inputs(
    user, token, web_server, inference_worker, digits_file: Path
) -> None:  # noqa: ANN001
    model = registered_model(
        user, digits_file, input_shape=[64], class_names=[str(i) for i in range(10)]
    )
    x = digits_arrays()["x_test"][:5]

    response = post(web_server, token, model, json={"inputs": x.tolist(), "top_k": 3})

    assert response.status_code == 200, response.text
    body = response.json()
    expected = keras_predict(digits_file, x)
    np.testing.assert_allclose(outputs_of(body), expected, rtol=1e-5, atol=1e-6)
    first = body["predictions"][0]
    assert first["label"] == str(expected[0].argmax()) == first["top_k"][0]["label"]
    assert first["probability"] == pytest.approx(float(expected[0].max()), rel=1e-5)
    assert len(first["top_k"]) == 3 and body["status"] == "done"


def test_concurrent_requests_for_one_model_are_batched_and_each_gets_its_own_answer(
    user, token, web_server, inference_worker, digits_file: Path
) -> None:  # noqa: ANN001
    model = registered_model(user, digits_file, input_shape=[64])
    x = digits_arrays()["x_test"][:24]
    post(web_server, token, model, json={"inputs": x[:1].tolist()})  # loaded and warm

    with ThreadPoolExecutor(8) as pool:
        responses = list(
            pool.map(
                lambda i: post(web_server, token, model, json={"inputs": [x[i].tolist()]}),
                range(len(x)),
            )  # fmt: skip
        )

    assert all(r.status_code == 200 for r in responses)
    got = np.concatenate([outputs_of(r.json()) for r in responses])
    np.testing.assert_allclose(got, keras_predict(digits_file, x), rtol=1e-5, atol=1e-6)
    assert max(r.json()["batched_requests"] for r in responses) >= 1


def png_bytes(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def image_model_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import keras

    keras.utils.set_random_seed(1)
    model = keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            keras.layers.Conv2D(4, 3, activation="relu"),
            keras.layers.Flatten(),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )
    path = tmp_path_factory.mktemp("models") / "images.keras"
    model.save(path)
    return path


IMAGE_STEPS = {
    "kind": "image",
    "image_size": [8, 8],
    "color_mode": "grayscale",
    "resize": "bilinear",
    "scale": 1 / 255,
    "offset": 0.0,
}


def test_images_are_resized_greyed_and_scaled_as_the_training_images_were(
    user, token, web_server, inference_worker, image_model_file: Path
) -> None:  # noqa: ANN001
    model = registered_model(
        user, image_model_file, input_shape=[8, 8, 1], class_names=["a", "b", "c"],
        preprocessing=IMAGE_STEPS,
    )  # fmt: skip
    rgb = np.random.default_rng(0).integers(0, 256, (32, 24, 3), dtype=np.uint8)
    photo = png_bytes(rgb)
    # what ingestion did to the training images: grey, 8x8 bilinear, scaled to [0, 1]
    grey = Image.open(io.BytesIO(photo)).convert("L").resize((8, 8), Image.Resampling.BILINEAR)
    x = np.asarray(grey, np.uint8).reshape(1, 8, 8, 1).astype(np.float32) * np.float32(1 / 255)
    expected = keras_predict(image_model_file, x)

    as_base64 = post(web_server, token, model, json={"inputs": [base64.b64encode(photo).decode()]})
    as_upload = post(web_server, token, model, files={"image": ("photo.png", photo, "image/png")})

    for response in (as_base64, as_upload):
        assert response.status_code == 200, response.text
        np.testing.assert_allclose(outputs_of(response.json()), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    ("inputs", "code"),
    [
        ([[0.5] * 63], "input_shape_mismatch"),
        ([["a"] * 64], "input_not_numeric"),
        ([[0.5] * 64] * 65, "too_many_inputs"),
        ("not a list", "invalid_input"),
    ],
)
def test_bad_inputs_answer_400_with_a_clear_message(
    user, token, web_server, digits_file: Path, inputs: Any, code: str
) -> None:  # noqa: ANN001
    model = registered_model(user, digits_file, input_shape=[64])

    response = post(web_server, token, model, json={"inputs": inputs})

    assert response.status_code == 400, response.text
    assert response.json()["code"] == code and response.json()["message"]


def test_an_image_that_is_not_an_image_answers_400(
    user, token, web_server, image_model_file: Path
) -> None:  # noqa: ANN001
    model = registered_model(
        user, image_model_file, input_shape=[8, 8, 1], preprocessing=IMAGE_STEPS
    )

    response = post(web_server, token, model, files={"image": ("x.png", b"not a png", "image/png")})

    assert response.status_code == 400 and response.json()["code"] == "image_invalid"


def test_inputs_only_the_worker_can_refuse_answer_400_and_the_worker_stays_up(
    user, token, web_server, inference_worker, digits_file: Path
) -> None:  # noqa: ANN001
    """A model registered without an input shape (the web cannot check): the worker refuses
    the wrong shape, then answers the next request."""
    model = registered_model(user, digits_file)

    wrong = post(web_server, token, model, json={"inputs": [[0.1] * 10]})
    right = post(web_server, token, model, json={"inputs": [[0.1] * 64]})

    assert wrong.status_code == 400 and wrong.json()["code"] == "input_shape_mismatch"
    assert "[10]" in wrong.json()["message"] and "[64]" in wrong.json()["message"]
    assert right.status_code == 200
    assert inference_worker.process.poll() is None


def test_a_request_no_worker_answers_in_time_is_a_202_to_poll_until_one_does(
    user, token, other_user, digits_file: Path, tmp_path: Path
) -> None:  # noqa: ANN001
    """A platform of its own whose inference worker is down: the web answers 202; the message
    waits in the queue; once a worker starts, the answer is at the poll URL."""
    model = registered_model(user, digits_file, input_shape=[64])
    x = digits_arrays()["x_test"][:2]
    redis_server = RedisProcess(log_path=tmp_path / "redis.log")
    env = {"REDIS_URL": redis_server.url, "NEUROYARD_PREDICT_TIMEOUT_MS": "300"}
    web = WebServer(log_path=tmp_path / "web.log", extra_env=env)
    worker = None
    try:
        response = post(web, token, model, json={"inputs": x.tolist()})

        assert response.status_code == 202, response.text
        assert response.json()["status"] == "pending"
        assert response.headers["Location"] == response.json()["poll_url"]
        poll_url = f"{web.url}{response.json()['poll_url']}"
        still = requests.get(poll_url, headers={"Authorization": f"Token {token}"}, timeout=10)
        assert still.status_code == 202 and still.json()["status"] == "pending"
        other = Token.objects.create(user=other_user).key
        snooping = requests.get(poll_url, headers={"Authorization": f"Token {other}"}, timeout=10)
        assert snooping.status_code == 404

        worker = InferenceWorkerProcess(
            name="late-inference", log_path=tmp_path / "inference.log", extra_env=env
        )

        def answered() -> requests.Response | None:
            got = requests.get(poll_url, headers={"Authorization": f"Token {token}"}, timeout=10)
            return got if got.status_code == 200 else None

        body = wait_for(answered, timeout=60, every=0.1).json()
        expected = keras_predict(digits_file, x)
        np.testing.assert_allclose(outputs_of(body), expected, rtol=1e-5, atol=1e-6)
    finally:
        for process in (worker, web, redis_server):
            if process is not None:
                process.stop()


def test_a_request_nobody_took_before_it_expired_is_dropped_and_answers_survive_a_redis_restart(
    user, token, digits_file: Path, tmp_path: Path
) -> None:  # noqa: ANN001
    """Requests and answers go through Redis, not Celery: a request that waited longer than
    anyone waits for it is never run (the worker starts on what is asked now), and when Redis
    restarts (losing everything) the web and the worker find it again by themselves: the web's
    channel for answers is subscribed again and predictions answer 200."""
    model = registered_model(user, digits_file, input_shape=[64])
    x = digits_arrays()["x_test"][:1].tolist()
    redis_server = RedisProcess(log_path=tmp_path / "redis.log")
    env = {"REDIS_URL": redis_server.url}
    # a web whose requests nobody waits for after a second, and no worker yet
    brief = {"NEUROYARD_PREDICT_TIMEOUT_MS": "300", "NEUROYARD_PREDICT_KEEP_SECONDS": "1"}
    web = WebServer(log_path=tmp_path / "brief-web.log", extra_env=env | brief)
    worker = None
    try:
        stale = post(web, token, model, json={"inputs": x})
        assert stale.status_code == 202, stale.text
        web.stop()
        time.sleep(1.5)  # past its NEUROYARD_PREDICT_KEEP_SECONDS: nobody waits for it any more
        # the worker's first answer loads the model: however slow the machine, wait for it
        patient = {"NEUROYARD_PREDICT_TIMEOUT_MS": "60000"}
        web = WebServer(log_path=tmp_path / "web.log", extra_env=env | patient)
        worker = InferenceWorkerProcess(
            name="expiry-inference", log_path=tmp_path / "inference.log", extra_env=env
        )
        fresh = post(web, token, model, json={"inputs": x})

        assert fresh.status_code == 200, fresh.text
        kept = redis.Redis.from_url(redis_server.url)
        assert kept.exists(prediction_key(fresh.json()["id"]))
        assert not kept.exists(prediction_key(stale.json()["id"])), "the stale request was run"

        redis_server = redis_server.restarted()
        after = wait_for(
            lambda: (r := post(web, token, model, json={"inputs": x})).status_code == 200 and r,
            timeout=180,
            every=0.2,
        )

        assert after.json()["predictions"][0]["label"] == fresh.json()["predictions"][0]["label"]
        restarted = redis.Redis.from_url(redis_server.url)
        assert restarted.pubsub_channels("neuroyard:prediction-replies:*"), "not subscribed again"
    finally:
        for process in (worker, web, redis_server):
            if process is not None:
                process.stop()


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="the connection pool is PostgreSQL's (DATABASE_URL)",
)
def test_predictions_waiting_for_the_worker_hold_neither_an_api_thread_nor_a_connection(
    user, token, digits_file: Path, tmp_path: Path
) -> None:  # noqa: ANN001
    """One API thread and one pooled connection, four predictions waiting for a worker that is
    not there: another request is still served, before any of them gives up."""
    model = registered_model(user, digits_file, input_shape=[64])
    job = Job.objects.create(owner=user, kind="train", queue="gpu", params={})
    x = digits_arrays()["x_test"][:1].tolist()
    redis_server = RedisProcess(log_path=tmp_path / "redis.log")
    env = {
        "REDIS_URL": redis_server.url,
        "NEUROYARD_PREDICT_TIMEOUT_MS": "8000",
        "NEUROYARD_WEB_THREADS": "1",
        "NEUROYARD_DB_POOL_SIZE": "1",
        "NEUROYARD_DB_POOL_TIMEOUT_SECONDS": "2",  # a connection held elsewhere: a 500 soon
    }
    web = WebServer(log_path=tmp_path / "web.log", extra_env=env)
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            waiting = [pool.submit(post, web, token, model, json={"inputs": x}) for _ in range(4)]
            queued = redis.Redis.from_url(redis_server.url)
            wait_for(lambda: queued.llen(REQUESTS_KEY) == 4, timeout=30, every=0.05)

            detail = requests.get(
                f"{web.url}/api/v1/jobs/{job.id}/",
                headers={"Authorization": f"Token {token}"},
                timeout=30,
            )
            still_waiting = sum(not w.done() for w in waiting)

            assert detail.status_code == 200, detail.text
            assert still_waiting == 4
            assert [w.result().status_code for w in waiting] == [202] * 4
    finally:
        web.stop()
        redis_server.stop()


# Files the upload check refuses, registered as if stored before that check existed (or
# changed in storage since): the inference worker loads them with the same checks.
REFUSED_AT_LOAD = ["lambda layer", "layer loading a remote SavedModel", "path traversal"]


@pytest.mark.parametrize("case", REFUSED_AT_LOAD)
def test_a_model_the_upload_check_refuses_answers_422_with_its_code_and_never_runs(
    user, token, web_server, inference_worker, canary: Path, adder: Path, tmp_path: Path, case
) -> None:  # noqa: ANN001
    build, _, code = MALICIOUS[case]
    model = registered_model(
        user, build(tmp_path, canary, adder), input_shape=[2], task="regression"
    )

    response = post(web_server, token, model, json={"inputs": [[1.0, 2.0]]})

    assert response.status_code == 422, response.text
    assert response.json()["code"] == code
    assert not canary.exists()
    assert inference_worker.process.poll() is None

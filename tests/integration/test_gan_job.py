"""A GAN job on the real stack (Redis, web, workers, scheduler): SIGKILLed mid-epoch, it resumes
from its checkpoint with both networks and both optimizers, records each epoch once, stores a
grid of samples per epoch and the animation; its generator downloads, loads with safe_mode and
draws digits, and generating pictures is a predict call."""

from __future__ import annotations

import base64
import io
import os
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from rest_framework.authtoken.models import Token

from neuroyard.datasets import examples
from neuroyard.jobs.models import Job
from neuroyard.registry.models import TrainedModel
from tests.conftest import npz_upload, wait_for_ingestion
from tests.integration.test_job_recovery import Client, epochs_recorded, final
from tests.platform.registry.trained_models import registered_model
from tests.stack import InferenceWorkerProcess, Stack, wait_for
from tests.worker.engine.gan_networks import discriminator_spec, generator_spec

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

EPOCHS, LATENT, GRID = 5, 16, 4
SAMPLES = 480  # of digits_28: an epoch of 15 batches, a few seconds on a shared CPU
PARAMS = {
    "latent_dim": LATENT,
    "epochs": EPOCHS,
    "batch_size": 32,
    "generator_learning_rate": 1e-3,
    "discriminator_learning_rate": 1e-3,
    "conditional": True,
    "seed": 5,
    "grid_size": GRID,
    "interpolation_steps": 6,
}


@dataclass(frozen=True)
class GanRun:
    """What the tests look at, read before the test database is flushed after the first test."""

    job: Job
    epochs: list[int]
    metrics: list[dict[str, Any]]
    artifacts: dict[str, dict[str, Any]]
    downloads: dict[str, bytes]  # the animation's and the generator's
    model: dict[str, Any]  # as GET /models/ shows the generator
    registered: dict[str, Any]  # what inference knows of it: task, classes, preprocessing


@pytest.fixture(scope="module")
def gan_run(stack, django_db_blocker) -> GanRun:  # noqa: ANN001
    """One conditional GAN job on digits_28, its job process killed in the middle of epoch 3."""
    from django.contrib.auth import get_user_model

    with django_db_blocker.unblock():
        user = get_user_model().objects.create_user("gan-owner", password="not-used-1234")
        client = Client(stack, Token.objects.create(user=user).key)
        digits = examples.digits_28()
        upload = npz_upload("digits_28.npz", x=digits["x"][:SAMPLES], y=digits["y"][:SAMPLES])
        dataset = client.post("/datasets/", files={"file": upload})
        wait_for_ingestion(lambda: client.get(f"/datasets/{dataset['id']}/"))
        spec = client.post("/specs/", json={"name": "tiny DCGAN", "spec": generator_spec()})
        body = {
            "kind": "gan",
            "dataset": dataset["id"],
            "spec": spec["id"],
            "params": PARAMS | {"discriminator": discriminator_spec()},
        }
        job_id = client.post("/jobs/", json=body)["id"]
        running = wait_for(
            lambda: Job.objects.filter(id=job_id, status="running", progress__epoch__gte=2).first(),
            timeout=240,
            every=0.05,
        )
        os.kill(int(running.worker.rpartition("/")[2]), signal.SIGKILL)
        job = final(job_id, stack, timeout=300)
        artifacts = artifacts_by_name(client, job)
        model = [a for a in artifacts.values() if a["kind"] == "model"]
        downloads = {"generator.keras": download(client, model[0])} if model else {}
        if "samples.gif" in artifacts:
            downloads["samples.gif"] = download(client, artifacts["samples.gif"])
        models = client.get("/models/")
        assert isinstance(models, dict), models
        registered = TrainedModel.objects.filter(job_id=job.id).values(
            "task", "input_shape", "class_names", "preprocessing"
        )
        return GanRun(
            job=job,
            epochs=epochs_recorded(job),
            metrics=list(client.get(f"/jobs/{job.id}/metrics/")),
            artifacts=artifacts,
            downloads=downloads,
            model=models["results"][0] if models["results"] else {},
            registered=dict(registered.first() or {}),
        )


def artifacts_by_name(client: Client, job: Job) -> dict[str, dict[str, Any]]:
    listed = client.get(f"/jobs/{job.id}/artifacts/")
    assert isinstance(listed, list), listed
    names = [artifact["name"] for artifact in listed]
    assert len(names) == len(set(names)), names  # nothing stored twice
    return {artifact["name"]: artifact for artifact in listed}


def download(client: Client, artifact: dict[str, Any]) -> bytes:
    response = client.session.get(f"{client.url.removesuffix('/api/v1')}{artifact['download_url']}")
    assert response.status_code == 200, response.text
    return response.content


def test_a_killed_gan_job_resumes_with_both_networks_and_records_each_epoch_once(
    gan_run: GanRun,
) -> None:
    job = gan_run.job

    assert job.status == "succeeded", job.error_message
    assert job.attempt == 2
    assert 2 <= job.result["resumed_from_epoch"] < EPOCHS
    assert gan_run.epochs == list(range(1, EPOCHS + 1))
    for epoch in gan_run.metrics:
        assert set(epoch["values"]) == {"generator_loss", "discriminator_loss"}
        assert all(np.isfinite(value) for value in epoch["values"].values())


def test_every_epoch_stores_one_grid_and_the_job_ends_with_the_animation(
    gan_run: GanRun,
) -> None:
    artifacts = gan_run.artifacts

    grids = sorted(name for name in artifacts if name.startswith("samples-epoch-"))
    assert grids == [f"samples-epoch-{epoch:05d}.png" for epoch in range(1, EPOCHS + 1)]
    assert {artifacts[name]["kind"] for name in grids} == {"image"}
    gif = artifacts["samples.gif"]
    assert (gif["kind"], gif["content_type"]) == ("image", "image/gif")
    with Image.open(io.BytesIO(gan_run.downloads["samples.gif"])) as animation:
        assert animation.n_frames == EPOCHS
    assert artifacts["interpolation.png"]["kind"] == "image"


def test_the_generator_downloads_loads_safely_and_draws_pictures(
    gan_run: GanRun, tmp_path: Path
) -> None:
    import keras

    path = tmp_path / "generator.keras"
    path.write_bytes(gan_run.downloads["generator.keras"])

    generator = keras.saving.load_model(path, safe_mode=True)
    noise = np.random.default_rng(0).standard_normal((10, LATENT)).astype(np.float32)
    pictures = np.asarray(generator.predict(np.hstack([noise, np.eye(10, dtype=np.float32)])))

    assert pictures.shape == (10, 28, 28, 1)
    assert pictures.min() >= 0.0 and pictures.max() <= 1.0  # the dataset's range
    assert pictures.std() > 0.01  # pictures, not a blank
    assert gan_run.model["input_shape"] == [LATENT + 10]
    assert gan_run.model["task"] == "generator"


# --- generating pictures is a predict call --------------------------------------------------


@pytest.fixture(scope="module")
def inference(stack, django_db_blocker) -> Iterator[InferenceWorkerProcess]:  # noqa: ANN001
    with django_db_blocker.unblock():
        worker = InferenceWorkerProcess(
            name="stack-inference", log_path=stack.folder / "inference.log", extra_env=stack.env
        )
    yield worker
    worker.stop()


@pytest.fixture
def generator(gan_run: GanRun, user, tmp_path: Path) -> tuple[TrainedModel, Path]:  # noqa: ANN001
    """The job's generator, registered again for this test's user (the database is flushed
    between tests) exactly as the job registered it."""
    path = tmp_path / "generator.keras"
    path.write_bytes(gan_run.downloads["generator.keras"])
    return registered_model(user, path, **gan_run.registered), path


def generate(stack: Stack, user, model: TrainedModel, body: dict[str, Any]) -> dict[str, Any]:  # noqa: ANN001
    client = Client(stack, Token.objects.create(user=user).key)
    response = client.session.post(
        f"{client.url}/models/{model.id}/predict/", json=body, timeout=60
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def png(text: str) -> np.ndarray:
    with Image.open(io.BytesIO(base64.b64decode(text))) as picture:
        assert picture.format == "PNG"
        return np.asarray(picture)


def test_generating_pictures_of_a_class_is_a_predict_call(
    stack, inference, user, generator, gan_run: GanRun
) -> None:  # noqa: ANN001
    import keras

    model, path = generator
    assert gan_run.registered["task"] == "generator"

    answer = generate(stack, user, model, {"count": 4, "class": 7, "seed": 2})

    pictures = answer["predictions"]
    assert len(pictures) == 4 and answer["task"] == "generator"
    assert {(p["label"], p["index"]) for p in pictures} == {("7", 7)}
    latent = np.array([p["latent"] for p in pictures], np.float32)
    assert latent.shape == (4, LATENT)
    # the same pictures as the downloaded generator draws from those points, as PNG pixels
    one_hot = np.tile(np.eye(10, dtype=np.float32)[7], (4, 1))
    drawn = keras.saving.load_model(path, safe_mode=True).predict(np.hstack([latent, one_hot]))
    expected = np.rint(np.clip(np.asarray(drawn)[..., 0], 0.0, 1.0) * 255.0)
    got = np.stack([png(p["image"]) for p in pictures]).astype(np.float32)
    assert got.shape == (4, 28, 28)
    assert np.abs(got - expected).max() <= 1.0


def test_an_interpolation_between_two_latent_points_makes_a_strip(
    stack, inference, user, generator
) -> None:  # noqa: ANN001
    model, _ = generator
    ends = np.random.default_rng(4).standard_normal((2, LATENT)).round(3).tolist()

    answer = generate(stack, user, model, {"latent": ends, "interpolate": 6, "class": "3"})

    pictures = answer["predictions"]
    assert len(pictures) == 6
    np.testing.assert_allclose(pictures[0]["latent"], ends[0], rtol=1e-6)
    np.testing.assert_allclose(pictures[-1]["latent"], ends[1], rtol=1e-6)
    strip = png(answer["strip"])
    assert strip.shape[:2] == (28 + 2 * 2, 6 * (28 + 2) + 2)  # one row, a 2-pixel gap

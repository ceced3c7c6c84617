"""A sweep on the real stack: six trials with early stopping spread over two gpu workers, one
worker killed mid-sweep. Every trial ends once, none fails, the weak are pruned, and the sweep
ends with its best trial's model registered."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from uuid import UUID

import pytest
from rest_framework.authtoken.models import Token

from neuroyard.jobs.models import Job
from neuroyard.registry.models import TrainedModel
from neuroyard.sweeps.models import Sweep
from tests.conftest import digits_arrays, mlp_spec, npz_upload, wait_for_ingestion
from tests.integration.conftest import FAST_RECOVERY
from tests.integration.test_job_recovery import Client, epochs_recorded
from tests.stack import Stack, wait_for
from tests.tensorboard_files import read_run

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Stack]:  # noqa: ANN001
    with django_db_blocker.unblock():
        platform = Stack(tmp_path_factory.mktemp("sweep"), gpu_workers=2, env=FAST_RECOVERY)
    yield platform
    platform.stop()


def digits_and_named_mlp(client: Client) -> tuple[dict, str]:
    """The digits dataset (ready) and an MLP whose hidden layer is named `hidden`."""
    dataset = client.post("/datasets/", files={"file": npz_upload("d.npz", **digits_arrays())})
    wait_for_ingestion(lambda: client.get(f"/datasets/{dataset['id']}/"))
    spec = mlp_spec(hidden=16)
    spec["layers"][1]["name"] = "hidden"
    return dataset, client.post("/specs/", json={"name": "mlp", "spec": spec})["id"]


def test_a_sweep_survives_a_killed_worker_and_registers_its_best_model(stack, user, tmp_path):  # noqa: ANN001, E501
    client = Client(stack, Token.objects.create(user=user).key)
    dataset, spec_id = digits_and_named_mlp(client)
    sweep = client.post(
        "/sweeps/",
        json={
            "name": "digits search",
            "dataset": dataset["id"],
            "spec": spec_id,
            "params": {"epochs": 9, "batch_size": 32, "validation_split": 0.2, "seed": 1},
            "settings": {
                "space": [
                    {"name": "learning_rate", "type": "choice", "values": [0.0001, 0.01]},
                    {"name": "hidden.units", "type": "choice", "values": [4, 16, 32]},
                ],
                "searcher": "grid",
                "early_stopping": "asha",
                "metric": "val_accuracy",
                "budget": {"trials": 6},
                "parallelism": 2,
            },
        },
    )
    # one trial well under way on one of the stack's workers: kill that worker
    try:
        running = wait_for(
            lambda: Job.objects.filter(
                sweep_id=sweep["id"], status="running", worker__startswith="stack-gpu",
                progress__epoch__gte=2,
            ).first(),
            timeout=300, every=0.05,
        )  # fmt: skip
    except AssertionError:
        states = list(Job.objects.filter(sweep_id=sweep["id"]).values("status", "worker"))
        raise AssertionError(f"no trial ran: {states}\n{stack.logs()[-6000:]}") from None
    doomed = stack.gpu_workers[int(running.worker.split("@")[0].removeprefix("stack-gpu"))]
    doomed.kill()

    try:
        ended = wait_for(
            lambda: Sweep.objects.filter(id=sweep["id"], status__in=Sweep.FINAL_STATUSES).first(),
            timeout=600,
            every=0.5,
        )
    except AssertionError:
        raise AssertionError(f"the sweep did not end:\n{stack.logs()}") from None
    body = client.get(f"/sweeps/{sweep['id']}/")
    assert ended.status == "succeeded", body
    trials = body["trials"]
    assert [t["number"] for t in trials] == list(range(6))
    jobs = {job.id: job for job in Job.objects.filter(sweep_id=sweep["id"])}
    assert len(jobs) == 6  # one job per trial, none started twice
    assert {job.status for job in jobs.values()} <= {"succeeded", "pruned"}
    assert any(job.status == "pruned" for job in jobs.values())
    assert any(job.attempt == 2 for job in jobs.values())  # the killed worker's trial resumed
    for job in jobs.values():  # each epoch trained and recorded once
        assert epochs_recorded(job) == list(range(1, len(epochs_recorded(job)) + 1))
    best = ended.best_trial
    assert best is not None and best.state == "complete"
    assert best.value == max(t["value"] for t in trials if t["state"] == "complete")
    # the last epoch's model, whose metric the sweep compared
    assert ended.best_model == TrainedModel.objects.get(job_id=best.job_id, is_last=True)
    assert body["best_model"] == str(ended.best_model_id)
    listed = client.get(f"/jobs/?sweep={sweep['id']}")["results"]
    assert {job["sweep"] for job in listed} == {sweep["id"]}

    # Every trial's TensorBoard run, pruned and resumed ones included, each epoch once.
    download = client.session.get(f"{client.url}/sweeps/{sweep['id']}/tensorboard/", timeout=60)
    assert download.status_code == 200, download.text
    zipfile.ZipFile(io.BytesIO(download.content)).extractall(tmp_path)
    by_number = {t["number"]: t for t in trials}
    assert sorted(path.name for path in tmp_path.iterdir()) == [f"trial-{n:03d}" for n in range(6)]
    for number, trial in by_number.items():
        run = read_run(tmp_path / f"trial-{number:03d}")
        epochs = epochs_recorded(jobs[UUID(trial["job"])])
        assert [step for step, _ in run.scalars["loss"]] == epochs
        assert run.hparams["hidden.units"] == trial["values"]["hidden.units"]
        assert run.hparams["learning_rate"] == pytest.approx(trial["values"]["learning_rate"])
        assert "val_accuracy" in run.metrics and run.group == f"trial-{number:03d}"

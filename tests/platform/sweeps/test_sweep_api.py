"""The sweep API: a sweep is created whole or not at all, with a stable code for every refusal."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest

from neuroyard.jobs.artifacts import artifact_create
from neuroyard.jobs.models import Job
from neuroyard.specs.models import ModelSpec
from neuroyard.sweeps.models import Sweep, SweepTrial
from tests.conftest import mlp_spec
from tests.platform.specs.datasets import ready_dataset

pytestmark = pytest.mark.django_db


def named_mlp() -> dict[str, Any]:
    spec = mlp_spec(hidden=32)
    spec["layers"][1]["name"] = "hidden"
    spec["layers"].insert(2, {"type": "Dropout", "rate": 0.1, "name": "drop"})
    return spec


@pytest.fixture
def base(user) -> dict[str, Any]:  # noqa: ANN001
    dataset = ready_dataset(user, input_shape=[64], num_classes=10, samples=200)
    spec = ModelSpec.objects.create(owner=user, name="mlp", spec=named_mlp())
    return {
        "name": "search",
        "dataset": str(dataset.id),
        "spec": str(spec.id),
        "params": {"epochs": 9, "validation_split": 0.2},
        "settings": {
            "space": [
                {"name": "learning_rate", "type": "log_uniform", "low": 1e-4, "high": 1e-1},
                {"name": "hidden.units", "type": "int", "low": 8, "high": 64, "step": 8},
                {"name": "drop.rate", "type": "uniform", "low": 0.0, "high": 0.5},
                {"name": "optimizer", "type": "choice", "values": ["adam", "sgd"]},
                {"name": "batch_size", "type": "choice", "values": [16, 32]},
            ],
            "searcher": "random",
            "early_stopping": "asha",
            "metric": "val_accuracy",
            "budget": {"trials": 6},
            "parallelism": 2,
        },
    }


def test_a_sweep_is_created_running_with_its_settings(api, base):  # noqa: ANN001
    response = api.post("/api/v1/sweeps/", base, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "running"
    assert body["settings"]["budget"] == {"trials": 6, "epochs": None, "minutes": None}
    assert body["params"]["epochs"] == 9
    assert body["trials"] == [] and body["best_so_far"] is None
    assert api.get(f"/api/v1/sweeps/{body['id']}/").json()["id"] == body["id"]
    assert [s["id"] for s in api.get("/api/v1/sweeps/").json()["results"]] == [body["id"]]


def test_another_users_sweep_is_not_found(api, other_api, base):  # noqa: ANN001
    sweep = api.post("/api/v1/sweeps/", base, format="json").json()
    assert other_api.get(f"/api/v1/sweeps/{sweep['id']}/").status_code == 404
    assert other_api.post(f"/api/v1/sweeps/{sweep['id']}/cancel/").status_code == 404


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"space": [{"name": "learning_rate", "type": "uniform", "low": 0.1, "high": 0.01}]},
         "sweep_range_inverted"),
        ({"space": [{"name": "learning_rate", "type": "uniform", "low": 0.1, "high": 0.1}]},
         "sweep_range_empty"),
        ({"space": [{"name": "optimizer", "type": "choice", "values": []}]}, "sweep_range_empty"),
        ({"space": [{"name": "learning_rate", "type": "log_uniform", "low": 0, "high": 1}]},
         "sweep_range_empty"),
        ({"space": [{"name": "momentum", "type": "uniform", "low": 0, "high": 1}]},
         "sweep_param_unknown"),
        ({"space": [{"name": "nowhere.units", "type": "int", "low": 1, "high": 9}]},
         "sweep_param_unknown"),
        ({"space": [{"name": "drop.units", "type": "int", "low": 1, "high": 9}]},
         "sweep_param_unknown"),
        ({"metric": "val_auc"}, "sweep_metric_unknown"),
        ({"budget": {"trials": 0}}, "sweep_budget_invalid"),
        ({"budget": {"epochs": 0}}, "sweep_budget_invalid"),
        ({"budget": {}}, "sweep_budget_invalid"),
        ({"budget": {"minutes": 0}}, "sweep_budget_invalid"),
        ({"budget": {"minutes": 10**6}}, "sweep_budget_invalid"),
        ({"budget": {"minutes": "10"}}, "invalid_sweep"),
        ({"searcher": "bayes"}, "invalid_sweep"),
        ({"searcher": "grid"}, "invalid_sweep"),  # a grid of continuous ranges
        ({"space": [{"name": "hidden.units", "type": "int", "low": 0, "high": 8}]},
         "spec_incompatible"),
    ],
)  # fmt: skip
def test_bad_settings_are_refused_with_a_stable_code_and_nothing_created(
    api,
    base,
    change,
    code,  # noqa: ANN001
):
    base["settings"] |= change
    response = api.post("/api/v1/sweeps/", base, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == code, response.json()
    assert not Sweep.objects.exists()
    assert not Job.objects.exists()


def test_a_val_metric_without_validation_data_is_refused(api, base):  # noqa: ANN001
    base["params"] = {"epochs": 3}
    response = api.post("/api/v1/sweeps/", base, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "sweep_metric_unknown"
    assert "validation_split" in response.json()["message"]


def test_bad_base_params_are_refused(api, base):  # noqa: ANN001
    base["params"] = {"epochs": 0}
    response = api.post("/api/v1/sweeps/", base, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_params"
    assert not Sweep.objects.exists()


def test_cancel_ends_a_sweep_once(api, base):  # noqa: ANN001
    sweep = api.post("/api/v1/sweeps/", base, format="json").json()
    cancelled = api.post(f"/api/v1/sweeps/{sweep['id']}/cancel/")
    assert cancelled.status_code == 200
    assert cancelled.json()["cancel_requested"] is True
    Sweep.objects.filter(id=sweep["id"]).update(status="cancelled")
    again = api.post(f"/api/v1/sweeps/{sweep['id']}/cancel/")
    assert again.status_code == 409 and again.json()["code"] == "sweep_finished"


def trial_with_board(sweep: Sweep, number: int, files: dict[str, bytes]) -> Job:
    """A trial whose job stored a tensorboard.zip holding `files` under its own folder."""
    job = Job.objects.create(owner=sweep.owner, kind="train", queue="gpu", sweep=sweep)
    SweepTrial.objects.create(
        sweep=sweep, number=number, optuna_trial_id=number, job=job, values={"n": number}
    )
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as board:
        for name, content in files.items():
            board.writestr(f"trial-{number:03d}/{name}", content)
    archive.seek(0)
    artifact_create(
        owner_id=sweep.owner_id, job=job, kind="tensorboard", name="tensorboard.zip",
        file=archive, folder=str(job.id), content_type="application/zip",
    )  # fmt: skip
    return job


def test_the_trials_tensorboard_runs_download_as_one_zip(api, other_api, base):  # noqa: ANN001
    created = api.post("/api/v1/sweeps/", base, format="json").json()
    url = f"/api/v1/sweeps/{created['id']}/tensorboard/"
    none_yet = api.get(url)
    assert none_yet.status_code == 409 and none_yet.json()["code"] == "no_tensorboard"

    sweep = Sweep.objects.get(id=created["id"])
    trial_with_board(sweep, 0, {"events.out.tfevents.1.a": b"zero"})
    trial_with_board(sweep, 1, {"events.out.tfevents.2.b": b"one", "events.out.tfevents.3.b": b"1"})
    running = Job.objects.create(owner=sweep.owner, kind="train", queue="gpu", sweep=sweep)
    SweepTrial.objects.create(sweep=sweep, number=2, optuna_trial_id=2, job=running, values={})

    response = api.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "tensorboard.zip" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        contents = {name: archive.read(name) for name in archive.namelist()}
    assert contents == {
        "trial-000/events.out.tfevents.1.a": b"zero",
        "trial-001/events.out.tfevents.2.b": b"one",
        "trial-001/events.out.tfevents.3.b": b"1",
    }  # the trial still running has nothing yet
    resumed = api.get(url, HTTP_RANGE="bytes=10-")
    assert resumed.status_code == 206 and b"".join(resumed.streaming_content) == body[10:]
    assert other_api.get(url).status_code == 404


@pytest.mark.parametrize(("direction", "best"), [("maximize", 0.9), ("minimize", 0.4)])
def test_the_list_tells_each_sweeps_trials_and_best_value(api, user, base, direction, best):  # noqa: ANN001
    base["settings"]["direction"] = direction
    sweep = Sweep.objects.get(id=api.post("/api/v1/sweeps/", base, format="json").json()["id"])
    trials = [("complete", 0.4), ("complete", 0.9), ("pruned", 0.95), ("running", None)]
    for number, (state, value) in enumerate(trials):
        job = Job.objects.create(owner=user, kind="train", queue="gpu", sweep=sweep)
        sweep.trials.create(
            number=number, optuna_trial_id=number, job=job, values={}, state=state, value=value
        )
    [row] = api.get("/api/v1/sweeps/").json()["results"]
    assert (row["trials_started"], row["trials_ended"], row["best_value"]) == (4, 3, best)

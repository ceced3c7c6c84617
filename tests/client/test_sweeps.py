"""Sweeps from the command and the Python API against the live stack: a small grid searched
and followed live to its end, every trial's TensorBoard run downloaded; bad settings refused
with their code; a sweep cancelled."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from neuroyard_client import Neuroyard, NeuroyardError
from tests.client.conftest import Cli
from tests.conftest import digits_arrays, mlp_spec
from tests.tensorboard_files import read_run

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

SETTINGS = {
    "space": [{"name": "learning_rate", "type": "choice", "values": [0.001, 0.01]}],
    "searcher": "grid",
    "early_stopping": "none",
    "metric": "val_accuracy",
    "budget": {"trials": 2},
    "parallelism": 2,
}
PARAMS = {"epochs": 2, "batch_size": 64, "validation_split": 0.2}


def digits(ny: Neuroyard, folder: Path) -> tuple[str, str]:
    arrays = digits_arrays()
    np.savez(folder / "digits.npz", **{k: v[:400] for k, v in arrays.items()})
    dataset = ny.datasets.upload(folder / "digits.npz", name="digits")
    return dataset.id, ny.specs.create("mlp", mlp_spec(hidden=16)).id


def test_a_sweep_created_from_a_file_is_followed_live_to_its_best_model(  # noqa: ANN001
    logged_in: Cli, user, web_server, cpu_worker, gpu_worker, tmp_path
) -> None:
    from rest_framework.authtoken.models import Token

    # the command's login made the user's token
    ny = Neuroyard(web_server.url, token=Token.objects.get(user=user).key, progress=False)
    dataset, spec = digits(ny, tmp_path)
    request = tmp_path / "sweep.json"
    request.write_text(json.dumps({"name": "lr", "dataset": dataset, "settings": SETTINGS}))

    done = logged_in(
        "sweeps", "create", str(request), "--spec", spec, "--param", "epochs=2",
        "--param", "batch_size=64", "--param", "validation_split=0.2", "--follow",
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    sweep_id = lines[0].split()[1]
    assert lines[0] == f"Sweep {sweep_id} running"
    # the trials as they changed, each ending complete, then the final table
    for number in (0, 1):
        changes = [line for line in lines if line.startswith(f"trial {number}  ")]
        assert changes[-1].startswith(f"trial {number}  complete  succeeded  epoch 2/2  value ")
    assert any(line.startswith(f"sweep {sweep_id[:8]} 'lr' succeeded: 2 trials; best trial ")
               for line in lines)  # fmt: skip
    assert lines[-1].startswith("best model ")

    shown = logged_in("sweeps", "show", sweep_id, "--json")
    sweep = json.loads(shown.stdout)
    assert [t["state"] for t in sweep["trials"]] == ["complete", "complete"]
    assert sorted(t["values"]["learning_rate"] for t in sweep["trials"]) == [0.001, 0.01]
    assert ny.sweeps.get(sweep_id).best_model.id == sweep["best_model"]
    listed = logged_in("sweeps", "list")
    assert sweep_id in listed.stdout and "succeeded" in listed.stdout

    download = logged_in("sweeps", "tensorboard", sweep_id, "-o", str(tmp_path / "tb.zip"))
    assert download.returncode == 0, download.stderr
    zipfile.ZipFile(tmp_path / "tb.zip").extractall(tmp_path / "runs")
    for trial in sweep["trials"]:
        run = read_run(tmp_path / "runs" / f"trial-{trial['number']:03d}")
        assert [step for step, _ in run.scalars["val_accuracy"]] == [1, 2]
        assert run.hparams["learning_rate"] == pytest.approx(trial["values"]["learning_rate"])


def test_the_python_api_refuses_bad_settings_and_cancels_a_sweep(  # noqa: ANN001
    ny: Neuroyard, cpu_worker, gpu_worker, tmp_path
) -> None:
    dataset, spec = digits(ny, tmp_path)
    with pytest.raises(NeuroyardError) as refused:
        ny.sweeps.create(
            name="none", dataset=dataset, spec=spec, params=PARAMS,
            settings=SETTINGS | {"budget": {"trials": 0}},
        )  # fmt: skip
    assert refused.value.code == "sweep_budget_invalid"
    assert ny.sweeps.list() == []

    sweep = ny.sweeps.create(
        name="lr", dataset=dataset, spec=spec, params=PARAMS, settings=SETTINGS
    )
    assert sweep.status == "running" and sweep.settings["metric"] == "val_accuracy"
    assert [s.id for s in ny.sweeps.list()] == [sweep.id]

    cancelled = ny.sweeps.cancel(sweep.id)

    assert cancelled.data["cancel_requested"] is True
    assert cancelled.follow(interval=0.2, timeout=120).status == "cancelled"
    with pytest.raises(NeuroyardError) as again:
        ny.sweeps.cancel(sweep)
    assert again.value.code == "sweep_finished"
    assert {t["status"] for t in cancelled.trials} <= {"cancelled", "succeeded"}

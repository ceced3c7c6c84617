"""`neuroyard` from a terminal: log in, upload, train with the epochs shown live, download the
model, and fail clearly (one line, a non-zero exit status) on bad input or a failed job."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.client.conftest import Cli, cli_command, cli_env
from tests.conftest import digits_arrays, mlp_spec

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def digits_file(folder: Path) -> Path:
    path = folder / "digits.npz"
    np.savez(path, **digits_arrays())
    return path


def test_login_keeps_the_token_for_its_owner_only(logged_in: Cli, config_dir: Path, user) -> None:  # noqa: ANN001
    config = config_dir / "config.json"
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert json.loads(config.read_text())["username"] == user.username

    whoami = logged_in("whoami", "--json")

    assert whoami.returncode == 0, whoami.stderr
    assert json.loads(whoami.stdout)["username"] == user.username


def test_upload_train_follow_live_and_download_a_model_keras_loads(  # noqa: ANN001
    logged_in: Cli, config_dir, web_server, cpu_worker, gpu_worker, tmp_path
) -> None:
    from neuroyard.jobs.models import Job

    upload = logged_in(
        "datasets", "upload", str(digits_file(tmp_path)), "--name", "digits", "--json"
    )
    assert upload.returncode == 0, upload.stderr
    dataset = json.loads(upload.stdout)
    assert dataset["status"] == "ready"
    assert "100%" in upload.stderr  # the progress bar reached the end

    spec_file = tmp_path / "mlp.json"
    spec_file.write_text(json.dumps(mlp_spec()))
    spec = json.loads(logged_in("specs", "create", "digits MLP", str(spec_file), "--json").stdout)

    epochs = 8
    process = subprocess.Popen(
        cli_command("jobs", "submit", "train", "--dataset", dataset["id"], "--spec", spec["id"],
                    f"epochs={epochs}", "batch_size=32", "--follow"),
        env=cli_env(config_dir, web_server.url), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    assert process.stdout is not None
    lines, first_epoch_at = [], None
    for line in process.stdout:
        lines.append(line.rstrip("\n"))
        if line.startswith("epoch 1/") and first_epoch_at is None:
            first_epoch_at = time.time()
    assert process.wait(timeout=300) == 0, process.stderr.read() if process.stderr else ""

    job_id = lines[0].split()[1]
    job = Job.objects.get(id=job_id)
    assert job.status == "succeeded"
    assert [line.split()[1] for line in lines if line.startswith("epoch ")] == [
        f"{n}/{epochs}" for n in range(1, epochs + 1)
    ]
    assert "loss" in next(line for line in lines if line.startswith("epoch 8/"))
    assert first_epoch_at is not None and first_epoch_at < job.finished_at.timestamp(), (
        "the first epoch should be printed while the job still runs"
    )

    shown = json.loads(logged_in("jobs", "show", job_id, "--json").stdout)
    model_file = tmp_path / "digits.keras"
    download = logged_in("models", "download", shown["result"]["model"], "-o", str(model_file))
    assert download.returncode == 0, download.stderr

    import keras

    model = keras.saving.load_model(model_file, safe_mode=True)
    assert model.output_shape == (None, 10)

    listed = json.loads(logged_in("jobs", "list", "--json").stdout)
    assert [j["id"] for j in listed] == [job_id]
    logs = logged_in("jobs", "logs", job_id)
    assert logs.stdout.splitlines()[-1] == "succeeded"


def test_a_failed_job_exits_non_zero_with_its_reason(  # noqa: ANN001
    logged_in: Cli, cpu_worker, gpu_worker, tmp_path
) -> None:
    dataset = json.loads(
        logged_in("datasets", "upload", str(digits_file(tmp_path)), "--json").stdout
    )
    spec_file = tmp_path / "mlp.json"
    spec_file.write_text(json.dumps(mlp_spec()))
    spec = json.loads(logged_in("specs", "create", "mlp", str(spec_file), "--json").stdout)

    done = logged_in(
        "jobs", "submit", "train", "--dataset", dataset["id"], "--spec", spec["id"],
        "epochs=100000", "time_limit=1", "--follow", "--json",
    )  # fmt: skip

    assert done.returncode == 3, done.stderr
    assert json.loads(done.stdout)["status"] == "failed"
    (line,) = done.stderr.strip().splitlines()[-1:]
    assert line.startswith("neuroyard: job ") and "failed (time_limit)" in line


def test_a_followed_job_under_json_prints_only_json_on_stdout(  # noqa: ANN001
    logged_in: Cli, cpu_worker, gpu_worker, tmp_path
) -> None:
    dataset = json.loads(
        logged_in("datasets", "upload", str(digits_file(tmp_path)), "--json").stdout
    )
    spec_file = tmp_path / "mlp.json"
    spec_file.write_text(json.dumps(mlp_spec(hidden=16)))
    spec = json.loads(logged_in("specs", "create", "mlp", str(spec_file), "--json").stdout)

    done = logged_in(
        "jobs", "submit", "train", "--dataset", dataset["id"], "--spec", spec["id"],
        "epochs=3", "--follow", "--json",
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["status"] == "succeeded"  # the epoch lines went to stderr
    assert "epoch 3/3" in done.stderr


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--url", "http://127.0.0.1:9", "datasets", "list"], "Cannot reach http://127.0.0.1:9"),
        (["--token", "not-a-token", "datasets", "list"], "log in again"),
        (["datasets", "upload", "missing.npz"], "No such file: missing.npz"),
        (["jobs", "show", "00000000-0000-0000-0000-000000000000"], "Job not found"),
        (["specs", "create", "x", "-"], "is not JSON"),
        (["jobs", "submit", "deepdream", "image=missing.png"], "No such file for 'image'"),
        (["jobs", "submit", "deepdream", "picture=@cat.png"], "has no input 'picture'"),
        (["jobs", "submit", "style_transfer"], "needs the file(s): content, style"),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_a_non_zero_exit(
    logged_in: Cli, args: list[str], says: str
) -> None:
    done = logged_in(*args, input="{not json")

    assert done.returncode != 0
    assert says in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_a_kinds_inputs_are_files_with_or_without_the_at_sign(logged_in: Cli, tmp_path) -> None:  # noqa: ANN001
    Image.new("RGB", (32, 24), "orange").save(tmp_path / "cat.png")
    Image.new("RGB", (32, 24), "navy").save(tmp_path / "art.png")

    dream = logged_in(
        "jobs", "submit", "deepdream", f"image={tmp_path / 'cat.png'}", "octaves=1", "--json"
    )
    styled = logged_in(
        "jobs", "submit", "style_transfer", f"content=@{tmp_path / 'cat.png'}",
        f"style={tmp_path / 'art.png'}", "steps=2", "--json",
    )  # fmt: skip

    for done, params in ((dream, {"octaves": 1}), (styled, {"steps": 2})):
        assert done.returncode == 0, done.stderr
        job = json.loads(done.stdout)
        assert job["params"].items() >= params.items()
        # not left to run: a worker may already have ended it (it has no ImageNet weights)
        cancel = logged_in("jobs", "cancel", job["id"])
        assert cancel.returncode == 0 or "already ended" in cancel.stderr, cancel.stderr


def test_without_logging_in_the_command_says_how(cli: Cli) -> None:
    done = cli("datasets", "list")

    assert done.returncode == 1
    assert "neuroyard login" in done.stderr


def test_debug_shows_the_traceback(cli: Cli) -> None:
    done = cli("--url", "http://127.0.0.1:9", "whoami", "--debug")

    assert done.returncode == 1
    assert "Traceback" in done.stderr


def test_shell_completion_is_printed_for_bash(cli: Cli) -> None:
    done = cli("completion", "bash")

    assert done.returncode == 0
    assert "_NEUROYARD_COMPLETE" in done.stdout
    assert os.linesep in done.stdout

"""How the inference worker is started, the same by `make run`, the tests and deploy."""

from __future__ import annotations

from neuroyard.core.processes import inference_worker_command
from neuroyard.launch import command_for


def option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def test_the_inference_worker_is_one_long_lived_process_with_waiting_threads() -> None:
    command = inference_worker_command(threads=8)

    assert option(command, "--queues") == "inference"
    assert option(command, "--pool") == "threads" and option(command, "--concurrency") == "8"
    assert "--max-tasks-per-child" not in command  # loaded models stay between requests


def test_deploy_launches_the_inference_worker_as_make_run_does(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("NEUROYARD_INFERENCE_THREADS", "4")

    assert command_for(["inference-worker"]) == inference_worker_command(threads=4)

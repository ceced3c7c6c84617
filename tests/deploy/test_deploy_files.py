"""The deploy files start processes that exist, pass only settings Neuroyard reads, give each
training worker one GPU, and the production settings pass Django's deployment checks."""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import secrets
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import get_commands

from neuroyard.launch import command_for

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
COMPOSE = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
MANIFESTS = [
    doc
    for path in sorted((DEPLOY / "kubernetes").glob("*.yaml"))
    for doc in yaml.safe_load_all(path.read_text())
]
DOCKERFILES = sorted((DEPLOY / "docker").glob("*.Dockerfile"))
OUR_IMAGES = ("neuroyard-web", "neuroyard-worker")
# Read by the programs Neuroyard runs on, not by its settings.
OUTSIDE_SETTINGS = {"CUDA_VISIBLE_DEVICES", "CUDA_DEVICE_ORDER", "TF_CPP_MIN_LOG_LEVEL"}


def settings_read() -> set[str]:
    """Every environment variable settings.py and the process commands (neuroyard.core.processes)
    read (os.environ, env_* readers, DATABASE_URL)."""
    names = set()
    for path in ["platform/neuroyard/config/settings.py", "platform/neuroyard/core/processes.py"]:
        names |= _environment_read(REPO / path)
    return names


def _environment_read(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            callee = ast.unparse(node.func)
            if callee in {"os.environ.get", "env_int", "env_bool", "env_list"} and node.args:
                names.add(ast.literal_eval(node.args[0]))
            for keyword in node.keywords:
                if callee.endswith("dj_database_url.config") and keyword.arg == "env":
                    names.add(ast.literal_eval(keyword.value))
        if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            names.add(ast.literal_eval(node.slice))
    return names


def env_example() -> dict[str, str]:
    pairs = (
        line.split("=", 1)
        for line in (DEPLOY / ".env.example").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    )
    return {key: value for key, value in pairs}


def neuroyard_containers() -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, container) for every compose service and pod container of our images."""
    for name, service in COMPOSE["services"].items():
        if service.get("image") in OUR_IMAGES:
            yield f"compose {name}", service
    for doc in MANIFESTS:
        pod = doc.get("spec", {}).get("template", {}).get("spec", {})
        for container in pod.get("containers", []):
            if container["image"].split(":")[0] in OUR_IMAGES:
                yield f"{doc['kind']} {doc['metadata']['name']}", container


def dockerfile_cmd(path: Path) -> list[str]:
    (line,) = [line for line in path.read_text().splitlines() if line.startswith("CMD ")]
    return list(ast.literal_eval(line.removeprefix("CMD ")))


def check_command(command: list[str]) -> None:
    assert command[0] == "python", command
    if command[1:3] == ["-m", "neuroyard.launch"]:
        started = command_for(command[3:])  # argparse exits on an unknown kind or option
        module = started[started.index("-m") + 1]
        assert importlib.util.find_spec(module) is not None, started
    else:
        assert command[1] == "manage.py", command
        assert command[2] in get_commands(), command


def test_every_deploy_file_parses():
    assert {"web", "gpu-worker-0", "inference-worker", "cpu-worker", "scheduler"} <= set(
        COMPOSE["services"]
    )
    assert {doc["kind"] for doc in MANIFESTS} >= {"Deployment", "Service", "ConfigMap", "Job"}
    assert len(DOCKERFILES) == 2


def test_every_neuroyard_process_is_started_the_way_the_project_starts_it():
    containers = list(neuroyard_containers())
    assert len(containers) >= 12
    for where, container in containers:
        try:
            check_command(container["command"])
        except (AssertionError, SystemExit) as exc:
            raise AssertionError(f"{where}: {container['command']}") from exc
    for dockerfile in DOCKERFILES:
        check_command(dockerfile_cmd(dockerfile))


def test_every_setting_passed_to_neuroyard_is_one_the_settings_read():
    read = settings_read() | OUTSIDE_SETTINGS
    compose_text = (DEPLOY / "compose.yaml").read_text()
    for key in env_example():
        # the rest configure the services beside Neuroyard (PostgreSQL's password...)
        assert key in read or f"${{{key}" in compose_text, f".env.example: {key}"
    passed = {name for doc in MANIFESTS if doc["kind"] == "ConfigMap" for name in doc["data"]}
    passed |= {
        name
        for doc in MANIFESTS
        if doc["kind"] == "Secret" and doc["metadata"]["name"] == "neuroyard-secrets"
        for name in doc["stringData"]
    }
    for _, container in neuroyard_containers():
        environment = container.get("environment") or container.get("env") or []
        passed |= (
            {item["name"] for item in environment}
            if isinstance(environment, list)
            else set(environment)
        )
    for dockerfile in DOCKERFILES:
        passed |= set(re.findall(r"\b([A-Z][A-Z0-9_]+)=", _env_lines(dockerfile)))
    unknown = (
        passed - read - {"PYTHONUNBUFFERED", "PIP_NO_CACHE_DIR", "PIP_DISABLE_PIP_VERSION_CHECK"}
    )
    assert not unknown, f"set in deploy files but read by nothing: {sorted(unknown)}"


def _env_lines(dockerfile: Path) -> str:
    """The text of the Dockerfile's ENV instructions (with their continuation lines)."""
    return "\n".join(re.findall(r"^ENV (?:.*\\\n)*.*$", dockerfile.read_text(), re.MULTILINE))


def test_each_training_worker_gets_one_gpu_of_its_own():
    gpu_services = {
        name: service
        for name, service in COMPOSE["services"].items()
        if service.get("command", [])[3:4] == ["gpu-worker"]
    }
    assert len(gpu_services) >= 2
    device_ids = []
    for service in gpu_services.values():
        (device,) = service["deploy"]["resources"]["reservations"]["devices"]
        assert device["driver"] == "nvidia" and device["capabilities"] == ["gpu"]
        assert len(device["device_ids"]) == 1
        device_ids += device["device_ids"]
    assert len(set(device_ids)) == len(device_ids)
    names = [
        service["command"][service["command"].index("--name") + 1]
        for service in gpu_services.values()
    ]
    assert len(set(names)) == len(names)

    (worker,) = [d for d in MANIFESTS if d["metadata"]["name"] == "neuroyard-gpu-worker"]
    (container,) = worker["spec"]["template"]["spec"]["containers"]
    assert container["command"][3] == "gpu-worker"
    assert container["resources"]["limits"]["nvidia.com/gpu"] == 1
    assert "readinessProbe" in container and "livenessProbe" in container


def test_redis_keeps_its_queue_on_disk_behind_a_password_and_flower_asks_for_one():
    command = COMPOSE["services"]["redis"]["command"]
    assert command[command.index("--appendonly") + 1] == "yes"
    assert "--requirepass" in command
    assert "FLOWER_BASIC_AUTH" in COMPOSE["services"]["flower"]["environment"]
    assert env_example()["REDIS_URL"].startswith("redis://:${REDIS_PASSWORD}@")


def test_the_web_image_has_no_tensorflow():
    lines = (DEPLOY / "docker" / "web.Dockerfile").read_text().splitlines()
    instructions = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
    assert re.findall(r"pip install (.+)", instructions) == ["."]  # no extras
    assert "tensorflow" not in instructions.lower()
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    heavy = [d for d in project["dependencies"] if re.match(r"(tensorflow|keras|jax|torch)", d)]
    assert not heavy


def test_production_settings_pass_djangos_deployment_checks():
    env = {key: value for key, value in env_example().items() if "${" not in value}
    env |= {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": "postgres://neuroyard:pw@127.0.0.1:5432/neuroyard",
        "AWS_ACCESS_KEY_ID": "key",
        "AWS_SECRET_ACCESS_KEY": "secret",
        "NEUROYARD_METRICS_TOKEN": "token",
    }
    base = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL"}}
    for args in (["--deploy"], ["--deploy", "--tag", "security", "--fail-level", "WARNING"]):
        result = subprocess.run(
            [sys.executable, "manage.py", "check", *args],
            cwd=REPO, env=base | env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_its_secrets(missing):  # noqa: ANN001
    env = {"NEUROYARD_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(50),
           "ALLOWED_HOSTS": "neuroyard.example.org"}  # fmt: skip
    del env[missing]
    base = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--tag", "security", "--fail-level",
         "WARNING"],
        cwd=REPO, env=base | env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode != 0
    assert missing in result.stdout + result.stderr

"""The `neuroyard` command run as users run it (a separate process) against the live stack."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token

from neuroyard_client import Neuroyard

PASSWORD = "lovelace-1815"  # the `user` fixture's

Cli = Callable[..., subprocess.CompletedProcess[str]]


def cli_env(config_dir: Path, url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEUROYARD_")}
    return env | {"NEUROYARD_CONFIG_DIR": str(config_dir), "NEUROYARD_URL": url}


def cli_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "neuroyard_client", *args]


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    return tmp_path / "config"


@pytest.fixture
def cli(config_dir, web_server) -> Cli:  # noqa: ANN001
    """Runs `neuroyard ARGS...` and returns the finished process (text stdout and stderr)."""

    def run(
        *args: str, input: str | None = None, timeout: float = 300
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            cli_command(*args), env=cli_env(config_dir, web_server.url), input=input,
            capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip

    return run


@pytest.fixture
def logged_in(cli: Cli, user) -> Cli:  # noqa: ANN001
    done = cli("login", "--username", user.username, "--password-stdin", input=PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    return cli


@pytest.fixture
def ny(user, web_server) -> Neuroyard:  # noqa: ANN001
    token = Token.objects.create(user=user).key
    return Neuroyard(web_server.url, token=token, progress=False)

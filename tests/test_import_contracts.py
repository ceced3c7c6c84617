"""The dependency arrows (web -> core <- worker) are import-linter contracts in pyproject.toml,
checked by `make lint`. These tests show the contracts hold, and that they catch a broken arrow:
a copy of a package with one forbidden import, put first on the path, fails `lint-imports`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import neuroyard
import neuroyard_core

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(*, path_first: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if path_first is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(path_first), env.get("PYTHONPATH")]))
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def copy_with(package: Path, tmp_path: Path, module: str, source: str) -> Path:
    copy = tmp_path / package.name
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / module).write_text(source)
    return tmp_path


def test_every_contract_is_kept() -> None:
    result = lint_imports()

    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("package", "source", "contract"),
    [
        (neuroyard_core, "import django\n", "The core is framework-free"),
        (neuroyard_core, "import tensorflow\n", "The core is framework-free"),
        (neuroyard, "import neuroyard_worker.tasks\n", "The web never imports the worker"),
    ],
    ids=["core imports django", "core imports tensorflow", "web imports the worker"],
)
def test_a_forbidden_import_breaks_its_contract(
    tmp_path: Path, package: object, source: str, contract: str
) -> None:
    folder = Path(package.__file__).parent  # type: ignore[attr-defined]
    result = lint_imports(path_first=copy_with(folder, tmp_path, "forbidden_import.py", source))

    assert result.returncode != 0
    assert f"{contract}" in result.stdout and "BROKEN" in result.stdout
    assert "forbidden_import" in result.stdout

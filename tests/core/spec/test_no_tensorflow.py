"""The web process imports the spec package to validate specs, so it must not pull in TensorFlow."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import neuroyard_core.spec

SPEC_PACKAGE = Path(neuroyard_core.spec.__file__).parent
HEAVY = ("tensorflow", "keras", "jax", "torch")


def test_importing_the_spec_package_imports_no_tensorflow_or_keras() -> None:
    check = (
        "import sys, neuroyard_core.spec\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, check=True
    ).stdout.strip()

    assert loaded == "[]"


def test_no_spec_module_imports_tensorflow_or_keras_even_lazily() -> None:
    imported = {
        (path.name, name.split(".")[0])
        for path in SPEC_PACKAGE.glob("*.py")
        for name in _imported_modules(path)
    }

    assert {(file, module) for file, module in imported if module in HEAVY} == set()


def _imported_modules(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names

"""The engine is pure Keras/TensorFlow/NumPy: the job side depends on it, never the reverse."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import neuroyard_worker.engine

ENGINE_PACKAGE = Path(neuroyard_worker.engine.__file__).parent


def test_no_engine_module_imports_django_celery_or_redis() -> None:
    imported = {
        (path.name, module)
        for path in ENGINE_PACKAGE.glob("*.py")
        for module in _top_level_imports(path)
    }

    assert {(f, m) for f, m in imported if m in ("django", "celery", "redis", "neuroyard")} == set()


def test_importing_the_engine_package_alone_loads_no_tensorflow() -> None:
    check = "import sys, neuroyard_worker.engine; print('tensorflow' in sys.modules)"
    loaded = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, check=True
    ).stdout.strip()

    assert loaded == "False"


def _top_level_imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names

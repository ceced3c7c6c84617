"""The packaging rules DESIGN.md sets: no shadowed stdlib, no TensorFlow in the web process."""

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_import_platform_is_the_standard_library():
    import platform

    assert Path(platform.__file__).parent == Path(sysconfig.get_paths()["stdlib"])
    assert callable(platform.python_version)


def test_source_folders_are_not_packages():
    assert not (REPO / "platform" / "__init__.py").exists()
    assert not (REPO / "workers" / "__init__.py").exists()


WEB_IMPORTS = """
import importlib, pkgutil, sys
import django
django.setup()
from django.urls import get_resolver
import neuroyard
resolver = get_resolver()
resolver.url_patterns  # imports every view module the URLs name
for module in pkgutil.walk_packages(neuroyard.__path__, "neuroyard."):
    if ".migrations" not in module.name and not module.name.endswith("devstack"):
        importlib.import_module(module.name)
from neuroyard.jobs.services import job_params_validate
from neuroyard.specs.services import spec_validate
spec_validate(spec={"layers": [{"type": "Input", "shape": [4]},
                               {"type": "Dense", "units": 1, "activation": "sigmoid"}],
                    "compile": {"optimizer": "sgd", "loss": "binary_crossentropy"}})
heavy = sorted(m for m in sys.modules if m.split(".")[0] in {"tensorflow", "keras", "jax", "torch"})
print("HEAVY:" + ",".join(heavy))
"""


def test_web_process_never_imports_tensorflow():
    out = subprocess.run(
        [sys.executable, "-c", WEB_IMPORTS],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
        env=os.environ | {"DJANGO_SETTINGS_MODULE": "neuroyard.config.settings"},
    )
    assert "HEAVY:\n" in out.stdout, out.stdout[-2000:]

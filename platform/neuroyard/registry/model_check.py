"""Load an uploaded `.keras` file in a throwaway process (neuroyard_worker.model_files.sandbox),
with CPU, memory and time limits, and return its description.

The web process never imports TensorFlow: the child does, on a copy of the file in a folder of
its own, with no GPU and a minimal environment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings

from neuroyard.core.errors import DomainError

_SANDBOX = "neuroyard_worker.model_files.sandbox"
_MAX_OUTPUT = 16 * 1024 * 1024  # the description of a very large network is still far smaller


def model_check(*, path: Path) -> dict[str, Any]:
    """The sandbox's description of the model (engine.describe.describe_model), or DomainError:
    model_invalid (Keras refused it in safe mode), model_check_failed (limits exceeded),
    model_check_unavailable (no Keras on this host)."""
    with tempfile.TemporaryDirectory(prefix="neuroyard-model-check-") as folder:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": folder,
            "KERAS_HOME": folder,
            "TMPDIR": folder,
            "CUDA_VISIBLE_DEVICES": "-1",
            "TF_CPP_MIN_LOG_LEVEL": "3",
            "KERAS_BACKEND": "tensorflow",
            "NEUROYARD_SANDBOX_CPU_SECONDS": str(settings.NEUROYARD_MODEL_CHECK_CPU_SECONDS),
            "NEUROYARD_SANDBOX_MEMORY_BYTES": str(settings.NEUROYARD_MODEL_CHECK_MEMORY_BYTES),
        }
        try:
            finished = subprocess.run(
                [sys.executable, "-m", _SANDBOX, str(path)],
                cwd=folder,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=settings.NEUROYARD_MODEL_CHECK_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise DomainError(
                "model_check_failed",
                f"Loading the model took longer than {settings.NEUROYARD_MODEL_CHECK_SECONDS} "
                "seconds, so it was stopped.",
            ) from None
    answer = _answer(finished.stdout[:_MAX_OUTPUT])
    if answer is None:
        if b"No module named 'keras'" in finished.stderr:
            raise DomainError(
                "model_check_unavailable",
                "This server cannot check uploaded models: Keras is not installed next to it.",
                status=503,
            )
        raise DomainError(
            "model_check_failed",
            "Loading the model ran out of the memory or CPU time it is allowed "
            f"(exit status {finished.returncode}).",
        )
    if not answer.get("ok"):
        raise DomainError(
            "model_invalid",
            f"Keras could not load the model in safe mode: {answer.get('error', 'no reason')}",
        )
    model = answer.get("model")
    if not isinstance(model, dict):
        raise DomainError("model_check_failed", "The model check gave no description.")
    return model


def _answer(stdout: bytes) -> dict[str, Any] | None:
    lines = stdout.strip().splitlines()
    if not lines:
        return None
    try:
        answer = json.loads(lines[-1])
    except ValueError:
        return None
    return answer if isinstance(answer, dict) else None

"""Run the sandbox (model_files.sandbox) on an uploaded `.keras` file and read its answer.

The load happens in a child process with a minimal environment, no GPU, CPU and memory limits
it sets on itself, and a wall-clock timeout set here, in a folder of its own, so that whatever
the file makes Keras do stays in a process that is thrown away. No Django: the caller passes
the limits and decides what a refusal means for the model.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from neuroyard_core.errors import CodedError

_SANDBOX = "neuroyard_worker.model_files.sandbox"
_MAX_OUTPUT = 16 * 1024 * 1024  # the description of a very large network is still far smaller


@dataclass(frozen=True)
class SandboxLimits:
    seconds: int
    cpu_seconds: int
    memory_bytes: int


class ModelRefused(CodedError):
    """The file is not a model this platform will run: a stable code and a sentence."""


def sandbox_describe(path: Path, *, limits: SandboxLimits) -> dict[str, Any]:
    """engine.describe.describe_model's account of the model in `path`, or ModelRefused:
    model_invalid (Keras refused it in safe mode), model_check_failed (limits exceeded).
    RuntimeError where this host cannot check models at all (no Keras): not the file's fault."""
    with tempfile.TemporaryDirectory(prefix="neuroyard-model-check-") as folder:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": folder,
            "KERAS_HOME": folder,
            "TMPDIR": folder,
            "CUDA_VISIBLE_DEVICES": "-1",
            "TF_CPP_MIN_LOG_LEVEL": "3",
            "KERAS_BACKEND": "tensorflow",
            "NEUROYARD_SANDBOX_CPU_SECONDS": str(limits.cpu_seconds),
            "NEUROYARD_SANDBOX_MEMORY_BYTES": str(limits.memory_bytes),
        }
        if "PYTHONPATH" in os.environ:  # a worker run from a source tree: the same sandbox code
            env["PYTHONPATH"] = os.environ["PYTHONPATH"]
        try:
            finished = subprocess.run(
                [sys.executable, "-m", _SANDBOX, str(path)],
                cwd=folder,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=limits.seconds,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise ModelRefused(
                "model_check_failed",
                f"Loading the model took longer than {limits.seconds} seconds, so it was stopped.",
            ) from None
    answer = _answer(finished.stdout[:_MAX_OUTPUT])
    if answer is None:
        if b"No module named 'keras'" in finished.stderr:
            raise RuntimeError("this worker cannot check uploaded models: Keras is not installed")
        raise ModelRefused(
            "model_check_failed",
            "Loading the model ran out of the memory or CPU time it is allowed "
            f"(exit status {finished.returncode}).",
        )
    if not answer.get("ok"):
        raise ModelRefused(
            "model_invalid",
            f"Keras could not load the model in safe mode: {answer.get('error', 'no reason')}",
        )
    model = answer.get("model")
    if not isinstance(model, dict):
        raise ModelRefused("model_check_failed", "The model check gave no description.")
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

"""The sandbox (model_files.check): a throwaway process loads an uploaded `.keras` file in safe
mode, within its limits, and either describes it or says why not; nothing in the file runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from neuroyard_worker.model_files.check import ModelRefused, SandboxLimits, sandbox_describe

LIMITS = SandboxLimits(seconds=120, cpu_seconds=90, memory_bytes=4 * 1024**3)


def test_an_honest_model_is_described(adder: Path) -> None:
    description = sandbox_describe(adder, limits=LIMITS)

    assert (description["input_shape"], description["output_shape"]) == ([2], [1])
    assert description["param_count"] == 13
    assert [layer["name"] for layer in description["layers"]] == ["hidden", "sum"]


def test_the_sandbox_refuses_a_lambda_even_past_the_static_checks(
    lambda_file: Path, canary: Path
) -> None:
    with pytest.raises(ModelRefused) as caught:
        sandbox_describe(lambda_file, limits=LIMITS)

    assert caught.value.code == "model_invalid"
    assert "Lambda" in caught.value.message
    assert not canary.exists()


def test_the_lambda_payload_is_live_when_loaded_unsafely(lambda_file: Path, canary: Path) -> None:
    # The control for the test above: the same file, loaded without safe mode, runs its code.
    unsafe = "import keras, sys; keras.saving.load_model(sys.argv[1], safe_mode=False)"
    subprocess.run(
        [sys.executable, "-c", unsafe, str(lambda_file)], check=True, capture_output=True
    )

    assert canary.exists()
    canary.unlink()


def test_the_sandbox_is_held_to_its_memory_limit(adder: Path) -> None:
    too_little = SandboxLimits(seconds=120, cpu_seconds=90, memory_bytes=64 * 1024**2)

    with pytest.raises(ModelRefused) as caught:
        sandbox_describe(adder, limits=too_little)  # too little to import Keras

    assert caught.value.code == "model_check_failed"


def test_the_sandbox_is_held_to_its_time_limit(adder: Path) -> None:
    with pytest.raises(ModelRefused) as caught:
        sandbox_describe(adder, limits=SandboxLimits(seconds=1, cpu_seconds=90,
                                                     memory_bytes=4 * 1024**3))  # fmt: skip

    assert caught.value.code == "model_check_failed"
    assert "longer than 1 seconds" in caught.value.message

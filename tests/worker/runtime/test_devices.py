"""A worker reports the GPUs CUDA_VISIBLE_DEVICES lets it use, or "CPU only"."""

from __future__ import annotations

import json

import pytest

from neuroyard_worker.runtime.devices import worker_devices

FOUR = [{"name": f"Fake GPU {i}", "memory_total_bytes": (i + 1) * 2**30} for i in range(4)]


@pytest.fixture
def four_gpus(monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setenv("NEUROYARD_FAKE_GPUS", json.dumps(FOUR))
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)


def names(devices: list[dict]) -> list[str]:
    return [device["name"] for device in devices]


def test_pretend_gpus_are_reported_with_their_memory(four_gpus):  # noqa: ANN001
    devices = worker_devices()
    assert names(devices) == [f"Fake GPU {i}" for i in range(4)]
    assert devices[1] == {
        "type": "gpu", "index": 1, "name": "Fake GPU 1", "uuid": "GPU-fake-1",
        "memory_total_bytes": 2 * 2**30, "memory_used_bytes": 0, "utilization_percent": None,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("visible", "expected"),
    [
        ("2", ["Fake GPU 2"]),
        ("3,1", ["Fake GPU 3", "Fake GPU 1"]),
        ("GPU-fake-2,0", ["Fake GPU 2", "Fake GPU 0"]),
        ("1,7,2", ["Fake GPU 1"]),  # CUDA stops at the first device that does not exist
    ],
)
def test_only_the_gpus_cuda_visible_devices_names_are_reported(
    four_gpus, monkeypatch, visible, expected
):  # noqa: ANN001
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", visible)
    assert names(worker_devices()) == expected


@pytest.mark.parametrize("visible", ["", "-1"])
def test_hiding_every_gpu_leaves_cpu_only(four_gpus, monkeypatch, visible):  # noqa: ANN001
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", visible)
    (device,) = worker_devices()
    assert device["type"] == "cpu"
    assert device["name"] == "CPU only"


def test_a_machine_without_an_nvidia_driver_is_cpu_only(monkeypatch):  # noqa: ANN001
    monkeypatch.delenv("NEUROYARD_FAKE_GPUS", raising=False)
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    try:
        import pynvml

        pynvml.nvmlInit()
        pytest.skip("this machine has an NVIDIA driver")
    except pynvml.NVMLError:
        pass
    (device,) = worker_devices()
    assert device["name"] == "CPU only"
    assert device["cpus"] >= 1 and device["memory_total_bytes"] > 0


def test_a_malformed_pretend_list_is_an_error(monkeypatch):  # noqa: ANN001
    monkeypatch.setenv("NEUROYARD_FAKE_GPUS", '{"name": "not a list"}')
    with pytest.raises(ValueError, match="NEUROYARD_FAKE_GPUS"):
        worker_devices()

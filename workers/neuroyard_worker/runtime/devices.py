"""The devices this worker may use: the GPUs NVML reports that CUDA_VISIBLE_DEVICES lets it
see, or "CPU only". Reads NVML, never CUDA: safe in a worker parent that forks job processes.

`NEUROYARD_FAKE_GPUS` (a JSON list of {"name", "memory_total_bytes", ...}) pretends GPUs, for
tests and demos on machines without one.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any

log = logging.getLogger(__name__)

Device = dict[str, Any]

_nvml_state: dict[str, bool] = {}


def worker_devices() -> list[Device]:
    gpus = _visible(_fake_gpus() if "NEUROYARD_FAKE_GPUS" in os.environ else _nvml_gpus())
    return gpus or [_cpu_only()]


def _visible(gpus: list[Device]) -> list[Device]:
    """CUDA's rule: a list of indices or UUID prefixes, read up to the first that matches none.

    Indices are NVML's (PCI bus order); set CUDA_DEVICE_ORDER=PCI_BUS_ID so CUDA agrees.
    """
    wanted = os.environ.get("CUDA_VISIBLE_DEVICES")
    if wanted is None:
        return gpus
    visible = []
    for entry in (item.strip() for item in wanted.split(",")):
        match = next(
            (
                gpu
                for gpu in gpus
                if (entry.isdigit() and gpu["index"] == int(entry))
                or (entry.startswith("GPU-") and gpu["uuid"].startswith(entry))
            ),
            None,
        )
        if match is None:
            break
        if match not in visible:
            visible.append(match)
    return visible


def _gpu(index: int, **fields: Any) -> Device:
    return {
        "type": "gpu",
        "index": index,
        "name": fields.get("name", f"GPU {index}"),
        "uuid": fields.get("uuid", f"GPU-fake-{index}"),
        "memory_total_bytes": fields.get("memory_total_bytes"),
        "memory_used_bytes": fields.get("memory_used_bytes"),
        "utilization_percent": fields.get("utilization_percent"),
    }


def _fake_gpus() -> list[Device]:
    try:
        listed = json.loads(os.environ["NEUROYARD_FAKE_GPUS"])
        if not isinstance(listed, list) or not all(isinstance(g, dict) for g in listed):
            raise ValueError("not a list of objects")
    except ValueError as exc:
        raise ValueError(f"NEUROYARD_FAKE_GPUS must be a JSON list of objects: {exc}") from None
    return [_gpu(index, **({"memory_used_bytes": 0} | gpu)) for index, gpu in enumerate(listed)]


def _nvml_gpus() -> list[Device]:
    try:
        import pynvml
    except ImportError:
        return []
    if not _nvml_state.get("ready"):
        try:
            pynvml.nvmlInit()
        except pynvml.NVMLError as exc:
            if "failed" not in _nvml_state:
                log.info("no NVIDIA driver (%s): CPU only", exc)
            _nvml_state["failed"] = True
            return []
        _nvml_state["ready"] = True
    gpus = []
    try:
        for index in range(pynvml.nvmlDeviceGetCount()):
            handle = pynvml.nvmlDeviceGetHandleByIndex(index)
            memory = pynvml.nvmlDeviceGetMemoryInfo(handle)
            try:
                utilization: int | None = pynvml.nvmlDeviceGetUtilizationRates(handle).gpu
            except pynvml.NVMLError:  # not every device or driver reports it
                utilization = None
            gpus.append(
                _gpu(
                    index,
                    name=_text(pynvml.nvmlDeviceGetName(handle)),
                    uuid=_text(pynvml.nvmlDeviceGetUUID(handle)),
                    memory_total_bytes=int(memory.total),
                    memory_used_bytes=int(memory.used),
                    utilization_percent=utilization,
                )
            )
    except pynvml.NVMLError:
        log.exception("NVML failed while listing GPUs")
    return gpus


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _cpu_only() -> Device:
    try:
        memory: int | None = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        memory = None
    return {"type": "cpu", "name": "CPU only", "cpus": os.cpu_count(), "memory_total_bytes": memory}

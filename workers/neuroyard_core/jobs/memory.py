"""Memory admission: a job whose network cannot fit the largest worker is refused at submission,
in numbers, instead of queued for the kernel's OOM killer. The registry runs it for every kind;
the web tells it, as a plain fact, how much memory the workers have."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from neuroyard_core.errors import CodedError
from neuroyard_core.jobs.facts import JobRequest, ModelFacts
from neuroyard_core.spec import SpecError, parse_spec, summarize
from neuroyard_core.spec.memory import estimate_memory

ADAM_SLOTS = 2
# Jobs that name no batch size look at one sample (or one picture) at a time.
DEFAULT_BATCH_SIZE = 1


@dataclass(frozen=True)
class MemoryNeed:
    bytes: int
    batch_size: int


def gib(size: int) -> str:
    return f"{size / 2**30:.1f} GiB"


def job_memory_need(request: JobRequest, *, training: bool) -> MemoryNeed | None:
    """The estimate (`neuroyard_core.spec.memory`) of the job's spec and model at its batch size;
    None when it has neither, or its spec does not parse (the kind's own check says why)."""
    batch = request.params.get("batch_size")
    batch_size = batch if isinstance(batch, int) and batch > 0 else DEFAULT_BATCH_SIZE
    total = 0
    if request.spec is not None:
        try:
            summary = summarize(parse_spec(request.spec), batch_sizes=(batch_size,))
        except SpecError:
            return None
        total += summary.memory.for_batch(batch_size)
    if request.model is not None:
        total += _model_memory(request.model, batch_size=batch_size, training=training)
    if total == 0:
        return None
    return MemoryNeed(bytes=total, batch_size=batch_size)


def _model_memory(model: ModelFacts, *, batch_size: int, training: bool) -> int:
    params = sum(int(layer.get("params") or 0) for layer in model.layers)
    values = sum(_values(layer.get("output_shape")) for layer in model.layers)
    estimate = estimate_memory(
        total_params=params,
        trainable_params=params if training else 0,
        optimizer_slots=ADAM_SLOTS,
        activation_values_per_sample=values,
        batch_sizes=(batch_size,),
    )
    return estimate.for_batch(batch_size)


def _values(shape: Any) -> int:
    if not isinstance(shape, list | tuple):
        return 0
    return math.prod(int(d) for d in shape if isinstance(d, int) and d > 0)


def check_memory(request: JobRequest, *, training: bool) -> None:
    """CodedError job_too_large when the estimate exceeds the memory available to one job."""
    available = request.memory_available
    if available is None or available.bytes <= 0:
        return
    need = job_memory_need(request, training=training)
    if need is None or need.bytes <= available.bytes:
        return
    raise CodedError(
        "job_too_large",
        f"This {request.kind} job needs about {gib(need.bytes)} of memory at batch_size "
        f"{need.batch_size}; {available.source} has {gib(available.bytes)}. Use a smaller "
        "batch size or a smaller network.",
        details={
            "needed_bytes": need.bytes,
            "available_bytes": available.bytes,
            "batch_size": need.batch_size,
        },
    )

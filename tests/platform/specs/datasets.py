"""Ready datasets for spec tests, as rows: the spec checks read only a dataset's stats."""

from __future__ import annotations

from typing import Any

from neuroyard.datasets.models import Dataset


def ready_dataset(
    owner: Any,
    *,
    input_shape: list[int],
    task: str = "classification",
    num_classes: int | None = None,
    value_range: tuple[float, float] = (0.0, 1.0),
    samples: int = 100,
) -> Dataset:
    stats: dict[str, Any] = {
        "input_shape": input_shape,
        "num_samples": samples,
        "value_range": list(value_range),
    }
    if num_classes is not None:
        stats["num_classes"] = num_classes
        stats["class_names"] = [str(n) for n in range(num_classes)]
    return Dataset.objects.create(
        owner=owner,
        name="ready",
        format=Dataset.Format.NPZ,
        status=Dataset.Status.READY,
        task=task,
        sha256="0" * 64,
        size_bytes=1,
        stats=stats,
    )

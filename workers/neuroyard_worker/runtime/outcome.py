"""What a runner returns: the job's result, or that it stopped because it was cancelled.
A runner that cannot succeed raises a CodedError instead; the executor alone fails the job."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RunOutcome:
    cancelled: bool = False
    result: dict[str, Any] = field(default_factory=dict)

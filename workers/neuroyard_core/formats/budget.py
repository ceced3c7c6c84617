"""How many bytes ingestion may store for one dataset: the shards it writes, not only the
upload it unpacks, since a small file can grow on import (a tiny PNG resized to 1024×1024)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from neuroyard_core.errors import CodedError

SETTING = "NEUROYARD_DATASET_MAX_STORED_BYTES"
DEFAULT_MAX_STORED_BYTES = 8 * 1024**3
CODE = "dataset_too_large_after_import"


def max_stored_bytes() -> int:
    """The budget from `NEUROYARD_DATASET_MAX_STORED_BYTES` (read at each call, so every
    process and test sees the value in force)."""
    raw = os.environ.get(SETTING, "").strip()
    return int(raw) if raw else DEFAULT_MAX_STORED_BYTES


@dataclass
class StoredBytesBudget:
    """Charged before each file is written, so the disk never holds more than `limit`."""

    limit: int
    used: int = 0

    @classmethod
    def for_datasets(cls) -> StoredBytesBudget:
        return cls(limit=max_stored_bytes())

    def check_projected(self, total: int, *, samples: int) -> None:
        """Refuse at once what is known to outgrow the budget before anything is converted
        (`samples` of a fixed size, e.g. the images of a ZIP at the declared image size)."""
        if total > self.limit:
            raise self._refusal(
                f"Imported, its {samples} samples would take {total} bytes", needed=total
            )

    def charge(self, nbytes: int) -> None:
        if self.used + nbytes > self.limit:
            raise self._refusal(
                f"Imported, it would take at least {self.used + nbytes} bytes "
                f"({self.used} written so far)",
                needed=self.used + nbytes,
            )
        self.used += nbytes

    def refund(self, nbytes: int) -> None:
        """A file written earlier was removed (or replaced by a smaller one)."""
        self.used = max(0, self.used - nbytes)

    def _refusal(self, what: str, *, needed: int) -> CodedError:
        return CodedError(
            CODE,
            f"{what}; the limit is {self.limit} bytes ({SETTING}). Upload fewer samples "
            "(or, for images, declare a smaller image size).",
            details={"limit_bytes": self.limit, "needed_bytes": needed},
        )

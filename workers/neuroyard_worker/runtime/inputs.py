"""Local copies of stored inputs, cached by sha256 so a worker fetches each file once."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage

from neuroyard_core.errors import CodedError

CHUNK = 1024 * 1024


class InputCorrupted(CodedError):
    def __init__(self, message: str) -> None:
        super().__init__("input_corrupted", message, kind="infrastructure")


def cached_input(name: str, *, sha256: str, suffix: str = "") -> Path:
    cache = Path(settings.NEUROYARD_WORKER_CACHE) / "inputs"
    target = cache / f"{sha256}{suffix}"
    if target.exists():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    fd, tmp = tempfile.mkstemp(dir=cache, prefix=".partial-")
    try:
        with os.fdopen(fd, "wb") as out, default_storage.open(name, "rb") as src:
            for chunk in iter(lambda: src.read(CHUNK), b""):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != sha256:
            raise InputCorrupted(f"stored file {name} does not match its sha256")
        os.replace(tmp, target)  # atomic: concurrent fetchers of one file both end up right
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target

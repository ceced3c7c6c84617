"""Streaming helpers for files kept in Django's default storage."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import IO

CHUNK = 1024 * 1024


def sha256_of(chunks: Iterable[bytes]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def sha256_of_file(handle: IO[bytes]) -> tuple[str, int]:
    handle.seek(0)
    result = sha256_of(iter(lambda: handle.read(CHUNK), b""))
    handle.seek(0)
    return result

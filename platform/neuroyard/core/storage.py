"""Streaming helpers for files kept in Django's default storage."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from django.core.files import File
from django.core.files.storage import default_storage

CHUNK = 1024 * 1024


class _MovableFile(File):
    """A finished local file: storage on the same disk moves it instead of copying it."""

    def temporary_file_path(self) -> str:
        return str(self.name)


def storage_save_as(name: str, path: Path, *, move: bool = False) -> str:
    """Store the local file `path` under exactly `name`, replacing what is there (what an
    interrupted attempt left: storage would otherwise pick another name). `move`: the local
    file may be moved rather than copied."""
    default_storage.delete(name)
    with path.open("rb") as handle:
        wrapped = _MovableFile(handle, name=str(path)) if move else File(handle, name=str(path))
        stored = default_storage.save(name, wrapped)
    if stored != name:
        raise RuntimeError(f"storage saved {name} as {stored}")
    return stored


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

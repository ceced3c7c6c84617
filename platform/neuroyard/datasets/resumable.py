"""Resumable dataset uploads: the server side of the tus 1.0 core and creation protocols.

A big upload is created with its length and options, then sent in PATCHes; a connection cut
mid-way loses only the PATCH in flight, and the client asks (HEAD) where to go on from. Once the
last byte is in, the file goes through the same checks and ingestion as `POST /datasets/`.

The partial files live on the web host's disk (`NEUROYARD_VAR_DIR/uploads/<owner>/`), appended
to a chunk at a time, so memory stays flat whatever the file's size. Web processes on several
hosts must share that folder (or route an upload's requests to one host), and so must the
worker running the reconciler, which deletes uploads left idle past
`NEUROYARD_UPLOAD_EXPIRE_SECONDS`. No tus library is
used: the Django ones keep their state in the cache and know nothing of owners or our limits,
and the core protocol is small.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from neuroyard.core.errors import Conflict, DomainError, NotFound
from neuroyard.core.storage import CHUNK, sha256_of_file
from neuroyard.datasets.uploads import too_large

TUS_VERSION = "1.0.0"
# Unfinished uploads one user may hold at once.
MAX_OPEN_UPLOADS = 20


class ResumedUpload(UploadedFile):
    """A finished resumable upload, shaped like the multipart one (HashedUpload): a local file
    with its sha256, which local storage moves into place instead of copying."""

    def __init__(self, path: Path, *, name: str, sha256: str) -> None:
        super().__init__(path.open("rb"), name=name, size=path.stat().st_size)
        self.sha256 = sha256
        self._path = path

    def temporary_file_path(self) -> str:
        return str(self._path)


@dataclass(frozen=True)
class PartialUpload:
    id: uuid.UUID
    folder: Path
    length: int
    filename: str
    fields: dict[str, str]  # the dataset's name and ingestion options, as the form sends them
    dataset: str | None  # set once the upload has become a dataset

    @property
    def data_path(self) -> Path:
        return self.folder / f"{self.id}.part"

    @property
    def offset(self) -> int:
        if self.dataset is not None:
            return self.length
        try:
            return self.data_path.stat().st_size
        except FileNotFoundError:
            return 0

    def record_dataset(self, dataset_id: object) -> None:
        _write_state(self.folder, self.id, self._state() | {"dataset": str(dataset_id)})

    def _state(self) -> dict[str, Any]:
        return {"length": self.length, "filename": self.filename, "fields": self.fields}


def uploads_folder(owner: Any) -> Path:
    return Path(settings.VAR_DIR) / "uploads" / str(owner.pk)


def _write_state(folder: Path, upload_id: uuid.UUID, state: dict[str, Any]) -> None:
    tmp = folder / f"{upload_id}.json.tmp"
    tmp.write_text(json.dumps(state))
    tmp.replace(folder / f"{upload_id}.json")


def partial_upload_create(
    *, owner: Any, length: int, filename: str, fields: dict[str, str]
) -> PartialUpload:
    if length > settings.NEUROYARD_MAX_UPLOAD_BYTES:
        raise too_large(length)
    folder = uploads_folder(owner)
    folder.mkdir(parents=True, exist_ok=True)
    open_uploads = sum(1 for _ in folder.glob("*.part"))
    if open_uploads >= MAX_OPEN_UPLOADS:
        raise DomainError(
            "too_many_uploads",
            f"You have {open_uploads} unfinished uploads; finish or delete one first.",
            status=429,
        )
    upload = PartialUpload(
        id=uuid.uuid4(), folder=folder, length=length, filename=filename, fields=fields,
        dataset=None,
    )  # fmt: skip
    upload.data_path.touch()
    _write_state(folder, upload.id, upload._state())
    return upload


def partial_upload_get(*, owner: Any, upload_id: uuid.UUID) -> PartialUpload:
    """The owner's upload; another user's answers exactly like a missing one."""
    folder = uploads_folder(owner)
    try:
        state = json.loads((folder / f"{upload_id}.json").read_text())
    except FileNotFoundError:
        raise NotFound("Upload") from None
    return PartialUpload(
        id=upload_id,
        folder=folder,
        length=state["length"],
        filename=state["filename"],
        fields=state["fields"],
        dataset=state.get("dataset"),
    )


@contextmanager
def _locked(upload: PartialUpload) -> Iterator[IO[bytes]]:
    """The part file opened for appending, held by this request alone."""
    try:
        handle = upload.data_path.open("ab")
    except FileNotFoundError:
        raise NotFound("Upload") from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise Conflict("upload_busy", "Another request is writing to this upload.") from None
    try:
        yield handle
    finally:
        handle.close()


def partial_upload_append(*, upload: PartialUpload, offset: int, stream: IO[bytes] | None) -> int:
    """Append what `stream` holds at `offset`; returns the new offset. Stops at the upload's
    length; bytes that arrived before a connection was cut are kept."""
    if upload.dataset is not None:
        raise Conflict("upload_complete", "This upload is complete.")
    with _locked(upload) as handle:
        current = handle.seek(0, os.SEEK_END)
        if offset != current:
            raise Conflict(
                "upload_offset_mismatch",
                f"The upload is at byte {current}, not {offset}; resume from there.",
                details={"offset": current},
            )
        room = upload.length - current
        while stream is not None:
            chunk = stream.read(CHUNK)
            if not chunk:
                break
            if len(chunk) > room:
                handle.write(chunk[:room])
                handle.flush()
                raise DomainError(
                    "upload_too_long",
                    f"More bytes were sent than the {upload.length} announced.",
                    status=413,
                )
            handle.write(chunk)
            room -= len(chunk)
        handle.flush()
        os.fsync(handle.fileno())
        return upload.length - room


def partial_upload_finished(*, upload: PartialUpload) -> ResumedUpload:
    """The complete file, hashed, ready for `dataset_create`."""
    with upload.data_path.open("rb") as handle:
        sha256, _ = sha256_of_file(handle)
    return ResumedUpload(upload.data_path, name=upload.filename, sha256=sha256)


def partial_upload_delete(*, upload: PartialUpload) -> None:
    upload.data_path.unlink(missing_ok=True)
    (upload.folder / f"{upload.id}.json").unlink(missing_ok=True)


def partial_uploads_expire(*, idle_for: timedelta) -> list[uuid.UUID]:
    """Delete every upload, of any owner, nothing was written to for `idle_for`: unfinished
    ones, and the records of finished ones. One being written to right now is left alone."""
    cutoff = time.time() - idle_for.total_seconds()
    removed: list[uuid.UUID] = []
    for state in (Path(settings.VAR_DIR) / "uploads").glob("*/*.json"):
        part = state.with_suffix(".part")
        try:
            last_write = max(p.stat().st_mtime for p in (state, part) if p.exists())
        except (FileNotFoundError, ValueError):
            continue  # deleted meanwhile
        if last_write >= cutoff:
            continue
        try:
            upload_id = uuid.UUID(state.stem)
        except ValueError:
            continue
        try:
            with part.open("rb") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                state.unlink(missing_ok=True)  # first, so the upload is gone to requests
                part.unlink(missing_ok=True)
        except FileNotFoundError:
            state.unlink(missing_ok=True)  # a finished upload's record
        except BlockingIOError:
            continue  # a PATCH is writing to it
        removed.append(upload_id)
    return removed

"""Resumable uploads (tus 1.0 client): a file goes in PATCHes of `chunk_size` bytes; a cut
connection loses only the PATCH in flight and the upload goes on from the server's offset.

Unfinished uploads are remembered (by server, path, size and modification time) in the
config folder, so running the same upload again after Ctrl-C resumes it too.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from neuroyard_client.config import config_dir, write_private
from neuroyard_client.errors import NeuroyardError
from neuroyard_client.transport import Transport

TUS = {"Tus-Resumable": "1.0.0"}
CHUNK_SIZE = 8 * 1024 * 1024
READ_SIZE = 64 * 1024
# Consecutive failed PATCHes before giving up (each waits longer: 0.5 s, 1 s, 2 s, ...).
RETRIES = 6


def _metadata(fields: dict[str, str]) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in fields.items())


class UploadMemory:
    """Upload URLs of unfinished uploads, by the file they send."""

    def __init__(self) -> None:
        self.path = config_dir() / "uploads.json"

    def _all(self) -> dict[str, str]:
        try:
            return dict(json.loads(self.path.read_text()))
        except (FileNotFoundError, ValueError):
            return {}

    def get(self, key: str) -> str | None:
        return self._all().get(key)

    def put(self, key: str, url: str | None) -> None:
        known = self._all()
        if url is None:
            known.pop(key, None)
        else:
            known[key] = url
        write_private(self.path, json.dumps(known, indent=1))


def upload_key(server: str, path: Path, fields: dict[str, str]) -> str:
    stat = path.stat()
    return json.dumps([server, str(path.resolve()), stat.st_size, stat.st_mtime_ns, fields])


class ResumableUpload:
    def __init__(
        self,
        transport: Transport,
        path: Path,
        fields: dict[str, str],
        *,
        chunk_size: int = CHUNK_SIZE,
        on_offset: Callable[[int], None] = lambda offset: None,
        remember: bool = True,
    ) -> None:
        self.transport = transport
        self.path = path
        self.length = path.stat().st_size
        self.fields = {"filename": path.name, **fields}
        self.chunk_size = chunk_size
        self.on_offset = on_offset
        self.memory = UploadMemory() if remember else None
        self.key = upload_key(transport.url, path, fields)
        self.resumed_from = 0  # the offset the server gave back after an interruption
        self.interruptions = 0

    def run(self) -> str:
        """Send the whole file; returns the id of the dataset it became."""
        url, offset = self._start()
        failures = 0
        while True:
            dataset = None
            try:
                offset, dataset = self._patch(url, offset)
                failures = 0
            except NeuroyardError as exc:
                if exc.code != "connection_failed" or failures >= RETRIES:
                    raise
                time.sleep(0.5 * 2**failures)
                failures += 1
                self.interruptions += 1
                offset = self._offset(url)
                self.resumed_from = offset
            self.on_offset(offset)
            if dataset:
                if self.memory:
                    self.memory.put(self.key, None)
                return dataset

    def _start(self) -> tuple[str, int]:
        url = self.memory.get(self.key) if self.memory else None
        if url:
            try:
                offset = self._offset(url)
                self.resumed_from = offset
                self.on_offset(offset)
                return url, offset
            except NeuroyardError as exc:
                if exc.code != "not_found":
                    raise
        headers = TUS | {
            "Upload-Length": str(self.length),
            "Upload-Metadata": _metadata(self.fields),
        }
        response = self.transport.request("POST", "/datasets/uploads/", headers=headers)
        url = response.headers["Location"]
        if self.memory:
            self.memory.put(self.key, url)
        return url, 0

    def _offset(self, url: str) -> int:
        response = self.transport.request("HEAD", url, headers=TUS)
        return int(response.headers["Upload-Offset"])

    def _patch(self, url: str, offset: int) -> tuple[int, str | None]:
        size = min(self.chunk_size, self.length - offset)
        headers = TUS | {
            "Upload-Offset": str(offset),
            "Content-Type": "application/offset+octet-stream",
            "Content-Length": str(size),
        }
        try:
            response = self.transport.request(
                "PATCH", url, headers=headers, content=self._piece(offset, size)
            )
        except NeuroyardError as exc:
            if exc.code == "upload_offset_mismatch":
                return int(exc.details["offset"]), None
            raise
        return int(response.headers["Upload-Offset"]), response.headers.get("Neuroyard-Dataset")

    def _piece(self, offset: int, size: int) -> Iterator[bytes]:
        with self.path.open("rb") as handle:
            handle.seek(offset)
            sent = 0
            while sent < size:
                data = handle.read(min(READ_SIZE, size - sent))
                if not data:
                    break
                sent += len(data)
                yield data
                self.on_offset(offset + sent)

"""Dataset uploads stream to a temporary file, hashed and size-capped while they arrive."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from neuroyard.core.errors import DomainError

# Form fields and multipart boundaries that may come with a file at the size limit.
MULTIPART_OVERHEAD = 64 * 1024


class HashedUpload(TemporaryUploadedFile):
    sha256: str = ""


def too_large(size: int | None = None) -> DomainError:
    limit = settings.NEUROYARD_MAX_UPLOAD_BYTES
    said = f"The file is {size} bytes" if size is not None else "The upload is too large"
    return DomainError(
        "too_large",
        f"{said}; the limit is {limit} bytes.",
        details={"limit_bytes": limit},
        status=413,
    )


class HashingUploadHandler(FileUploadHandler):
    """Writes every uploaded file to disk (never whole into memory), computing its sha256 and
    refusing it (413) as soon as it passes NEUROYARD_MAX_UPLOAD_BYTES."""

    chunk_size = 1024 * 1024

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, *args: Any, **kwargs: Any
    ) -> None:  # noqa: N803
        if content_length > settings.NEUROYARD_MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD:
            raise too_large()

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.file = HashedUpload(
            self.file_name, self.content_type, 0, self.charset, self.content_type_extra
        )
        self.digest = hashlib.sha256()
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.received += len(raw_data)
        if self.received > settings.NEUROYARD_MAX_UPLOAD_BYTES:
            self.upload_interrupted()
            raise too_large()
        self.digest.update(raw_data)
        self.file.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> HashedUpload:
        self.file.seek(0)
        self.file.size = file_size
        self.file.sha256 = self.digest.hexdigest()
        return self.file

    def upload_interrupted(self) -> None:
        if hasattr(self, "file"):
            self.file.close()  # a NamedTemporaryFile: closing removes it

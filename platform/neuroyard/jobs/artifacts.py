"""The one writer of Artifact rows: every stored file (a job's input or output, an uploaded model,
an export) gets its size, sha256 and content type the same way, and no file is left in storage
without its row."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import IO, Any

from django.core.files import File

from neuroyard.core.storage import sha256_of_file
from neuroyard.jobs.models import Artifact, Job

_STORED_NAME_CHARS = 64


def _content_type(given: str | None) -> str:
    """The client's content type, unless it is longer than a real one (and the column)."""
    limit = Artifact._meta.get_field("content_type").max_length or 100
    return given if given and len(given) <= limit else "application/octet-stream"


def artifact_create(
    *,
    owner_id: Any,
    kind: str,
    name: str,
    file: IO[bytes],
    folder: str,
    content_type: str = "",
    job: Job | None = None,
) -> Artifact:
    """Store `file` as `<folder>/<artifact id>-<name>` (the name's end, so the path's length is
    bounded whatever a client called its file) and write its row."""
    artifact = Artifact(
        owner_id=owner_id,
        job=job,
        kind=kind,
        name=name,
        content_type=_content_type(content_type),
    )
    artifact.sha256, artifact.size_bytes = sha256_of_file(file)
    stored_name = PurePosixPath(name).name[-_STORED_NAME_CHARS:]
    artifact.file.save(f"{folder}/{artifact.id}-{stored_name}", File(file), save=False)
    try:
        artifact.save()
    except Exception:
        artifact.file.delete(save=False)
        raise
    return artifact

"""The one writer of Artifact rows: every stored file (a job's input or output, an uploaded model,
an export) gets its size, sha256 and content type the same way, and no file is left in storage
without its row."""

from __future__ import annotations

from typing import IO, Any

from django.core.files import File

from neuroyard.core.storage import sha256_of_file
from neuroyard.jobs.models import Artifact, Job


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
    """Store `file` as `<folder>/<artifact id>-<name>` and write its row."""
    artifact = Artifact(
        owner_id=owner_id,
        job=job,
        kind=kind,
        name=name,
        content_type=content_type or "application/octet-stream",
    )
    artifact.sha256, artifact.size_bytes = sha256_of_file(file)
    artifact.file.save(f"{folder}/{artifact.id}-{name}", File(file), save=False)
    try:
        artifact.save()
    except Exception:
        artifact.file.delete(save=False)
        raise
    return artifact

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
OCTET_STREAM = "application/octet-stream"
# The media types an artifact is served as, and the only ones (the download operations document
# them): .keras, .tflite and .npz files as octet-stream, a SavedModel as a ZIP, the raster
# pictures jobs take and make (never SVG, which holds script), CSV. A type a client declared for
# its upload that is none of these is stored and served as octet-stream, so that no stored file
# ever comes back as a page or a script.
ARTIFACT_MEDIA_TYPES = (
    OCTET_STREAM,
    "application/zip",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/bmp",
    "image/webp",
    "image/tiff",
    "text/csv",
)


def artifact_media_type(declared: str | None) -> str:
    """`declared` (parameters such as charset dropped) if it is one of ARTIFACT_MEDIA_TYPES,
    else application/octet-stream."""
    bare = (declared or "").split(";", 1)[0].strip().lower()
    return bare if bare in ARTIFACT_MEDIA_TYPES else OCTET_STREAM


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
        content_type=artifact_media_type(content_type),
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

"""A dataset's canonical form in the worker's cache: its manifest and shards, each fetched once
by sha256 and shared by every job (and every dataset) that uses the same file."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from django.conf import settings

from neuroyard_core.formats.manifest import MANIFEST_NAME, Manifest
from neuroyard_worker.runtime.inputs import cached_input


def cached_dataset(*, data_name: str, data_sha256: str) -> Path:
    """The local dataset folder for the stored manifest `data_name`: manifest.json and its
    shards (links into the input cache), ready for the engine's open_training_data."""
    if data_name.endswith(".npz"):  # a dataset ingested before shards existed
        return cached_input(data_name, sha256=data_sha256, suffix=".npz")
    folder = Path(settings.NEUROYARD_WORKER_CACHE) / "datasets" / data_sha256
    if (folder / MANIFEST_NAME).exists():
        return folder
    manifest_path = cached_input(data_name, sha256=data_sha256, suffix=".json")
    manifest = Manifest.from_json(manifest_path.read_text())
    stored_folder = data_name.rsplit("/", 1)[0]
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".partial-"))
    try:
        for name, sha256 in manifest.files():
            shard = cached_input(f"{stored_folder}/{name}", sha256=sha256, suffix=".npy")
            (staging / name).symlink_to(shard)
        (staging / MANIFEST_NAME).symlink_to(manifest_path)
        try:
            os.rename(staging, folder)  # atomic: a concurrent fetch of the same dataset wins
        except OSError:
            if not (folder / MANIFEST_NAME).exists():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder

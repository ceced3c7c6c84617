"""Checkpoints kept in storage, so a job resumes on whichever worker picks it up next.

The engine writes a checkpoint folder locally every epoch (a model file and its state file); it is
mirrored to `checkpoints/<job id>/` in storage, and fetched back when a job starts on a
worker that does not have it.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage

from neuroyard.core.storage import storage_save_as
from neuroyard_worker.engine.checkpoint import MODEL_FILE_PREFIX, STATE_FILE

log = logging.getLogger(__name__)


def _prefix(job_id: str) -> str:
    return f"checkpoints/{job_id}"


def checkpoint_upload(*, job_id: str, local_dir: Path) -> None:
    """Mirror the local checkpoint: the model file first, the state file last (it points at it)."""
    state_path = local_dir / STATE_FILE
    if not state_path.exists():
        return
    state = json.loads(state_path.read_text())
    model_name = f"{_prefix(job_id)}/{state['model_file']}"
    if not default_storage.exists(model_name):
        with (local_dir / state["model_file"]).open("rb") as handle:
            default_storage.save(model_name, File(handle))
    storage_save_as(f"{_prefix(job_id)}/{STATE_FILE}", state_path)
    for stale in _stored_model_files(job_id):
        if stale != state["model_file"]:
            default_storage.delete(f"{_prefix(job_id)}/{stale}")


def checkpoint_download(*, job_id: str, local_dir: Path) -> bool:
    """Fetch the stored checkpoint unless this worker has one at least as recent."""
    stored_state = f"{_prefix(job_id)}/{STATE_FILE}"
    if not default_storage.exists(stored_state):
        return False
    with default_storage.open(stored_state, "rb") as handle:
        state = json.loads(handle.read())
    local_state = local_dir / STATE_FILE
    if local_state.exists():
        local = json.loads(local_state.read_text())
        if local["epochs_completed"] >= state["epochs_completed"]:
            return False
    local_dir.mkdir(parents=True, exist_ok=True)
    stored_model = f"{_prefix(job_id)}/{state['model_file']}"
    with (
        default_storage.open(stored_model, "rb") as src,
        (local_dir / state["model_file"]).open("wb") as out,
    ):
        shutil.copyfileobj(src, out)
    local_state.write_text(json.dumps(state))
    log.info("job %s: fetched the checkpoint of epoch %s", job_id, state["epochs_completed"])
    return True


def checkpoint_delete(*, job_id: str, local_dir: Path) -> None:
    shutil.rmtree(local_dir, ignore_errors=True)
    for name in [*_stored_model_files(job_id), STATE_FILE]:
        default_storage.delete(f"{_prefix(job_id)}/{name}")


def _stored_model_files(job_id: str) -> list[str]:
    try:
        _, files = default_storage.listdir(_prefix(job_id))
    except FileNotFoundError:
        return []
    return [name for name in files if name.startswith(MODEL_FILE_PREFIX)]

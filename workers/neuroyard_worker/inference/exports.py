"""The body of the `neuroyard.export_model` task: convert a model (engine.export) in a child
process, then store the file and settle its ModelExport as ready or failed."""

from __future__ import annotations

import logging
import subprocess
import sys
import tempfile
from pathlib import Path

from neuroyard.jobs.artifacts import artifact_create
from neuroyard.jobs.models import Artifact
from neuroyard.registry.exports import FILE_NAMES, model_export_fail, model_export_finish
from neuroyard.registry.models import ModelExport
from neuroyard_worker.runtime.inputs import cached_input

log = logging.getLogger(__name__)

EXPORT_SECONDS = 600


def export_model(export_id: str) -> str:
    """Returns what happened, for logs and tests: ready, failed or skipped."""
    export = ModelExport.objects.select_related("model__artifact").filter(id=export_id).first()
    if export is None or export.status != ModelExport.Status.PENDING:
        return "skipped"  # deleted, or settled by an earlier delivery
    source = export.model.artifact
    model_path = cached_input(source.file.name, sha256=source.sha256, suffix=".keras")
    name, content_type = FILE_NAMES[ModelExport.Format(export.format)]
    with tempfile.TemporaryDirectory(prefix="neuroyard-export-") as tmp:
        out = Path(tmp) / name
        command = [sys.executable, "-m", "neuroyard_worker.engine.export", str(model_path),
                   str(out), export.format]  # fmt: skip
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=EXPORT_SECONDS)
        except subprocess.TimeoutExpired:
            model_export_fail(
                export_id=export_id,
                code="export_timeout",
                message=f"the conversion took longer than {EXPORT_SECONDS} s",
            )
            return ModelExport.Status.FAILED
        if done.returncode != 0 or not out.exists():
            reason = _last_line(done.stderr) or f"the converter exited with {done.returncode}"
            log.warning("export %s failed: %s", export_id, done.stderr[-3000:])
            model_export_fail(export_id=export_id, code="export_failed", message=reason)
            return ModelExport.Status.FAILED
        artifact = _store(export, out, name, content_type)
    model_export_finish(export_id=export_id, artifact=artifact)
    return ModelExport.Status.READY


def _store(export: ModelExport, path: Path, name: str, content_type: str) -> Artifact:
    with path.open("rb") as handle:
        return artifact_create(
            owner_id=export.model.owner_id,
            kind=Artifact.Kind.MODEL,
            name=name,
            file=handle,
            folder=f"exports/{export.model_id}",
            content_type=content_type,
        )


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:500] if lines else ""

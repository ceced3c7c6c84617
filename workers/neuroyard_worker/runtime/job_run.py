"""One claimed job inside a worker process: its lease heartbeat, cancel flag and reports."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection

from neuroyard.jobs.artifacts import artifact_create
from neuroyard.jobs.lifecycle import (
    job_cancel_requested,
    job_heartbeat,
    job_record_epoch,
    job_record_progress,
    job_record_steps,
    job_request_prune,
)
from neuroyard.jobs.models import Artifact, Job
from neuroyard_core.errors import CodedError
from neuroyard_worker.runtime.datasets import cached_dataset
from neuroyard_worker.runtime.inputs import cached_input

log = logging.getLogger(__name__)

CANCEL_POLL_SECONDS = 1.0
# Steps of the image jobs can take milliseconds: their records are written together.
PROGRESS_FLUSH_SECONDS = 0.5


class JobRun:
    """Context for a runner: renews the lease and watches for cancel in a background thread.

    Implements the engine's TrainReporter protocol (epoch_ended, stop_requested) and the image
    jobs' OnStep (report_progress), so the engine reports without knowing about the database.
    """

    def __init__(self, job: Job, worker: str) -> None:
        self.job = job
        self.worker = worker
        self._stop = threading.Event()
        self._cancel = threading.Event()
        self._lease_lost = threading.Event()
        self._pruned = threading.Event()
        self._thread = threading.Thread(target=self._watch, name=f"job-{job.id}", daemon=True)
        self._unsaved_steps: list[tuple[int, dict[str, float]]] = []
        self._steps_total = 0
        self._steps_saved_at = time.monotonic()
        self._download_reported_at: float | None = None

    def __enter__(self) -> JobRun:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.save_progress()
        self._stop.set()
        self._thread.join(timeout=10)

    @property
    def job_id(self) -> str:
        return str(self.job.id)

    @property
    def lease_lost(self) -> bool:
        return self._lease_lost.is_set()

    # -- TrainReporter ---------------------------------------------------------------------
    def epoch_ended(self, epoch: int, metrics: dict[str, float]) -> None:
        epochs = int(self.job.params.get("epochs", 0))
        job_record_epoch(job_id=self.job_id, epoch=epoch, epochs=epochs, values=metrics)

    def stop_requested(self) -> bool:
        return self._cancel.is_set() or self._lease_lost.is_set() or self._pruned.is_set()

    def prune(self) -> None:
        """The sweep's searcher stopped this trial: it stops at its next batch, ends as pruned."""
        job_request_prune(job_id=self.job_id)
        self._pruned.set()

    @property
    def pruned(self) -> bool:
        return self._pruned.is_set()

    # -- step progress (image jobs) --------------------------------------------------------
    def report_progress(self, step: int, total: int, values: dict[str, float]) -> None:
        """One optimisation step done; its values become a metric row (written in batches)."""
        self._unsaved_steps.append((step, values))
        self._steps_total = total
        if step >= total or time.monotonic() - self._steps_saved_at >= PROGRESS_FLUSH_SECONDS:
            self.save_progress()

    def save_progress(self) -> None:
        if self._unsaved_steps:
            job_record_steps(job_id=self.job_id, steps=self._unsaved_steps, total=self._steps_total)
            self._unsaved_steps = []
        self._steps_saved_at = time.monotonic()

    def report_download(self, done: int, total: int | None) -> None:
        """Bytes of pretrained weights downloaded so far (neuroyard_core.pretrained_download)."""
        now = time.monotonic()
        last = self._download_reported_at
        if last is None or done == total or now - last >= PROGRESS_FLUSH_SECONDS:
            self._download_reported_at = now
            progress = {"phase": "downloading weights", "bytes": done, "total": total}
            job_record_progress(job_id=self.job_id, progress=progress)

    # -- outputs ---------------------------------------------------------------------------
    def store_artifact(self, *, path: Path, kind: str, name: str, content_type: str) -> Artifact:
        with path.open("rb") as handle:
            return artifact_create(
                owner_id=self.job.owner_id,
                job=self.job,
                kind=kind,
                name=name,
                file=handle,
                folder=str(self.job_id),
                content_type=content_type,
            )

    # -- background watcher ----------------------------------------------------------------
    def _watch(self) -> None:
        beat_every = settings.NEUROYARD_HEARTBEAT_SECONDS
        since_beat = 0.0
        try:
            while not self._stop.wait(CANCEL_POLL_SECONDS):
                close_old_connections()
                if job_cancel_requested(job_id=self.job_id):
                    self._cancel.set()
                since_beat += CANCEL_POLL_SECONDS
                if since_beat >= beat_every:
                    since_beat = 0.0
                    if not job_heartbeat(job_id=self.job_id, worker=self.worker):
                        log.warning("job %s: lease lost; stopping", self.job_id)
                        self._lease_lost.set()
        except Exception:  # the job itself must not die because a heartbeat failed once
            log.exception("job %s: heartbeat thread failed", self.job_id)
        finally:
            connection.close()

    def input_path(self, name: str) -> Path:
        """The local copy of a file uploaded with the job (see JobKind.inputs)."""
        artifact = self.job.artifacts.get(kind=Artifact.Kind.INPUT, name=name)
        return cached_input(artifact.file.name, sha256=artifact.sha256)

    def model_path(self) -> Path:
        """The local copy of the job's model (.keras), trained or uploaded."""
        if self.job.model is None:
            raise CodedError("model_missing", "The job's model was deleted.")
        artifact = self.job.model.artifact
        return cached_input(artifact.file.name, sha256=artifact.sha256, suffix=".keras")

    def dataset_path(self) -> Path:
        """The local copy of the job's dataset: its folder of shards and manifest.json."""
        dataset = self.job.dataset
        if dataset is None or not dataset.data:
            raise CodedError("dataset_missing", "The job's dataset was deleted.")
        return cached_dataset(data_name=dataset.data.name, data_sha256=dataset.data_sha256)

    def checkpoint_dir(self) -> Path:
        return Path(settings.NEUROYARD_WORKER_CACHE) / "checkpoints" / self.job_id

    def params(self) -> dict[str, Any]:
        return dict(self.job.params)

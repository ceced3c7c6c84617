"""Celery tasks: the only glue between the queue and the job runtime. Kept thin."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from celery import shared_task
from celery.signals import celeryd_after_setup
from celery.worker.request import Request
from django.conf import settings
from django.utils import timezone

from neuroyard.config.celery import app
from neuroyard.datasets.resumable import partial_uploads_expire
from neuroyard.datasets.services import INGEST_TASK, datasets_resend_stuck
from neuroyard.fleet.services import workers_mark_offline
from neuroyard.jobs.broker import job_ids_in_broker
from neuroyard.jobs.lifecycle import job_fail, jobs_lost_in_broker, jobs_requeue_stale
from neuroyard.jobs.services import job_enqueue
from neuroyard.registry.exports import EXPORT_TASK
from neuroyard.registry.model_check import MODEL_CHECK_TASK, models_resend_checks
from neuroyard_core.jobs import RUN_JOB_TASK, job_kinds
from neuroyard_core.sweeps import SWEEP_ADVANCE_TASK
from neuroyard_worker.inference.exports import export_model as run_export
from neuroyard_worker.inference.model_check import check_uploaded_model
from neuroyard_worker.inference.taker import PredictionTakerStep
from neuroyard_worker.runtime import fleet, job_logs  # noqa: F401 - their Celery signal hooks
from neuroyard_worker.runtime.dataset_ingest import ingest_dataset as run_ingestion
from neuroyard_worker.runtime.executor import execute
from neuroyard_worker.runtime.identity import process_identity
from neuroyard_worker.sweeps.controller import running_sweep_ids, sweep_advance

log = logging.getLogger(__name__)

ENGINE_QUEUES = {"gpu", "inference"}

# Synchronous predictions come from a Redis list of their own, not as Celery tasks (see
# neuroyard.registry.inference): a worker consuming the inference queue takes them too.
app.steps["worker"].add(PredictionTakerStep)


@celeryd_after_setup.connect
def preload_engine(sender: str, instance, **kwargs) -> None:  # noqa: ANN001
    """Import TensorFlow once in the worker's parent process, before the pool forks.

    Each job runs in a fresh pool child (max-tasks-per-child 1) forked from this parent, so it
    starts with TensorFlow already imported. Importing does not initialise CUDA, so the fork
    stays safe; devices are first touched in the child.
    """
    queues = set(instance.app.amqp.queues.consume_from or {})
    if queues & ENGINE_QUEUES:
        import neuroyard_worker.engine.train  # noqa: F401

        log.info("engine preloaded for queues %s", sorted(queues))


class JobRequest(Request):
    """Runs in the worker's parent: a job killed at its hard time limit fails in words."""

    def on_timeout(self, soft: bool, timeout: float) -> None:
        super().on_timeout(soft, timeout)
        if not soft and self.worker_pid:
            job_fail(
                job_id=self.args[0],
                worker=f"{self.hostname}/{self.worker_pid}",
                code="time_limit",
                message=f"The job ran past its time limit ({int(timeout)} s) and was stopped.",
            )


@shared_task(name=RUN_JOB_TASK, bind=True, Request=JobRequest)
def run_job(self, job_id: str) -> str:  # noqa: ANN001
    return execute(job_id, worker=process_identity(self.request.hostname))


@shared_task(name="neuroyard.reconcile")
def reconcile() -> dict[str, int]:
    """Give jobs of lost workers back to the queue, and re-send jobs, ingestions and model checks
    whose message was lost; delete resumable uploads left unfinished."""
    for name in workers_mark_offline(
        silent_for=timedelta(seconds=settings.NEUROYARD_WORKER_OFFLINE_AFTER_SECONDS)
    ):
        log.warning("worker %s went silent; marked offline", name)
    stale = jobs_requeue_stale(
        stale_after=timedelta(seconds=settings.NEUROYARD_STALE_AFTER_SECONDS)
    )
    for job in stale:
        log.warning("job %s: worker %s went silent; re-queued", job.id, job.worker)
        job_enqueue(job=job)
    lost = jobs_lost_in_broker(
        queued_before=timezone.now()
        - timedelta(seconds=settings.NEUROYARD_LOST_MESSAGE_AFTER_SECONDS),
        # a queued job's message that a worker took this long ago and never claimed went
        # down with that worker
        in_broker=job_ids_in_broker(
            {kind.queue for kind in job_kinds().values()},
            delivered_since=time.time() - settings.NEUROYARD_STALE_AFTER_SECONDS,
        ),
    )
    for job in lost:
        log.warning("job %s: queued but its message is gone; sent again", job.id)
        job_enqueue(job=job)
    stuck = datasets_resend_stuck(
        sent_before=timezone.now()
        - timedelta(seconds=settings.NEUROYARD_INGEST_RESEND_AFTER_SECONDS)
    )
    for dataset in stuck:
        log.warning("dataset %s: still processing; ingestion sent again", dataset.id)
    checking = models_resend_checks(
        sent_before=timezone.now()
        - timedelta(seconds=settings.NEUROYARD_MODEL_CHECK_RESEND_AFTER_SECONDS)
    )
    for model in checking:
        log.warning("model %s: still checking; its check sent again", model.id)
    expired = partial_uploads_expire(
        idle_for=timedelta(seconds=settings.NEUROYARD_UPLOAD_EXPIRE_SECONDS)
    )
    for upload_id in expired:
        log.info("upload %s: idle too long; deleted", upload_id)
    # trials ended while no controller looked (a killed worker's job failed at its cap...)
    sweeps = running_sweep_ids()
    for sweep_id in sweeps:
        advance_sweep(sweep_id)
    return {
        "requeued_stale": len(stale),
        "resent_lost": len(lost),
        "resent_ingestions": len(stuck),
        "resent_model_checks": len(checking),
        "expired_uploads": len(expired),
        "sweeps_advanced": len(sweeps),
    }


@shared_task(name=SWEEP_ADVANCE_TASK)
def advance_sweep(sweep_id: str) -> str:
    """Tell Optuna how ended trials did, start trials while the budget lasts, end the sweep."""
    return sweep_advance(sweep_id)


@shared_task(name="neuroyard.ping", ignore_result=False)
def ping() -> str:
    return "pong"


@shared_task(name=EXPORT_TASK)
def export_model(export_id: str) -> str:
    """A model converted to SavedModel or TFLite (inference queue), in a child process."""
    return run_export(export_id)


@shared_task(name=MODEL_CHECK_TASK)
def check_model(model_id: str) -> str:
    """An uploaded model loaded in the sandbox (inference queue), settled ready or invalid."""
    return check_uploaded_model(model_id)


@shared_task(name=INGEST_TASK)
def ingest_dataset(dataset_id: str) -> str:
    """Validate and convert an uploaded dataset (cpu queue: NumPy and Pillow, no TensorFlow)."""
    return run_ingestion(dataset_id)

"""Benchmark: a queue of short jobs on one gpu worker, beside bare Keras.

(c) a job submitted the moment the previous one ended: submit -> running p50 (goal <= 50 ms);
(d) BENCH_QUEUE_JOBS (20) one-epoch jobs sent at once: the dead time between one job's end
    and the next one's start, p50 (goal <= 50 ms), and the share of the wall time the worker
    spent in jobs (goal >= 95%).
The reference, measured in the same run: the same one-epoch fit in a plain Keras script.
NEUROYARD_SPARE_JOB_PROCESSES=0 measures the pool without its warm spare.
`python -m bench.back_to_back`.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

from bench.environment import VAR  # first: Django set up on the run's own var dir and Redis

# isort: split
import numpy as np

from bench.train_job import bench_client, digits_dataset_and_spec, plain_keras_seconds, submit
from tests.stack import CpuWorkerProcess, WorkerProcess, wait_for

QUEUE_JOBS = int(os.environ.get("BENCH_QUEUE_JOBS", "20"))
CHAINED = int(os.environ.get("BENCH_CHAINED_JOBS", "10"))


def main() -> int:
    from neuroyard.jobs.models import Job

    api = bench_client()
    worker = WorkerProcess(name="bench", log_path=VAR / "worker.log")
    ingester = CpuWorkerProcess(name="bench-cpu", log_path=VAR / "cpu-worker.log")

    def finished(job_id: str) -> Job:
        job = wait_for(
            lambda: Job.objects.filter(id=job_id, status__in=Job.FINAL_STATUSES).first(),
            timeout=300,
            every=0.005,
        )
        assert job.status == "succeeded", job.error_message
        return job

    try:
        data_path, dataset, spec = digits_dataset_and_spec(api, samples=4000)
        finished(submit(api, dataset, spec, epochs=1))  # warm-up: input cache, first fork
        keras_s = plain_keras_seconds(data_path, VAR / "plain.keras", epochs=1)

        # (c) each job submitted as soon as the one before it has ended
        chained = []
        job_id = submit(api, dataset, spec, epochs=1)
        for _ in range(CHAINED):
            finished(job_id)
            submitted = time.time()
            job_id = submit(api, dataset, spec, epochs=1)
            started = wait_for(
                lambda job_id=job_id: (
                    Job.objects.filter(id=job_id, started_at__isnull=False)
                    .values_list("started_at", flat=True)
                    .first()
                ),
                timeout=120,
                every=0.005,
            )
            chained.append(started.timestamp() - submitted)
        finished(job_id)

        # (d) a queue of one-epoch jobs sent at once
        ids = [submit(api, dataset, spec, epochs=1) for _ in range(QUEUE_JOBS)]
        jobs = sorted((finished(job_id) for job_id in ids), key=lambda job: job.started_at)
    finally:
        worker.stop()
        ingester.stop()

    gaps = [
        (after.started_at - before.finished_at).total_seconds()
        for before, after in zip(jobs, jobs[1:], strict=False)
    ]
    busy = sum((job.finished_at - job.started_at).total_seconds() for job in jobs)
    wall = (jobs[-1].finished_at - jobs[0].started_at).total_seconds()
    job_s = statistics.median((job.finished_at - job.started_at).total_seconds() for job in jobs)
    spare = os.environ.get("NEUROYARD_SPARE_JOB_PROCESSES", "1")
    print(f"spare job processes: {spare}; bare Keras one-epoch fit + save: {keras_s:.2f}s")
    print(
        f"(c) submitted as the previous job ended: submit -> running p50 "
        f"{statistics.median(chained) * 1000:.0f} ms (p90 {np.percentile(chained, 90) * 1000:.0f})"
        f"  (goal <= 50 ms)"
    )
    print(
        f"(d) {QUEUE_JOBS} one-epoch jobs at once: dead time between jobs p50 "
        f"{statistics.median(gaps) * 1000:.0f} ms, p90 {np.percentile(gaps, 90) * 1000:.0f} ms"
        f" (goal <= 50 ms); worker busy {busy:.1f}s of "
        f"{wall:.1f}s = {busy / wall:.1%} (goal >= 95%); a job {job_s:.2f}s, "
        f"{job_s / keras_s:.2f}x bare Keras"
    )
    if os.environ.get("BENCH_VERBOSE"):
        print("gaps ms:", [round(gap * 1000) for gap in gaps])
        print("chained ms:", [round(latency * 1000) for latency in chained])
    return 0


if __name__ == "__main__":
    sys.exit(main())

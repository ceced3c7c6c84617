"""`/metrics` for Prometheus: jobs, queues, job durations and workers, read from the database
and Redis at each scrape, plus the web process's own request latency and process metrics.

Protected by `NEUROYARD_METRICS_TOKEN` (sent as `Authorization: Bearer <token>`); without a
token it is open locally and answers only staff users in production.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from neuroyard.fleet.models import Worker
from neuroyard.fleet.selectors import queue_stats
from neuroyard.jobs.models import Job

DURATION_BUCKETS = (1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 24 * 3600)


class FleetCollector:
    def collect(self) -> Iterator[Metric]:
        yield self._jobs()
        yield from self._queues()
        yield self._durations()
        yield from self._workers()

    def _jobs(self) -> Metric:
        jobs = GaugeMetricFamily(
            "neuroyard_jobs", "Jobs by state and kind.", labels=["state", "kind"]
        )
        for row in Job.objects.values("status", "kind").annotate(n=Count("id")):
            jobs.add_metric([row["status"], row["kind"]], row["n"])
        return jobs

    def _queues(self) -> Iterator[Metric]:
        length = GaugeMetricFamily(
            "neuroyard_queue_length",
            "Jobs waiting in a queue: as the database counts them and as Redis holds messages.",
            labels=["queue", "source"],
        )
        oldest = GaugeMetricFamily(
            "neuroyard_queue_oldest_waiting_seconds",
            "Age of the oldest job waiting in a queue (0 when none waits).",
            labels=["queue"],
        )
        for queue in queue_stats():
            length.add_metric([queue["name"], "database"], queue["length"])
            length.add_metric([queue["name"], "broker"], queue["broker_length"])
            waiting = queue["oldest_waiting"]
            oldest.add_metric([queue["name"]], waiting["age_seconds"] if waiting else 0)
        yield length
        yield oldest

    def _durations(self) -> Metric:
        duration = ExpressionWrapper(
            F("finished_at") - F("started_at"), output_field=DurationField()
        )
        buckets = {
            f"le_{le}": Count("id", filter=Q(duration__lte=timedelta(seconds=le)))
            for le in DURATION_BUCKETS
        }
        rows = (
            Job.objects.filter(status__in=Job.FINAL_STATUSES, started_at__isnull=False)
            .exclude(finished_at__isnull=True)
            .annotate(duration=duration)
            .values("kind")
            .annotate(total=Count("id"), seconds=Sum("duration"), **buckets)
        )
        histogram = HistogramMetricFamily(
            "neuroyard_job_duration_seconds",
            "Run time of finished jobs (their last attempt), by kind.",
            labels=["kind"],
        )
        for row in rows:
            histogram.add_metric(
                [row["kind"]],
                [(str(float(le)), row[f"le_{le}"]) for le in DURATION_BUCKETS]
                + [("+Inf", row["total"])],
                sum_value=row["seconds"].total_seconds() if row["seconds"] else 0.0,
            )
        return histogram

    def _workers(self) -> Iterator[Metric]:
        now = timezone.now()
        age = GaugeMetricFamily(
            "neuroyard_worker_heartbeat_age_seconds",
            "Seconds since each worker last reported.",
            labels=["worker", "state"],
        )
        states = GaugeMetricFamily("neuroyard_workers", "Workers by state.", labels=["state"])
        memory = GaugeMetricFamily(
            "neuroyard_gpu_memory_used_bytes",
            "GPU memory in use.",
            labels=["worker", "gpu", "name"],
        )
        utilization = GaugeMetricFamily(
            "neuroyard_gpu_utilization_percent",
            "GPU utilisation, where the driver reports it.",
            labels=["worker", "gpu", "name"],
        )
        counts = dict.fromkeys(Worker.State.values, 0)
        for worker in Worker.objects.all():
            counts[worker.state] += 1
            age.add_metric(
                [worker.name, worker.state], (now - worker.last_heartbeat).total_seconds()
            )
            if worker.state == Worker.State.OFFLINE:
                continue
            for device in worker.devices:
                labels = [worker.name, str(device.get("index", "")), str(device.get("name", ""))]
                if device.get("type") == "gpu" and device.get("memory_used_bytes") is not None:
                    memory.add_metric(labels, device["memory_used_bytes"])
                if device.get("utilization_percent") is not None:
                    utilization.add_metric(labels, device["utilization_percent"])
        for state, n in counts.items():
            states.add_metric([state], n)
        yield from (age, states, memory, utilization)


_fleet_registry = CollectorRegistry(auto_describe=False)
_fleet_registry.register(FleetCollector())


def _allowed(request: HttpRequest) -> bool:
    token = settings.NEUROYARD_METRICS_TOKEN
    if token:
        sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(sent.encode(), token.encode())
    return not settings.PRODUCTION or request.user.is_staff


def metrics(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        return JsonResponse(
            {
                "code": "permission_denied",
                "message": "Send the metrics token as 'Authorization: Bearer <token>'.",
                "details": {},
            },
            status=403,
        )
    body = generate_latest(REGISTRY) + generate_latest(_fleet_registry)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)

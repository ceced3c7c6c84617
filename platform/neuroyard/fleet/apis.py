"""Staff-only fleet endpoints: workers and their control, queues and their waiting jobs."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from neuroyard.core.pagination import PaginatedList, StrictLimitOffsetPagination, paginated
from neuroyard.fleet.models import Worker
from neuroyard.fleet.selectors import queue_jobs, queue_stats, worker_get, worker_list
from neuroyard.fleet.services import (
    queue_job_cancel,
    queue_job_move,
    queue_job_to_front,
    worker_drain,
    worker_resume,
    worker_shutdown,
)
from neuroyard.jobs.models import Job
from neuroyard.jobs.selectors import job_get, job_queue_position, job_queue_positions


class StaffApi(APIView):
    permission_classes = [IsAdminUser]


class WorkerOutput(serializers.ModelSerializer):
    current_job = serializers.SerializerMethodField()
    heartbeat_age_seconds = serializers.SerializerMethodField()

    class Meta:
        model = Worker
        fields = [
            "id",
            "name",
            "host",
            "pid",
            "queues",
            "devices",
            "state",
            "current_job",
            "jobs_done",
            "jobs_failed",
            "last_heartbeat",
            "heartbeat_age_seconds",
            "version",
            "started_at",
        ]

    def get_current_job(self, worker: Worker) -> dict[str, Any] | None:
        job = worker.current_job
        if job is None:
            return None
        return {"id": str(job.id), "kind": job.kind, "progress": job.progress}

    def get_heartbeat_age_seconds(self, worker: Worker) -> float:
        return round((timezone.now() - worker.last_heartbeat).total_seconds(), 1)


class WorkerListApi(StaffApi):
    @extend_schema(responses=WorkerOutput(many=True))
    def get(self, request: Request) -> Response:
        return Response(WorkerOutput(worker_list(), many=True).data)


class WorkerDetailApi(StaffApi):
    @extend_schema(responses=WorkerOutput)
    def get(self, request: Request, worker_id: int) -> Response:
        return Response(WorkerOutput(worker_get(worker_id=worker_id)).data)


class WorkerDrainApi(StaffApi):
    @extend_schema(request=None, responses=WorkerOutput, summary="Finish the job, take no more")
    def post(self, request: Request, worker_id: int) -> Response:
        return Response(WorkerOutput(worker_drain(worker=worker_get(worker_id=worker_id))).data)


class WorkerResumeApi(StaffApi):
    @extend_schema(request=None, responses=WorkerOutput, summary="Take jobs again after a drain")
    def post(self, request: Request, worker_id: int) -> Response:
        return Response(WorkerOutput(worker_resume(worker=worker_get(worker_id=worker_id))).data)


class WorkerShutdownApi(StaffApi):
    @extend_schema(request=None, responses=WorkerOutput, summary="Finish the job, then exit")
    def post(self, request: Request, worker_id: int) -> Response:
        worker = worker_shutdown(worker=worker_get(worker_id=worker_id))
        return Response(WorkerOutput(worker).data)


class QueueOutput(serializers.Serializer):
    class OldestWaiting(serializers.Serializer):
        job = serializers.UUIDField()
        kind = serializers.CharField()
        created_at = serializers.DateTimeField()
        age_seconds = serializers.FloatField()

    name = serializers.CharField()
    length = serializers.IntegerField(help_text="Jobs queued in the database.")
    broker_length = serializers.IntegerField(help_text="Messages waiting in Redis.")
    workers = serializers.IntegerField(help_text="Live workers taking jobs from this queue.")
    oldest_waiting = OldestWaiting(allow_null=True)
    by_state = serializers.DictField(child=serializers.IntegerField())


class QueueListApi(StaffApi):
    @extend_schema(responses=QueueOutput(many=True))
    def get(self, request: Request) -> Response:
        return Response(QueueOutput(queue_stats(), many=True).data)


class QueuedJobOutput(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.username")
    position = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = ["id", "kind", "queue", "status", "owner", "priority", "position", "created_at"]

    def get_position(self, job: Job) -> int | None:
        positions = self.context.get("queue_positions")
        return positions.get(job.pk) if positions is not None else job_queue_position(job=job)


class QueueJobsApi(PaginatedList, StaffApi):
    # in start order (priority, then age) and never longer than the queue: offset pages
    pagination_class = StrictLimitOffsetPagination

    @extend_schema(responses=QueuedJobOutput(many=True))
    def get(self, request: Request, queue: str) -> Response:
        jobs = queue_jobs(queue=queue)
        return paginated(
            request,
            self,
            jobs,
            QueuedJobOutput,
            context=lambda page: {"queue_positions": job_queue_positions(jobs=page)},
        )


class QueueJobFrontApi(StaffApi):
    @extend_schema(request=None, responses=QueuedJobOutput, summary="Start this job next")
    def post(self, request: Request, queue: str, job_id: str) -> Response:
        job = queue_job_to_front(queue=queue, job=job_get(user=request.user, job_id=job_id))
        return Response(QueuedJobOutput(job).data)


class QueueJobCancelApi(StaffApi):
    @extend_schema(request=None, responses=QueuedJobOutput)
    def post(self, request: Request, queue: str, job_id: str) -> Response:
        job = queue_job_cancel(queue=queue, job=job_get(user=request.user, job_id=job_id))
        return Response(QueuedJobOutput(job).data)


class QueueJobMoveApi(StaffApi):
    class Input(serializers.Serializer):
        queue = serializers.CharField(max_length=64)

    @extend_schema(request=Input, responses=QueuedJobOutput)
    def post(self, request: Request, queue: str, job_id: str) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        job = job_get(user=request.user, job_id=job_id)
        job = queue_job_move(queue=queue, job=job, to=data.validated_data["queue"])
        return Response(QueuedJobOutput(job).data)

"""Job endpoints: submit, list, watch, cancel, artifacts."""

from collections.abc import Sequence
from typing import Any

from django.http.response import HttpResponseBase
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from neuroyard.core.downloads import file_download
from neuroyard.core.fields import JsonOrStringField
from neuroyard.core.pagination import PaginatedList, paginated
from neuroyard.core.parsers import DepthLimitedJSONParser
from neuroyard.core.representation import represent
from neuroyard.core.schema import download_responses
from neuroyard.datasets.selectors import dataset_get
from neuroyard.jobs.artifacts import ARTIFACT_MEDIA_TYPES, artifact_media_type
from neuroyard.jobs.lifecycle import INFRASTRUCTURE_ERRORS
from neuroyard.jobs.models import Artifact, EpochMetric, Job
from neuroyard.jobs.selectors import (
    JOB_SORTS,
    artifact_get,
    artifact_list,
    job_eta_seconds,
    job_get,
    job_list,
    job_order,
    job_queue_position,
    job_queue_positions,
)
from neuroyard.jobs.services import job_cancel, job_create, job_rename
from neuroyard.registry.selectors import model_get
from neuroyard.specs.selectors import spec_get
from neuroyard_core.jobs import job_kinds


class JobOutput(serializers.ModelSerializer):
    queue_position = serializers.SerializerMethodField()
    eta_seconds = serializers.SerializerMethodField()
    error = serializers.SerializerMethodField()
    owner = serializers.CharField(source="owner.username", read_only=True)
    dataset_name = serializers.CharField(source="dataset.name", read_only=True, default=None)
    spec_name = serializers.CharField(source="spec.name", read_only=True, default=None)
    final_metric = serializers.SerializerMethodField(
        help_text="The latest epoch's headline metric (val_accuracy, accuracy, ..., loss)."
    )

    class Meta:
        model = Job
        fields = [
            "id",
            "name",
            "owner",
            "kind",
            "status",
            "queue",
            "params",
            "dataset",
            "dataset_name",
            "spec",
            "spec_name",
            "model",
            "sweep",
            "attempt",
            "worker",
            "cancel_requested",
            "progress",
            "queue_position",
            "eta_seconds",
            "result",
            "final_metric",
            "error",
            "created_at",
            "started_at",
            "finished_at",
            "heartbeat_at",
        ]

    def get_queue_position(self, job: Job) -> int | None:
        positions = self.context.get("queue_positions")  # a page's, computed at once
        return positions.get(job.pk) if positions is not None else job_queue_position(job=job)

    class FinalMetric(serializers.Serializer):
        name = serializers.CharField()
        value = serializers.FloatField()

    @extend_schema_field(FinalMetric(allow_null=True))
    def get_final_metric(self, job: Job) -> dict[str, Any] | None:
        if job.final_metric is None:
            return None
        return {"name": job.final_metric_name, "value": job.final_metric}

    def get_eta_seconds(self, job: Job) -> float | None:
        return job_eta_seconds(job=job, now=timezone.now())

    def get_error(self, job: Job) -> dict[str, str] | None:
        if not job.error_code:
            return None
        return {
            "code": job.error_code,
            "message": job.error_message,
            "kind": "infrastructure" if job.error_code in INFRASTRUCTURE_ERRORS else "job",
        }


def queue_positions_context(jobs: Sequence[Job]) -> dict[str, Any]:
    return {"queue_positions": job_queue_positions(jobs=jobs)}


class JobKindOutput(serializers.Serializer):
    class InputFileOutput(serializers.Serializer):
        name = serializers.CharField(help_text="The multipart field the file is sent in.")
        title = serializers.CharField()
        description = serializers.CharField()
        required = serializers.BooleanField()
        accept = serializers.CharField(help_text="File-picker hint ('.png,.jpg'); '' is any.")

    name = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    queue = serializers.CharField()
    needs_dataset = serializers.BooleanField()
    needs_spec = serializers.BooleanField()
    needs_model = serializers.BooleanField()
    accepts_dataset = serializers.BooleanField(help_text="Takes a dataset, needed or not.")
    accepts_spec = serializers.BooleanField()
    accepts_model = serializers.BooleanField()
    inputs = InputFileOutput(many=True)
    artifact_kinds = serializers.ListField(child=serializers.CharField())
    checkpointed = serializers.BooleanField()
    params_schema = serializers.JSONField(help_text="The JSON Schema of the kind's params.")


class JobKindListApi(APIView):
    """The job kinds this server runs, with their parameters: the job form is built from it."""

    @extend_schema(responses=JobKindOutput(many=True))
    def get(self, request: Request) -> Response:
        return Response([kind.describe() for kind in job_kinds().values()])


class JobListCreateApi(PaginatedList, APIView):
    parser_classes = [DepthLimitedJSONParser, MultiPartParser, FormParser]

    class Input(serializers.Serializer):
        kind = serializers.CharField(max_length=64, help_text="A name from GET /api/v1/job-kinds/.")
        # null is "none", as a job's own representation says it
        dataset = serializers.UUIDField(required=False, allow_null=True)
        spec = serializers.UUIDField(required=False, allow_null=True)
        model = serializers.UUIDField(required=False, allow_null=True)
        params = JsonOrStringField(
            required=False, default=dict, invalid_message="must be a JSON object"
        )

    class Filters(serializers.Serializer):
        status = serializers.ChoiceField(choices=Job.Status.values, required=False)
        kind = serializers.CharField(
            max_length=64, required=False, help_text="A name from GET /api/v1/job-kinds/."
        )
        sweep = serializers.UUIDField(required=False, help_text="Only this sweep's trials.")
        search = serializers.CharField(
            max_length=200, required=False, default="", help_text="Part of the job's name."
        )
        dataset = serializers.UUIDField(required=False, help_text="Only jobs on this dataset.")
        spec = serializers.UUIDField(required=False, help_text="Only jobs of this network.")
        owner = serializers.ChoiceField(
            choices=["me", "all"],
            required=False,
            default="all",
            help_text="Staff see everyone's jobs; 'me' shows only their own.",
        )
        sort = serializers.ChoiceField(choices=list(JOB_SORTS), required=False, default="-created")

        def validate_kind(self, kind: str) -> str:
            if kind not in job_kinds():
                raise serializers.ValidationError(f"there is no job kind '{kind}'.")
            return kind

    @extend_schema(parameters=[Filters], responses=JobOutput(many=True))
    def get(self, request: Request) -> Response:
        filters = self.Filters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        jobs = job_list(user=request.user, **filters.validated_data)
        order = job_order(filters.validated_data["sort"])
        return paginated(
            request, self, jobs, JobOutput, context=queue_positions_context, order=order
        )

    @extend_schema(request=Input, responses={202: JobOutput})
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        dataset = (
            dataset_get(user=request.user, dataset_id=values["dataset"])
            if values.get("dataset")
            else None
        )
        spec = spec_get(user=request.user, spec_id=values["spec"]) if values.get("spec") else None
        model = (
            model_get(user=request.user, model_id=values["model"]) if values.get("model") else None
        )
        job = job_create(
            owner=request.user,
            kind=values["kind"],
            params=values["params"],
            dataset=dataset,
            spec=spec,
            model=model,
            inputs=dict(request.FILES.items()),
        )
        return Response(represent(JobOutput, job), status=status.HTTP_202_ACCEPTED)


class JobDetailApi(APIView):
    class UpdateInput(serializers.Serializer):
        name = serializers.CharField(max_length=200, help_text="The run's name.")

    @extend_schema(responses=JobOutput)
    def get(self, request: Request, job_id: str) -> Response:
        return Response(represent(JobOutput, job_get(user=request.user, job_id=job_id)))

    @extend_schema(request=UpdateInput, responses=JobOutput)
    def patch(self, request: Request, job_id: str) -> Response:
        data = self.UpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        job = job_get(user=request.user, job_id=job_id)
        job = job_rename(job=job, user=request.user, name=data.validated_data["name"])
        return Response(represent(JobOutput, job))


class JobCancelApi(APIView):
    @extend_schema(request=None, responses=JobOutput)
    def post(self, request: Request, job_id: str) -> Response:
        job = job_cancel(job=job_get(user=request.user, job_id=job_id))
        return Response(represent(JobOutput, job))


class EpochMetricOutput(serializers.ModelSerializer):
    class Meta:
        model = EpochMetric
        fields = ["epoch", "values", "created_at"]


class JobMetricsApi(APIView):
    class Filters(serializers.Serializer):
        after = serializers.IntegerField(
            min_value=0, required=False, help_text="Only epochs after this one."
        )

    @extend_schema(parameters=[Filters], responses=EpochMetricOutput(many=True))
    def get(self, request: Request, job_id: str) -> Response:
        job = job_get(user=request.user, job_id=job_id)
        epochs = job.epochs.all()
        filters = self.Filters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        if "after" in filters.validated_data:
            epochs = epochs.filter(epoch__gt=filters.validated_data["after"])
        return Response(EpochMetricOutput(epochs, many=True).data)


class ArtifactOutput(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Artifact
        fields = [
            "id",
            "kind",
            "name",
            "size_bytes",
            "sha256",
            "content_type",
            "created_at",
            "download_url",
        ]

    def get_download_url(self, artifact: Artifact) -> str:
        return f"/api/v1/artifacts/{artifact.id}/download/"


class JobArtifactsApi(APIView):
    @extend_schema(responses=ArtifactOutput(many=True))
    def get(self, request: Request, job_id: str) -> Response:
        job = job_get(user=request.user, job_id=job_id)
        return Response(ArtifactOutput(artifact_list(job=job), many=True).data)


def artifact_response(request: Request, artifact: Artifact) -> HttpResponseBase:
    """The artifact's bytes, streamed, whole or the `Range` asked for (a resumed download)."""
    response = file_download(
        request,
        artifact.file.open("rb"),
        size=artifact.size_bytes,
        filename=artifact.name,
        content_type=artifact_media_type(artifact.content_type),  # rows older than the rule
        etag=artifact.sha256,
    )
    response["X-Checksum-SHA256"] = artifact.sha256
    return response


class ArtifactDownloadApi(APIView):
    @extend_schema(
        description="The file, as the media type its `content_type` names: one of "
        + ", ".join(ARTIFACT_MEDIA_TYPES)
        + ". `Range` asks for a part (206).",
        responses=download_responses(ARTIFACT_MEDIA_TYPES),
    )
    def get(self, request: Request, artifact_id: str) -> HttpResponseBase:
        return artifact_response(request, artifact_get(user=request.user, artifact_id=artifact_id))

"""Sweep endpoints: create, list, watch (trials and best so far), cancel, and the trials'
TensorBoard runs in one zip."""

from typing import Any

from django.http.response import HttpResponseBase
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from neuroyard.core.downloads import file_download
from neuroyard.core.pagination import PaginatedList, paginated
from neuroyard.core.parsers import DepthLimitedJSONParser
from neuroyard.datasets.selectors import dataset_get
from neuroyard.specs.selectors import spec_get
from neuroyard.sweeps.models import Sweep, SweepTrial
from neuroyard.sweeps.selectors import sweep_best_so_far, sweep_get, sweep_list, sweep_trials
from neuroyard.sweeps.services import sweep_cancel, sweep_create
from neuroyard.sweeps.tensorboard import sweep_tensorboard_zip


class TrialOutput(serializers.ModelSerializer):
    job = serializers.UUIDField(source="job_id")
    status = serializers.CharField(source="job.status", help_text="The trial job's status.")
    epochs = serializers.JSONField(source="job.progress", help_text="{epoch, epochs} so far.")

    class Meta:
        model = SweepTrial
        fields = ["number", "job", "values", "state", "value", "status", "epochs", "created_at"]


class SweepOutput(serializers.ModelSerializer):
    class Meta:
        model = Sweep
        fields = [
            "id",
            "name",
            "status",
            "dataset",
            "spec",
            "params",
            "settings",
            "cancel_requested",
            "best_trial",
            "best_model",
            "error_code",
            "error_message",
            "created_at",
            "finished_at",
        ]

    best_trial = serializers.SerializerMethodField(help_text="The best trial's number, once ended.")

    def get_best_trial(self, sweep: Sweep) -> int | None:
        return sweep.best_trial.number if sweep.best_trial_id and sweep.best_trial else None


class SweepListOutput(SweepOutput):
    """A row of the list: how far it got, and the best value so far (sweep_list's counts)."""

    trials_started = serializers.IntegerField(read_only=True)
    trials_ended = serializers.IntegerField(read_only=True, help_text="Complete, pruned or failed.")
    best_value = serializers.SerializerMethodField(help_text="The best completed trial's metric.")

    class Meta(SweepOutput.Meta):
        fields = [*SweepOutput.Meta.fields, "trials_started", "trials_ended", "best_value"]

    def get_best_value(self, sweep: Sweep) -> float | None:
        minimize = sweep.settings.get("direction") == "minimize"
        return getattr(sweep, "best_low" if minimize else "best_high", None)


class SweepDetailOutput(SweepOutput):
    trials = serializers.SerializerMethodField()
    best_so_far = serializers.SerializerMethodField()

    class Meta(SweepOutput.Meta):
        fields = [*SweepOutput.Meta.fields, "trials", "best_so_far"]

    @extend_schema_field(TrialOutput(many=True))
    def get_trials(self, sweep: Sweep) -> list[dict[str, Any]]:
        return TrialOutput(sweep_trials(sweep=sweep), many=True).data

    @extend_schema_field(TrialOutput(allow_null=True))
    def get_best_so_far(self, sweep: Sweep) -> dict[str, Any] | None:
        best = sweep_best_so_far(sweep=sweep)
        return TrialOutput(best).data if best is not None else None


class SweepListCreateApi(PaginatedList, APIView):
    parser_classes = [DepthLimitedJSONParser]

    class Input(serializers.Serializer):
        name = serializers.CharField(max_length=200)
        dataset = serializers.UUIDField()
        spec = serializers.UUIDField()
        params = serializers.JSONField(
            required=False, default=dict, help_text="The trials' train params, before searching."
        )
        settings = serializers.JSONField(
            help_text="space, searcher (grid|random|tpe), early_stopping (none|asha|hyperband), "
            "min_epochs, reduction_factor, metric, direction, budget {trials, epochs, minutes}, "
            "parallelism, seed."
        )

    @extend_schema(responses=SweepListOutput(many=True))
    def get(self, request: Request) -> Response:
        return paginated(request, self, sweep_list(user=request.user), SweepListOutput)

    @extend_schema(request=Input, responses={201: SweepDetailOutput})
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        sweep = sweep_create(
            owner=request.user,
            name=values["name"],
            dataset=dataset_get(user=request.user, dataset_id=values["dataset"]),
            spec=spec_get(user=request.user, spec_id=values["spec"]),
            params=values["params"],
            settings=values["settings"],
        )
        return Response(SweepDetailOutput(sweep).data, status=status.HTTP_201_CREATED)


class SweepDetailApi(APIView):
    @extend_schema(responses=SweepDetailOutput)
    def get(self, request: Request, sweep_id: str) -> Response:
        return Response(SweepDetailOutput(sweep_get(user=request.user, sweep_id=sweep_id)).data)


class SweepCancelApi(APIView):
    @extend_schema(request=None, responses=SweepDetailOutput)
    def post(self, request: Request, sweep_id: str) -> Response:
        sweep = sweep_cancel(sweep=sweep_get(user=request.user, sweep_id=sweep_id))
        return Response(SweepDetailOutput(sweep).data)


class SweepTensorBoardApi(APIView):
    @extend_schema(
        summary="Download every trial's TensorBoard event files",
        description="A zip with one folder per trial (`trial-000`, `trial-001`...) holding the "
        "event files its train job wrote: a scalar per metric per epoch, and the trial's "
        "hyperparameters (its searched values, optimizer, learning rate, batch size, epochs) "
        "for TensorBoard's HParams dashboard. Unzip it and run `tensorboard --logdir` on the "
        "folder. Trials still running are left out; 409 `no_tensorboard` while none has ended.",
        responses={
            (200, "application/zip"): OpenApiResponse(bytes, description="The zip."),
            (206, "application/zip"): OpenApiResponse(bytes, description="The range asked for."),
        },
    )
    def get(self, request: Request, sweep_id: str) -> HttpResponseBase:
        sweep = sweep_get(user=request.user, sweep_id=sweep_id)
        file, size, sha256 = sweep_tensorboard_zip(sweep=sweep)
        response = file_download(
            request,
            file,
            size=size,
            filename=f"sweep-{str(sweep.id)[:8]}-tensorboard.zip",
            content_type="application/zip",
            etag=sha256,
        )
        response["X-Checksum-SHA256"] = sha256
        return response

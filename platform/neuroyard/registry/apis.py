from django.http.response import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from neuroyard.core.errors import DomainError
from neuroyard.core.fields import JsonOrStringField
from neuroyard.core.pagination import PaginatedList, paginated
from neuroyard.core.parsers import DepthLimitedJSONParser
from neuroyard.core.schema import download_responses
from neuroyard.jobs.apis import artifact_response
from neuroyard.jobs.artifacts import OCTET_STREAM
from neuroyard.registry.exports import (
    FILE_NAMES,
    model_export_failed,
    model_export_pending_body,
    model_export_request,
)
from neuroyard.registry.model_check import model_require_ready
from neuroyard.registry.models import ModelExport, TrainedModel
from neuroyard.registry.selectors import model_get, model_list
from neuroyard.registry.services import trained_model_delete
from neuroyard.registry.uploads import trained_model_upload

DOWNLOAD_FORMATS = ("keras", *ModelExport.Format.values)
# A .keras file as octet-stream (it is a ZIP, but no tool should unpack it as one), then the
# exports' own types.
MODEL_MEDIA_TYPES = tuple(dict.fromkeys([OCTET_STREAM, *(t for _, t in FILE_NAMES.values())]))


class TrainedModelOutput(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()
    size_bytes = serializers.IntegerField(source="artifact.size_bytes")
    sha256 = serializers.CharField(source="artifact.sha256")
    layers = serializers.ListField(
        child=serializers.DictField(),
        read_only=True,
        help_text="The Keras layers: {name, type, output_shape, params, trainable}, nested models' "
        "included (a ConvNet has a type with 'Conv').",
    )
    owner = serializers.CharField(source="owner.username", read_only=True)

    class Meta:
        model = TrainedModel
        fields = [
            "id",
            "name",
            "owner",
            "source",
            "status",
            "error_code",
            "error",
            "job",
            "epoch",
            "is_best",
            "is_last",
            "monitor",
            "monitor_value",
            "task",
            "input_shape",
            "output_shape",
            "class_names",
            "metrics",
            "param_count",
            "layers",
            "size_bytes",
            "sha256",
            "created_at",
            "download_url",
        ]

    def get_download_url(self, model: TrainedModel) -> str:
        return f"/api/v1/models/{model.id}/download/?format=keras"


class TrainedModelListApi(PaginatedList, APIView):
    parser_classes = [MultiPartParser, FormParser, DepthLimitedJSONParser]

    class UploadInput(serializers.Serializer):
        file = serializers.FileField(
            max_length=200,
            help_text="A model saved with model.save('model.keras'). Nothing else: no .h5, no "
            "SavedModel, no URL or server path.",
        )
        name = serializers.CharField(max_length=200, required=False, default="")
        task = serializers.ChoiceField(
            choices=["classification", "regression"], required=False, default=""
        )
        class_names = JsonOrStringField(
            required=False, default=list, invalid_message="must be a JSON list of names"
        )

        def validate_class_names(self, value: object) -> list[str]:
            if (
                not isinstance(value, list)
                or not all(isinstance(name, str) and 0 < len(name) <= 200 for name in value)
                or len(value) > 10_000
            ):
                raise serializers.ValidationError("must be a list of up to 10,000 names")
            return value

    class Filters(serializers.Serializer):
        search = serializers.CharField(
            max_length=200, required=False, default="", help_text="Part of the model's name."
        )
        owner = serializers.ChoiceField(
            choices=["me", "all"],
            required=False,
            default="all",
            help_text="Staff see everyone's models; 'me' shows only their own.",
        )

    @extend_schema(parameters=[Filters], responses=TrainedModelOutput(many=True))
    def get(self, request: Request) -> Response:
        filters = self.Filters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        models = model_list(user=request.user, **filters.validated_data)
        return paginated(request, self, models, TrainedModelOutput)

    @extend_schema(
        request=UploadInput,
        responses={
            202: OpenApiResponse(
                TrainedModelOutput,
                description="Stored, status `checking`: a worker loads it in a sandbox, then "
                "it becomes `ready`, or `invalid` with error_code and error. Poll the model.",
            )
        },
    )
    def post(self, request: Request) -> Response:
        if "file" not in request.FILES:  # a URL or a server path in its place, or nothing
            raise DomainError(
                "model_file_required",
                "Upload the model file itself as the multipart field 'file'; URLs and server "
                "paths are not accepted.",
            )
        data = self.UploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        model = trained_model_upload(
            owner=request.user,
            upload=values["file"],
            name=values["name"],
            task=values["task"],
            class_names=values["class_names"],
        )
        return Response(TrainedModelOutput(model).data, status=status.HTTP_202_ACCEPTED)


class TrainedModelDetailApi(APIView):
    @extend_schema(responses=TrainedModelOutput)
    def get(self, request: Request, model_id: str) -> Response:
        return Response(TrainedModelOutput(model_get(user=request.user, model_id=model_id)).data)

    @extend_schema(
        responses={
            204: None,
            403: OpenApiResponse(description="not_owner: someone else's model (staff see it)."),
            409: OpenApiResponse(description="model_in_use: a queued or running job uses it."),
        }
    )
    def delete(self, request: Request, model_id: str) -> Response:
        trained_model_delete(
            model=model_get(user=request.user, model_id=model_id), user=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class TrainedModelDownloadApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("format", enum=DOWNLOAD_FORMATS, default="keras")],
        description="The model file: `keras` and `tflite` as application/octet-stream, "
        "`savedmodel` as application/zip. `Range` asks for a part (206).",
        responses={
            **download_responses(MODEL_MEDIA_TYPES),
            202: OpenApiResponse(
                description="savedmodel, tflite: being converted (on the first download of a "
                "format); ask again shortly."
            ),
            409: OpenApiResponse(
                description="The model is not ready (model_not_ready), or could not be "
                "converted to the format (export_failed)."
            ),
        },
    )
    def get(self, request: Request, model_id: str) -> HttpResponseBase:
        model = model_get(user=request.user, model_id=model_id)
        model_require_ready(model=model)
        fmt = request.query_params.get("format", "keras")
        if fmt not in DOWNLOAD_FORMATS:
            raise DomainError(
                "unsupported_format",
                f"Unknown model format '{fmt}'; available: {', '.join(DOWNLOAD_FORMATS)}.",
            )
        if fmt == "keras":
            return artifact_response(request, model.artifact)
        export = model_export_request(model=model, format=fmt)
        if export.status == ModelExport.Status.FAILED:
            raise model_export_failed(export)
        if export.status == ModelExport.Status.READY and export.artifact is not None:
            return artifact_response(request, export.artifact)
        body = model_export_pending_body(export)
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Retry-After": "2"})


class TrainedModelWeightsApi(APIView):
    @extend_schema(
        responses=OpenApiTypes.OBJECT,
        description="layers: [{name, units, activation, weights[i][j] (from neuron i of the "
        "layer before to neuron j), biases}], the first layer being the inputs; connections.",
    )
    def get(self, request: Request, model_id: str) -> Response:
        model = model_get(user=request.user, model_id=model_id)
        model_require_ready(model=model)
        diagram = model.diagram or {}
        if "layers" not in diagram:
            reason = diagram.get("unavailable", "the model was registered before diagrams were")
            raise DomainError(
                "model_not_drawable", f"This model cannot be drawn neuron by neuron: {reason}."
            )
        return Response(diagram)

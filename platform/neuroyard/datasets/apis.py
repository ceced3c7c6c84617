"""Dataset endpoints: thin views that validate, call a service or selector, and serialize."""

from __future__ import annotations

import re
from typing import Any

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from neuroyard.core.errors import Conflict, NotFound
from neuroyard.core.pagination import PaginatedList, paginated
from neuroyard.datasets.models import Dataset
from neuroyard.datasets.options import COLOR_MODES, TASKS, IngestOptions
from neuroyard.datasets.selectors import dataset_get, dataset_list
from neuroyard.datasets.services import dataset_create, dataset_delete, preview_folder
from neuroyard.datasets.uploads import HashedUpload, HashingUploadHandler

MAX_IMAGE_SIDE = 1024


class DatasetOutput(serializers.ModelSerializer):
    stats = serializers.SerializerMethodField()

    class Meta:
        model = Dataset
        fields = [
            "id",
            "name",
            "format",
            "status",
            "task",
            "error_code",
            "error",
            "sha256",
            "size_bytes",
            "options",
            "stats",
            "public",
            "example_key",
            "created_at",
        ]

    def get_stats(self, dataset: Dataset) -> dict[str, Any]:
        """The statistics; a text dataset's vocabulary is left out (its size stays)."""
        stats = dict(dataset.stats)
        if "vocabulary" in stats.get("preprocessing", {}):
            stats["preprocessing"] = {
                k: v for k, v in stats["preprocessing"].items() if k != "vocabulary"
            }
        return stats


class ImageSizeField(serializers.CharField):
    """ "28" or "28x28" / "28,28" (height x width)."""

    def to_internal_value(self, data: Any) -> tuple[int, int]:
        text = super().to_internal_value(data)
        match = re.fullmatch(r"\s*(\d+)\s*(?:[x,×]\s*(\d+)\s*)?", text)
        if not match:
            raise serializers.ValidationError("Give a size like 28 or 28x28 (height x width).")
        height = int(match.group(1))
        width = int(match.group(2) or height)
        if not (1 <= height <= MAX_IMAGE_SIDE and 1 <= width <= MAX_IMAGE_SIDE):
            raise serializers.ValidationError(f"Sides must be 1 to {MAX_IMAGE_SIDE} pixels.")
        return height, width


class DatasetListCreateApi(PaginatedList, APIView):
    parser_classes = [MultiPartParser, FormParser]

    class Input(serializers.Serializer):
        # its name becomes the dataset's name when none is given: the same length limit
        file = serializers.FileField(allow_empty_file=True, max_length=200)  # empty: dataset_empty
        name = serializers.CharField(max_length=200, required=False)
        format = serializers.ChoiceField(choices=Dataset.Format.values, required=False)
        label_column = serializers.CharField(max_length=200, required=False)
        text_column = serializers.CharField(max_length=200, required=False)
        task = serializers.ChoiceField(choices=TASKS, required=False)
        image_size = ImageSizeField(required=False)
        color_mode = serializers.ChoiceField(choices=COLOR_MODES, required=False)
        validation_fraction = serializers.FloatField(min_value=0.0, max_value=0.9, required=False)
        test_fraction = serializers.FloatField(min_value=0.0, max_value=0.9, required=False)
        seed = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False)
        max_tokens = serializers.IntegerField(min_value=3, max_value=1_000_000, required=False)
        sequence_length = serializers.IntegerField(min_value=1, max_value=100_000, required=False)

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if attrs.get("validation_fraction", 0.0) + attrs.get("test_fraction", 0.0) >= 0.9:
                raise serializers.ValidationError(
                    {"test_fraction": "validation_fraction + test_fraction must stay below 0.9."}
                )
            return attrs

    def initialize_request(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Request:
        # Before anything reads the body: uploads go to disk, hashed and size-capped.
        request.upload_handlers = [HashingUploadHandler(request)]
        return super().initialize_request(request, *args, **kwargs)

    @extend_schema(responses=DatasetOutput(many=True))
    def get(self, request: Request) -> Response:
        return paginated(request, self, dataset_list(user=request.user), DatasetOutput)

    @extend_schema(
        request=Input,
        responses={
            202: OpenApiResponse(DatasetOutput, description="Stored; ingestion queued."),
            200: OpenApiResponse(DatasetOutput, description="The same file was uploaded before."),
        },
    )
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        upload: HashedUpload = values.pop("file")
        name = values.pop("name", None) or upload.name
        fmt = values.pop("format", None)
        dataset, created = dataset_create(
            owner=request.user,
            name=name,
            upload=upload,
            format=fmt,
            options=IngestOptions(**values),
        )
        return Response(
            DatasetOutput(dataset).data,
            status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK,
        )


class DatasetDetailApi(APIView):
    @extend_schema(responses=DatasetOutput)
    def get(self, request: Request, dataset_id: str) -> Response:
        return Response(DatasetOutput(dataset_get(user=request.user, dataset_id=dataset_id)).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, dataset_id: str) -> Response:
        dataset = dataset_get(user=request.user, dataset_id=dataset_id)
        dataset_delete(dataset=dataset, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _ready(request: Request, dataset_id: str) -> Dataset:
    dataset = dataset_get(user=request.user, dataset_id=dataset_id)
    if dataset.status != Dataset.Status.READY:
        raise Conflict(
            "dataset_not_ready",
            f"The dataset is {dataset.status}; its preview exists once it is ready.",
        )
    return dataset


class DatasetPreviewApi(APIView):
    class Thumbnail(serializers.Serializer):
        index = serializers.IntegerField()
        label = serializers.JSONField()
        split = serializers.CharField()
        url = serializers.CharField()

    class Output(serializers.Serializer):
        kind = serializers.ChoiceField(choices=["table", "array", "text", "images"])
        columns = serializers.ListField(child=serializers.CharField(), allow_null=True)
        rows = serializers.ListField(child=serializers.JSONField())
        thumbnails = serializers.ListField(child=serializers.DictField(), required=False)

    @extend_schema(responses=Output)
    def get(self, request: Request, dataset_id: str) -> Response:
        dataset = _ready(request, dataset_id)
        preview = dict(dataset.preview)
        preview["thumbnails"] = [
            thumbnail
            | {
                "url": reverse(
                    "dataset-thumbnail",
                    kwargs={"dataset_id": dataset.id, "index": thumbnail["index"]},
                    request=request,
                )
            }
            for thumbnail in preview.get("thumbnails", [])
        ]
        return Response(preview)


class DatasetThumbnailApi(APIView):
    @extend_schema(responses={(200, "image/png"): OpenApiResponse(description="A PNG image.")})
    def get(self, request: Request, dataset_id: str, index: int) -> FileResponse:
        dataset = _ready(request, dataset_id)
        known = {t["index"] for t in dataset.preview.get("thumbnails", [])}
        if index not in known:
            raise NotFound("Thumbnail")
        try:
            handle = default_storage.open(f"{preview_folder(dataset.id)}/{index}.png", "rb")
        except FileNotFoundError:
            raise NotFound("Thumbnail") from None
        response = FileResponse(handle, content_type="image/png")
        response["Cache-Control"] = "private, max-age=86400"
        return response

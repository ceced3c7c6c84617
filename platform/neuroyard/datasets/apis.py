"""Dataset endpoints: thin views that validate, call a service or selector, and serialize."""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from neuroyard.core.errors import Conflict, DomainError, NotFound
from neuroyard.core.pagination import PaginatedList, paginated
from neuroyard.datasets.models import Dataset
from neuroyard.datasets.resumable import (
    TUS_VERSION,
    PartialUpload,
    ResumedUpload,
    partial_upload_append,
    partial_upload_create,
    partial_upload_delete,
    partial_upload_finished,
    partial_upload_get,
)
from neuroyard.datasets.selectors import dataset_get, dataset_list
from neuroyard.datasets.services import (
    dataset_create,
    dataset_delete,
    detect_format,
    preview_folder,
)
from neuroyard.datasets.uploads import HashedUpload, HashingUploadHandler
from neuroyard_core.formats.options import COLOR_MODES, TASKS, IngestOptions

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


class DatasetOptionsInput(serializers.Serializer):
    """A dataset's name and ingestion options, whichever way its file comes."""

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


def _dataset_create(
    request: Request, upload: HashedUpload | ResumedUpload, values: dict[str, Any]
) -> tuple[Dataset, bool]:
    values = dict(values)
    name = values.pop("name", None) or upload.name
    fmt = values.pop("format", None)
    return dataset_create(
        owner=request.user,
        name=name,
        upload=upload,
        format=fmt,
        options=IngestOptions(**values),
    )


class DatasetListCreateApi(PaginatedList, APIView):
    parser_classes = [MultiPartParser, FormParser]

    class Input(DatasetOptionsInput):
        file = serializers.FileField(allow_empty_file=True, max_length=200)  # empty: dataset_empty

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
        dataset, created = _dataset_create(request, values.pop("file"), values)
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


def _tus_metadata(header: str) -> dict[str, str]:
    """`Upload-Metadata`: comma-separated `key base64(value)` pairs (tus 1.0)."""
    fields: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in header.split(","))):
        key, _, encoded = pair.partition(" ")
        try:
            fields[key] = base64.b64decode(encoded, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise DomainError(
                "malformed_request", f"Upload-Metadata: the value of '{key}' is not base64."
            ) from None
    return fields


def _header_int(request: Request, name: str) -> int:
    value = request.headers.get(name, "")
    if not value.isdigit():
        raise DomainError("malformed_request", f"The {name} header must be a whole number.")
    return int(value)


class TusApi(APIView):
    """What every tus endpoint shares: no body parsing, the protocol's headers on every
    answer, and its version checked on every request but OPTIONS."""

    parser_classes: list[type] = []

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if request.method != "OPTIONS" and request.headers.get("Tus-Resumable") != TUS_VERSION:
            raise DomainError(
                "tus_version_unsupported",
                f"Send 'Tus-Resumable: {TUS_VERSION}'; it is the tus version this server speaks.",
                status=412,
            )

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Tus-Resumable"] = TUS_VERSION
        response["Tus-Version"] = TUS_VERSION
        response["Cache-Control"] = "no-store"
        return response


def _upload_headers(upload: PartialUpload) -> dict[str, str]:
    headers = {"Upload-Offset": str(upload.offset), "Upload-Length": str(upload.length)}
    if upload.dataset:
        headers["Neuroyard-Dataset"] = upload.dataset
    return headers


class DatasetUploadCreateApi(TusApi):
    """Starts a resumable upload (tus creation): `Upload-Length` and `Upload-Metadata` with
    `filename` and, optionally, the dataset's name and options as in `POST /datasets/`."""

    @extend_schema(request=None, responses={204: None})
    def options(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(
            status=status.HTTP_204_NO_CONTENT,
            headers={
                "Tus-Extension": "creation,termination",
                "Tus-Max-Size": str(settings.NEUROYARD_MAX_UPLOAD_BYTES),
            },
        )

    @extend_schema(request=None, responses={201: None})
    def post(self, request: Request) -> Response:
        length = _header_int(request, "Upload-Length")
        fields = _tus_metadata(request.headers.get("Upload-Metadata", ""))
        filename = fields.pop("filename", "")
        if not filename:
            raise DomainError("malformed_request", "Upload-Metadata must name the 'filename'.")
        DatasetOptionsInput(data=fields).is_valid(raise_exception=True)
        detect_format(filename, fields.get("format"))  # refused now, not after the upload
        upload = partial_upload_create(
            owner=request.user, length=length, filename=filename, fields=fields
        )
        if length == 0:
            _upload_finish(request, upload)
        location = reverse("dataset-upload", kwargs={"upload_id": upload.id}, request=request)
        return Response(status=status.HTTP_201_CREATED, headers={"Location": location})


def _upload_finish(request: Request, upload: PartialUpload) -> Dataset:
    """The whole file is in: the same checks and ingestion as a multipart upload."""
    values = DatasetOptionsInput(data=upload.fields)
    values.is_valid(raise_exception=True)
    finished = partial_upload_finished(upload=upload)
    try:
        dataset, _ = _dataset_create(request, finished, dict(values.validated_data))
    except Exception:
        partial_upload_delete(upload=upload)
        raise
    finally:
        finished.close()
    upload.record_dataset(dataset.id)
    upload.data_path.unlink(missing_ok=True)  # local storage moved it; other storage copied it
    return dataset


class DatasetUploadApi(TusApi):
    """One resumable upload: HEAD says how far it is, PATCH sends the next bytes (the last one
    makes the dataset: `Neuroyard-Dataset` names it), DELETE abandons it."""

    @extend_schema(request=None, responses={200: None})
    def head(self, request: Request, upload_id: uuid.UUID) -> Response:
        upload = partial_upload_get(owner=request.user, upload_id=upload_id)
        return Response(status=status.HTTP_200_OK, headers=_upload_headers(upload))

    @extend_schema(
        request={"application/offset+octet-stream": bytes},
        responses={204: None, 409: OpenApiResponse(description="Not at Upload-Offset.")},
    )
    def patch(self, request: Request, upload_id: uuid.UUID) -> Response:
        if request.content_type != "application/offset+octet-stream":
            raise DomainError(
                "unsupported_media_type",
                "Send the bytes as 'Content-Type: application/offset+octet-stream'.",
                status=415,
            )
        offset = _header_int(request, "Upload-Offset")
        upload = partial_upload_get(owner=request.user, upload_id=upload_id)
        new_offset = partial_upload_append(upload=upload, offset=offset, stream=request.stream)
        if new_offset == upload.length:
            _upload_finish(request, upload)
            upload = partial_upload_get(owner=request.user, upload_id=upload_id)
        return Response(status=status.HTTP_204_NO_CONTENT, headers=_upload_headers(upload))

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, upload_id: uuid.UUID) -> Response:
        upload = partial_upload_get(owner=request.user, upload_id=upload_id)
        partial_upload_delete(upload=upload)
        return Response(status=status.HTTP_204_NO_CONTENT)

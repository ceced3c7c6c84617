"""OpenAPI component names for the nested Input/Output serializers every API view declares.

drf-spectacular names a component after its class, so the many `Input` and `Output` classes
would collide into one; here `MeApi.Output` becomes `MeOutput`, which typed clients rely on.
"""

from collections.abc import Sequence
from typing import Any, Literal

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class NeuroyardAutoSchema(AutoSchema):
    def get_serializer_name(
        self, serializer: Any, direction: Literal["request", "response"]
    ) -> str:
        cls = type(serializer)
        outer, _, inner = cls.__qualname__.rpartition(".")
        if not outer or "<locals>" in outer:
            return super().get_serializer_name(serializer, direction)
        return outer.split(".")[-1].removesuffix("Api") + inner


class ApiError(serializers.Serializer):
    """Every error the API answers: a stable code, a sentence for a person, and details."""

    code = serializers.CharField()
    message = serializers.CharField()
    details = serializers.JSONField()


# What any operation may answer besides its own responses (neuroyard.core.errors maps each).
ERRORS = {
    400: "The request is invalid: `code` says how (invalid_input, invalid_params, ...).",
    401: "Not logged in, or the token expired (authentication_failed).",
    403: "Logged in but not allowed, or a session request without its CSRF token.",
    404: "No such object, or another user's (not_found).",
    412: "A resumable-upload (tus) request without the Tus-Resumable version it speaks.",
    409: "The object is not in a state that allows it (a dataset not ready, a job ended).",
    413: "The request body, an upload or the images of a prediction are too large.",
    429: "Too many attempts (throttled): Retry-After says when to try again.",
}
UNSUPPORTED_MEDIA_TYPE = (
    "The body's Content-Type is none this operation reads (unsupported_media_type)."
)


class ErrorsDocumentedAutoSchema(NeuroyardAutoSchema):
    """Documents the API's error shape under every 4xx an operation can answer."""

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for status, description in ERRORS.items():
            if str(status) not in responses:
                responses[str(status)] = self._get_response_for_code(
                    OpenApiResponse(ApiError, description=description), str(status)
                )
        return responses

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        """An operation that reads a body answers 415 for a media type none of its parsers
        reads (DRF's UnsupportedMediaType, or the operation's own check)."""
        operation: dict[str, Any] | None = super().get_operation(*args, **kwargs)
        if operation and "requestBody" in operation and "415" not in operation["responses"]:
            operation["responses"]["415"] = self._get_response_for_code(
                OpenApiResponse(ApiError, description=UNSUPPORTED_MEDIA_TYPE), "415"
            )
        return operation


def download_responses(media_types: Sequence[str]) -> dict[Any, Any]:
    """A file download's 200 (whole) and 206 (the `Range` asked for), as each media type,
    and its 416 (a `Range` outside the file)."""
    responses: dict[Any, Any] = {
        (status, media_type): OpenApiResponse(OpenApiTypes.BINARY, description=description)
        for status, description in ((200, "The file."), (206, "The part of it asked for."))
        for media_type in media_types
    }
    responses[416] = OpenApiResponse(
        description="The `Range` asked for is outside the file (Content-Range: bytes */size)."
    )
    return responses

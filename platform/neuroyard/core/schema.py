"""OpenAPI component names for the nested Input/Output serializers every API view declares.

drf-spectacular names a component after its class, so the many `Input` and `Output` classes
would collide into one; here `MeApi.Output` becomes `MeOutput`, which typed clients rely on.
"""

from typing import Any, Literal

from drf_spectacular.openapi import AutoSchema
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

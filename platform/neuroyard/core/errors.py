"""The mapping of coded errors (`neuroyard_core.errors`) to HTTP, in one place.

Every error the API returns has the same body: ``{"code", "message", "details"}``. ``code`` is
stable (clients branch on it), ``message`` is a sentence for a person.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404
from rest_framework import exceptions as drf
from rest_framework.response import Response

from neuroyard_core.errors import CodedError, Conflict, NotFound

__all__ = ["CodedError", "Conflict", "DomainError", "NotFound", "api_exception_handler"]

log = logging.getLogger(__name__)


# The web's name for the shared base: every service raises these.
DomainError = CodedError


def _body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"code": code, "message": message, "details": details or {}}


def _flatten(detail: Any, prefix: str = "") -> list[str]:
    if isinstance(detail, dict):
        out: list[str] = []
        for key, value in detail.items():
            name = key if key != "non_field_errors" else ""
            out += _flatten(value, f"{prefix}.{name}".strip(".") if name else prefix)
        return out
    if isinstance(detail, list):
        return [m for item in detail for m in _flatten(item, prefix)]
    return [f"{prefix}: {detail}" if prefix else str(detail)]


_DRF_CODES: dict[type[drf.APIException], str] = {
    drf.ParseError: "malformed_request",
    drf.NotAuthenticated: "not_authenticated",
    drf.AuthenticationFailed: "authentication_failed",
    drf.PermissionDenied: "permission_denied",
    drf.NotFound: "not_found",
    drf.MethodNotAllowed: "method_not_allowed",
    drf.NotAcceptable: "not_acceptable",
    drf.UnsupportedMediaType: "unsupported_media_type",
    drf.Throttled: "throttled",
}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    if isinstance(exc, DomainError):
        return Response(_body(exc.code, exc.message, exc.details), status=exc.status)
    if isinstance(exc, Http404):
        return Response(_body("not_found", "Not found."), status=404)
    if isinstance(exc, RequestDataTooBig):
        return Response(_body("too_large", f"The request body is too large: {exc}"), status=413)
    if isinstance(exc, SuspiciousOperation):  # too many fields or files, a bad multipart body
        return Response(_body("malformed_request", f"The request was refused: {exc}"), status=400)
    if isinstance(exc, DjangoPermissionDenied):
        exc = drf.PermissionDenied()
    if isinstance(exc, drf.ValidationError):
        messages = _flatten(exc.detail)
        return Response(
            _body("invalid_input", "; ".join(messages) or "Invalid input.", exc.detail),
            status=400,
        )
    if isinstance(exc, drf.APIException):
        code = next((c for t, c in _DRF_CODES.items() if isinstance(exc, t)), "error")
        message = str(exc.detail)
        if isinstance(exc, drf.ParseError):
            code, message = "malformed_request", f"The request body could not be parsed: {message}"
        response = Response(_body(code, message), status=exc.status_code)
        if getattr(exc, "auth_header", None):
            response["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
        if getattr(exc, "wait", None):
            response["Retry-After"] = str(int(exc.wait))  # type: ignore[attr-defined]
        return response
    log.exception("unhandled error in %s", context.get("view"))
    return Response(
        _body("internal_error", "Something went wrong on our side; the error was logged."),
        status=500,
    )

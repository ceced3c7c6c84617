"""Django's error pages for requests that never reach a DRF view (an unknown or malformed
`/api/` path, a refused Host, a failure in middleware): in the API's JSON shape under `/api/`,
Django's plain pages elsewhere. Never a traceback: DEBUG is off unless a developer turns it on.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults


def _api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _json(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "details": {}}, status=status)


def bad_request(request: HttpRequest, exception: Exception, **kwargs: Any) -> HttpResponse:
    if _api(request):
        return _json(400, "bad_request", "The request was refused as malformed or unsafe.")
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception, **kwargs: Any) -> HttpResponse:
    if _api(request):
        return _json(403, "permission_denied", "You may not do this.")
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception, **kwargs: Any) -> HttpResponse:
    if _api(request):
        return _json(404, "not_found", "Not found: no API endpoint or object at this path.")
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    if _api(request):
        return _json(
            500, "internal_error", "Something went wrong on our side; the error was logged."
        )
    return defaults.server_error(request)

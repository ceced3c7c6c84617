"""The answer to a login while its username and address are locked out (django-axes counts the
failures): the API's error shape, 429 `throttled`, with Retry-After, on every login path."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off
from django.http import HttpRequest, JsonResponse


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: dict[str, Any] | None = None
) -> JsonResponse:
    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds()) if cool_off else 3600
    response = JsonResponse(
        {
            "code": "throttled",
            "message": f"Too many failed logins for this username from this address; try again "
            f"in {seconds} seconds.",
            "details": {"retry_after_seconds": seconds},
        },
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response

"""Neuroyard's URLs plus `/bench/reference/`: a trivial JSON view, the web tier's reference."""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path


def reference(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("bench/reference/", reference),
    path("", include("neuroyard.config.urls")),
]

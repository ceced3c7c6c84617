from typing import Any

from django.db.models import QuerySet
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.settings import api_settings
from rest_framework.views import APIView


class PaginatedList:
    """Mixed into an APIView whose GET answers `paginated(...)`: the view names its paginator,
    so the OpenAPI schema documents the page (`count`, `next`, `previous`, `results`) and the
    `limit` / `offset` parameters rather than a bare array."""

    pagination_class: type[BasePagination] = api_settings.DEFAULT_PAGINATION_CLASS


def paginated(
    request: Request, view: APIView, queryset: QuerySet[Any], serializer: type[Serializer]
) -> Response:
    paginator = getattr(view, "pagination_class", api_settings.DEFAULT_PAGINATION_CLASS)()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer(page, many=True).data)

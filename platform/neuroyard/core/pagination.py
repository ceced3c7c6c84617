from typing import Any

from django.db.models import QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination, LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.settings import api_settings
from rest_framework.views import APIView


class StrictLimitOffsetPagination(LimitOffsetPagination):
    """`limit` and `offset` are whole numbers or absent: `?offset=null` is a 400, not page one."""

    def get_limit(self, request: Request) -> int | None:
        self._check(request, self.limit_query_param)
        return super().get_limit(request)

    def get_offset(self, request: Request) -> int:
        self._check(request, self.offset_query_param)
        return super().get_offset(request)

    @staticmethod
    def _check(request: Request, name: str) -> None:
        value = request.query_params.get(name)
        if value is not None and not (value.isascii() and value.isdigit()):
            raise ValidationError({name: "must be a whole number of 0 or more"})


class PaginatedList:
    """Mixed into an APIView whose GET answers `paginated(...)`: the view names its paginator,
    so the OpenAPI schema documents the page (`count`, `next`, `previous`, `results`) and the
    `limit` / `offset` parameters rather than a bare array."""

    pagination_class: type[BasePagination] = StrictLimitOffsetPagination


def paginated(
    request: Request, view: APIView, queryset: QuerySet[Any], serializer: type[Serializer]
) -> Response:
    paginator = getattr(view, "pagination_class", api_settings.DEFAULT_PAGINATION_CLASS)()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer(page, many=True).data)

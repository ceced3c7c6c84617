"""List pages: keyset (cursor) pages for the tables that grow without bound, limit/offset for
short ones.

A cursor page costs the same at row 90,000 as at row 0: it asks for the rows after the last one
it showed, newest first, through an index on (owner, created_at, id), instead of counting past an
offset. Rows added while a client pages on never shift it: each row is shown exactly once.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination, LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

# `count` is exact up to this many rows and this number beyond (`count_exact` says which): an
# exact count of 100,000 rows costs more than the page itself, a bounded one costs little.
COUNT_CAP = 1000
MAX_LIMIT = 500


def _whole_number(request: Request, name: str) -> int | None:
    value = request.query_params.get(name)
    if value is None:
        return None
    if not (value.isascii() and value.isdigit()):
        raise ValidationError({name: "must be a whole number of 0 or more"})
    return int(value)


# The order of a cursor page: (field, descending) pairs ending in a unique one. Newest first
# unless the list asks for another order (`paginated(..., order=...)`), created_at and id then
# breaking ties.
Order = Sequence[tuple[str, bool]]
NEWEST_FIRST: Order = (("created_at", True), ("id", True))


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _decode_value(field: str, value: Any) -> Any:
    if field == "created_at":
        return datetime.fromisoformat(value)
    if field == "id":
        return uuid.UUID(value)
    if value is not None and not isinstance(value, str | int | float):
        raise ValueError(field)
    return value


def cursor_for(
    created_at: datetime, pk: object, *, backwards: bool = False, before: Sequence[Any] = ()
) -> str:
    """The cursor of the page after (or, backwards, before) the row (…before, created_at, pk)."""
    position = [*(_encode(v) for v in before), created_at.isoformat(), str(pk), backwards]
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")


def _beyond(order: Order, values: Sequence[Any], *, backwards: bool) -> Q:
    """The rows after `values` in `order` (before them, backwards): a keyset condition, with the
    first field's bound alone as well, so the database walks its index from there."""

    def past(i: int) -> Q:
        field, descending = order[i]
        after = Q(**{f"{field}__{'lt' if descending != backwards else 'gt'}": values[i]})
        if i == len(order) - 1:
            return after
        return after | (Q(**{field: values[i]}) & past(i + 1))

    first, descending = order[0]
    bound = Q(**{f"{first}__{'lte' if descending != backwards else 'gte'}": values[0]})
    return bound & past(0)


class StrictLimitOffsetPagination(LimitOffsetPagination):
    """`limit` and `offset` are whole numbers or absent: `?offset=null` is a 400, not page one."""

    def get_limit(self, request: Request) -> int | None:
        _whole_number(request, self.limit_query_param)
        return super().get_limit(request)

    def get_offset(self, request: Request) -> int:
        _whole_number(request, self.offset_query_param)
        return super().get_offset(request)


class CursorPage(BasePagination):
    """Newest first by (created_at, id); `?limit=` rows a page, `next`/`previous` are URLs
    with an opaque `cursor`. The answer keeps the shape of the offset pages: `count`,
    `next`, `previous`, `results`, plus `count_exact` (see COUNT_CAP)."""

    cursor_query_param = "cursor"
    limit_query_param = "limit"
    default_limit = 50
    order: Order = NEWEST_FIRST

    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: APIView | None = None
    ) -> list[Any]:
        self.request = request
        limit = _whole_number(request, self.limit_query_param)
        self.limit = min(max(limit, 1), MAX_LIMIT) if limit is not None else self.default_limit
        position, backwards = self._decode(request.query_params.get(self.cursor_query_param))
        capped = queryset.order_by()[: COUNT_CAP + 1].count()
        self.count, self.count_exact = min(capped, COUNT_CAP), capped <= COUNT_CAP
        forwards = [f"-{f}" if desc else f for f, desc in self.order]
        if position is None:
            rows = list(queryset.order_by(*forwards)[: self.limit + 1])
        elif not backwards:
            after = queryset.filter(_beyond(self.order, position, backwards=False))
            rows = list(after.order_by(*forwards)[: self.limit + 1])
        else:
            before = queryset.filter(_beyond(self.order, position, backwards=True))
            reverse = [f"{f}" if desc else f"-{f}" for f, desc in self.order]
            rows = list(before.order_by(*reverse)[: self.limit + 1])
        more = len(rows) > self.limit
        rows = rows[: self.limit]
        if backwards:
            rows.reverse()
            self.has_next, self.has_previous = True, more
        else:
            self.has_next, self.has_previous = more, position is not None
        self.rows = rows
        return rows

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "count": self.count,
                "count_exact": self.count_exact,
                "next": self._link(-1, backwards=False) if self.has_next else None,
                "previous": self._link(0, backwards=True) if self.has_previous else None,
                "results": data,
            }
        )

    def _link(self, index: int, *, backwards: bool) -> str:
        url = self.request.build_absolute_uri()
        if not self.rows:  # an empty page past the end (rows deleted): back to the first page
            return remove_query_param(url, self.cursor_query_param)
        row = self.rows[index]
        before = [getattr(row, field) for field, _ in self.order[:-2]]
        token = cursor_for(row.created_at, row.pk, backwards=backwards, before=before)
        return replace_query_param(url, self.cursor_query_param, token)

    def _decode(self, token: str | None) -> tuple[list[Any] | None, bool]:
        if not token:
            return None, False
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            *values, backwards = json.loads(raw)
            if len(values) != len(self.order):  # a cursor of another order (or none of ours)
                raise ValueError(token)
            fields = [field for field, _ in self.order]
            return [_decode_value(f, v) for f, v in zip(fields, values, strict=True)], bool(
                backwards
            )
        except (ValueError, TypeError, binascii.Error):
            raise ValidationError({"cursor": "is not a cursor this server gave"}) from None

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "The page after (or before) another: take it from next/previous.",
                "schema": {"type": "string"},
            },
            {
                "name": self.limit_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows a page (default {self.default_limit}, at most {MAX_LIMIT}).",
                "schema": {"type": "integer"},
            },
        ]

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["count", "count_exact", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "description": f"The rows in the list, exact up to {COUNT_CAP}.",
                },
                "count_exact": {
                    "type": "boolean",
                    "description": f"False when there are more than {COUNT_CAP} (count says "
                    f"{COUNT_CAP}).",
                },
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }


class PaginatedList:
    """Mixed into an APIView whose GET answers `paginated(...)`: the view names its paginator,
    so the OpenAPI schema documents the page and its parameters rather than a bare array."""

    pagination_class: type[BasePagination] = CursorPage


def paginated(
    request: Request,
    view: APIView,
    queryset: QuerySet[Any],
    serializer: type[Serializer],
    *,
    context: Callable[[Sequence[Any]], dict[str, Any]] | None = None,
    order: Order | None = None,
) -> Response:
    """One page of `queryset`; `context` gives the serializer what it needs for the whole page
    at once (one query for the page rather than one per row). `order`: a cursor page's order
    other than newest first, (field, descending) pairs, each field an attribute of the rows
    (annotate it), never null (Coalesce it), created_at and id last."""
    paginator = getattr(view, "pagination_class", CursorPage)()
    if order is not None:
        if not isinstance(paginator, CursorPage) or [f for f, _ in order[-2:]] != [
            "created_at",
            "id",
        ]:
            raise TypeError("an order is for cursor pages, ending in created_at and id")
        paginator.order = order
    page = paginator.paginate_queryset(queryset, request, view=view)
    extra = context(page) if context is not None else {}
    return paginator.get_paginated_response(serializer(page, many=True, context=extra).data)

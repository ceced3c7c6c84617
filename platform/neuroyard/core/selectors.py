"""Owner scoping shared by every selector: users see their own rows, staff see all."""

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Model, QuerySet

from neuroyard.core.errors import NotFound

M = TypeVar("M", bound=Model)


def owned_by(queryset: QuerySet[M], user: Any) -> QuerySet[M]:
    return queryset if user.is_staff else queryset.filter(owner=user)


def get_owned(queryset: QuerySet[M], user: Any, pk: object, *, what: str) -> M:
    """The row, or NotFound: someone else's row answers exactly like a missing one."""
    try:
        return owned_by(queryset, user).get(pk=pk)
    except (ObjectDoesNotExist, ValidationError, ValueError):
        raise NotFound(what) from None

"""Owner scoping shared by every selector: users see their own rows, staff see all."""

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Model, QuerySet

from neuroyard.core.errors import NotFound

M = TypeVar("M", bound=Model)


def loaded(model: type[M], values: dict[str, Any]) -> M:
    """An instance as the database gives it with only these fields (attnames), the others
    deferred: they load when something reads them. from_db wants the model's field order."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(None, names, [values[name] for name in names])


def owned_by(queryset: QuerySet[M], user: Any) -> QuerySet[M]:
    return queryset if user.is_staff else queryset.filter(owner=user)


def get_owned(queryset: QuerySet[M], user: Any, pk: object, *, what: str) -> M:
    """The row, or NotFound: someone else's row answers exactly like a missing one."""
    try:
        return owned_by(queryset, user).get(pk=pk)
    except (ObjectDoesNotExist, ValidationError, ValueError):
        raise NotFound(what) from None

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


def visible_owner(user: Any) -> Any | None:
    """Whose rows the user sees: their own, or everyone's (None) for staff. The one home of the
    rule; a query written out by hand asks it too (jobs.selectors.job_get)."""
    return None if user.is_staff else user


def owned_by(queryset: QuerySet[M], user: Any) -> QuerySet[M]:
    owner = visible_owner(user)
    return queryset if owner is None else queryset.filter(owner=owner)


def get_owned(queryset: QuerySet[M], user: Any, pk: object, *, what: str) -> M:
    """The row, or NotFound: someone else's row answers exactly like a missing one."""
    try:
        return owned_by(queryset, user).get(pk=pk)
    except (ObjectDoesNotExist, ValidationError, ValueError):
        raise NotFound(what) from None

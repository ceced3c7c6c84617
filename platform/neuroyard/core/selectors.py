"""Owner scoping shared by every selector: users see their own rows, staff see all."""

import uuid
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import connection
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


# Written-out queries (the hottest reads: jobs.selectors.job_get, registry.selectors
# model_for_prediction) name tables and columns through these, quoted for the database.


def sql_table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def sql_pk(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.pk.column)  # type: ignore[union-attr]


def sql_columns(model: type[Model], alias: str, *, without: tuple[str, ...] = ()) -> str:
    """`alias."column", ...` for the model's columns but those of the fields named `without`
    (left deferred on the instances raw() makes: they load if something reads them)."""
    quote = connection.ops.quote_name
    fields = model._meta.concrete_fields
    return ", ".join(f"{alias}.{quote(f.column)}" for f in fields if f.name not in without)


def get_owned_raw(model: type[M], sql: str, user: Any, pk: object, *, what: str) -> M:
    """get_owned for a written-out query: `sql` selects from the model's table as `t`, its
    WHERE ends on `t`'s primary key = %s; the owner's condition is added here."""
    try:
        params = [model._meta.pk.get_db_prep_value(uuid.UUID(str(pk)), connection)]  # type: ignore[union-attr]
    except ValueError:
        raise NotFound(what) from None
    if (owner := visible_owner(user)) is not None:
        sql, params = (
            f"{sql} AND t.{connection.ops.quote_name('owner_id')} = %s",
            [*params, owner.pk],
        )
    found = list(model._default_manager.raw(sql, params))
    if not found:
        raise NotFound(what)
    return found[0]

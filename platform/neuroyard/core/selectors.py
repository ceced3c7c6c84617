"""Owner scoping shared by every selector: users see their own rows, staff see all."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import connection, connections
from django.db.models import Field, Model, QuerySet

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
    """`alias."column", ...` for the model's columns but those of the fields named `without`,
    in the order get_owned_raw reads them."""
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(f.column)}" for f in _selected(model, without))


def _selected(model: type[Model], without: tuple[str, ...]) -> list[Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if f.name not in without]


def get_owned_raw(
    model: type[M],
    sql: str,
    user: Any,
    pk: object,
    *,
    what: str,
    without: tuple[str, ...] = (),
    extra: tuple[str, ...] = (),
) -> M:
    """get_owned for a written-out query: `sql` selects `sql_columns(model, "t", without=...)`
    and then the values named `extra` (set as attributes), from the model's table as `t`; its
    WHERE ends on `t`'s primary key = %s, and the owner's condition is added here. The fields
    `without` are left deferred (they load if something reads them).

    The row is read and made an instance here, as the ORM would (the database's converters,
    Model.from_db), without a RawQuerySet: that matched its columns to the model's fields by
    name at every call, a third of a job detail's CPU (issue 13)."""
    try:
        params = [model._meta.pk.get_db_prep_value(uuid.UUID(str(pk)), connection)]  # type: ignore[union-attr]
    except ValueError:
        raise NotFound(what) from None
    if (owner := visible_owner(user)) is not None:
        sql, params = (
            f"{sql} AND t.{connection.ops.quote_name('owner_id')} = %s",
            [*params, owner.pk],
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        raise NotFound(what)
    wrapper = connections[connection.alias]
    names, converters = _reading(wrapper, model, without)
    values = list(row[: len(names)])
    for index, convert, expression in converters:
        values[index] = convert(values[index], expression, wrapper)
    instance = model.from_db(connection.alias, names, values)
    for name, value in zip(extra, row[len(names) :], strict=True):
        setattr(instance, name, value)
    return instance


_Converter = tuple[int, Callable[[Any, Any, Any], Any], Any]
_readings: WeakKeyDictionary[Any, dict[Any, tuple[list[str], list[_Converter]]]] = (
    WeakKeyDictionary()
)


def _reading(
    wrapper: Any, model: type[Model], without: tuple[str, ...]
) -> tuple[list[str], list[_Converter]]:
    """The attnames get_owned_raw reads and the converters of their values, as the ORM's
    compiler finds them (the backend's, then the field's), once per thread's connection."""
    known = _readings.setdefault(wrapper, {})
    if (model, without) not in known:
        fields = _selected(model, without)
        converters = []
        for index, field in enumerate(fields):
            column = field.get_col(model._meta.db_table)
            for convert in wrapper.ops.get_db_converters(column) + column.get_db_converters(
                wrapper
            ):
                converters.append((index, convert, column))
        known[(model, without)] = ([f.attname for f in fields], converters)
    return known[(model, without)]

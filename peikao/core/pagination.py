"""Keyset pagination for long lists, on pages and in the API.

A page is the rows that follow the last row shown, in the list's own order: the database reads
them through the index of that order, however deep the page, and no exact COUNT of a big table
is run. The cursor is the ordering values of the last row shown; a page knows whether another
follows by reading one row more than it shows.
"""

import base64
import binascii
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import reduce
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connections
from django.db.models import F, Q, QuerySet
from django.db.models import Field as ModelField
from django.db.models.fields.tuple_lookups import (  # Django's row values (composite keys)
    Tuple,
    TupleGreaterThan,
    TupleGreaterThanOrEqual,
    TupleLessThan,
    TupleLessThanOrEqual,
)
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination, PaginationBase

from peikao.core.api_types import Text

CURSOR_PARAMETER = "after"


@dataclass(frozen=True)
class KeysetPage:
    rows: list
    next_cursor: str | None
    is_first: bool

    def __iter__(self) -> Iterator:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class _Key:
    """One field of the list's order: its path (`room__name` crosses a relation), its direction,
    where the database puts its NULLs (None for a field that holds none), and the model field
    at the end of the path (None for an annotation)."""

    path: str
    descending: bool
    nulls_after: bool | None
    field: ModelField | None

    def value(self, row: Any) -> Any:
        return reduce(getattr, self.path.split("__"), row)

    def read(self, value: Any) -> Any:
        """A cursor's value as the field holds it; ValidationError for one it cannot hold (the
        database would refuse it only once the page is read)."""
        if value is None:
            if self.nulls_after is None:
                raise ValidationError("NULL in a field that holds none")
            return None
        if self.field is None:
            return value
        target = getattr(self.field, "target_field", None) or self.field  # a key: the id's field
        typed = target.to_python(value)
        target.run_validators(typed)  # for ids, the integer range of the database
        return typed


def _ordering(queryset: QuerySet) -> list[_Key]:
    """The list's order; the last field must be unique (the primary key) for a stable cut."""
    order = queryset.query.order_by or queryset.model._meta.ordering
    paths = [(name.lstrip("-"), name.startswith("-")) for name in order if isinstance(name, str)]
    if len(paths) != len(order) or paths[-1][0] not in ("id", "pk"):
        raise ValueError("keyset pagination needs an ordering of field names ending in id")
    # Each database keeps its own place for NULLs (PostgreSQL after the values, SQLite before),
    # as the index serving the order does: the cut follows it rather than forcing one.
    largest = connections[queryset.db].features.nulls_order_largest
    keys = []
    for path, descending in paths:
        field, nullable = _field_at(queryset, path)
        keys.append(_Key(path, descending, largest != descending if nullable else None, field))
    return keys


def _field_at(queryset: QuerySet, path: str) -> tuple[ModelField | None, bool]:
    """The field at the end of the path, and whether one on the way may be NULL; an annotation
    has no field and is taken to hold no NULL."""
    model, field, nullable = queryset.model, None, False
    for name in path.split("__"):
        try:
            field = model._meta.pk if name == "pk" else model._meta.get_field(name)
        except FieldDoesNotExist:
            return None, False
        nullable = nullable or field.null
        model = field.related_model or model
    return field, nullable


def _exact(value: Any) -> Any:
    """A value as JSON can carry it, to the microsecond (DjangoJSONEncoder keeps milliseconds,
    which would skip or repeat rows made within the same millisecond)."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _encode(values: list) -> str:
    """URL-safe base64 without its padding, so that a link carries the cursor as it is."""
    data = json.dumps([_exact(value) for value in values]).encode()
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _decode(cursor: str, width: int) -> list | None:
    """The cursor's values, or None for anything that is not a cursor of this list (a tampered
    or stale link shows the first page rather than an error)."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, UnicodeError):
        return None
    return values if isinstance(values, list) and len(values) == width else None


def _beyond(key: _Key, value: Any) -> Q | None:
    """Rows past `value` in one field, NULLs included where the database puts them after it;
    None when nothing can follow (a NULL that comes last)."""
    if value is None:
        return None if key.nulls_after else Q(**{f"{key.path}__isnull": False})
    beyond = Q(**{f"{key.path}__{'lt' if key.descending else 'gt'}": value})
    return beyond | Q(**{f"{key.path}__isnull": True}) if key.nulls_after else beyond


def _leading_run(keys: list[_Key]) -> list[_Key]:
    """The first fields of the order that go one way and hold no NULL: their values compare as
    one row value."""
    run = []
    for key in keys:
        if key.nulls_after is not None or key.descending != keys[0].descending:
            break
        run.append(key)
    return run


def _row_past(run: list[_Key], values: list, *, or_equal: bool) -> Q:
    """Rows past (or at) the cursor in these fields, compared as one row value."""
    if len(run) == 1:
        comparison = ("lt" if run[0].descending else "gt") + ("e" if or_equal else "")
        return Q(**{f"{run[0].path}__{comparison}": values[0]})
    lookup = {
        (False, False): TupleGreaterThan,
        (False, True): TupleGreaterThanOrEqual,
        (True, False): TupleLessThan,
        (True, True): TupleLessThanOrEqual,
    }[run[0].descending, or_equal]
    return Q(lookup(Tuple(*(F(key.path) for key in run)), values[: len(run)]))


def _first_differing(keys: list[_Key], values: list) -> Q:
    """Rows past the cursor in the first field that differs, NULLs where the database puts
    them."""
    after = Q()
    for position, key in enumerate(keys):
        beyond = _beyond(key, values[position])
        if beyond is not None:
            equal_before = {earlier.path: values[i] for i, earlier in enumerate(keys[:position])}
            after |= Q(**equal_before) & beyond
    return after


def _after(keys: list[_Key], values: list) -> Q:
    """Rows after the cursor."""
    run = _leading_run(keys)
    if len(run) == len(keys):
        after = _row_past(keys, values, or_equal=False)
    else:
        after = _first_differing(keys, values)
        if len(run) > 1:
            after &= _row_past(run, values, or_equal=True)
    if run and len(keys) > 1:
        # Implied by the rest, they let the database start reading the index at the cursor:
        # PostgreSQL by the row of the leading fields, SQLite (which compares rows as nested
        # ORs) by the first field.
        after &= _row_past(run[:1], values, or_equal=True)
    return after


def keyset_page(queryset: QuerySet, *, cursor: str | None, size: int) -> KeysetPage:
    keys = _ordering(queryset)
    values = _decode(cursor, len(keys)) if cursor else None
    if values is not None:
        try:
            values = [key.read(value) for key, value in zip(keys, values, strict=True)]
            queryset = queryset.filter(_after(keys, values))
        except (ValueError, TypeError, ValidationError):
            values = None  # values of the wrong type for their fields: the first page
    rows = list(queryset[: size + 1])
    has_next = len(rows) > size
    rows = rows[:size]
    next_cursor = _encode([key.value(rows[-1]) for key in keys]) if has_next else None
    return KeysetPage(rows=rows, next_cursor=next_cursor, is_first=values is None)


def keyset_page_of_request(request, queryset: QuerySet, *, size: int) -> KeysetPage:
    return keyset_page(queryset, cursor=request.GET.get(CURSOR_PARAMETER), size=size)


class KeysetPagination(PaginationBase):
    """For ninja: `{"items": [...], "next": cursor or null}`; pass `?after=<next>` for the next
    page. `rows_shown` (optional) completes the rows of the page only, e.g. with counts that
    would cost too much for every row of the list."""

    class Input(Schema):
        limit: int = Field(
            settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT
        )
        after: Text | None = None

    class Output(Schema):
        items: list[Any]
        next: str | None

    items_attribute = "items"

    def __init__(self, *, rows_shown: Callable[[list], None] | None = None, **kwargs: Any):
        self.rows_shown = rows_shown
        super().__init__(**kwargs)

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        size = min(pagination.limit, settings.NINJA_PAGINATION_MAX_LIMIT)
        page = keyset_page(queryset, cursor=pagination.after, size=size)
        if self.rows_shown is not None:
            self.rows_shown(page.rows)
        return {"items": page.rows, "next": page.next_cursor}


# An offset as far as the database can count, with room for the page that follows it.
LARGEST_OFFSET = 2**63 - 1 - settings.NINJA_PAGINATION_MAX_LIMIT


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    """ninja's `limit`/`offset` (the default of `@paginate`, NINJA_PAGINATION_CLASS), with an
    offset the databases can read: beyond it, a Chinese 422 rather than an overflow."""

    class Input(Schema):
        limit: int = Field(
            settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT
        )
        offset: int = Field(0, ge=0, le=LARGEST_OFFSET)

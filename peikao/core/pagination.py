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
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

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


def _ordering(queryset: QuerySet) -> list[tuple[str, bool]]:
    """(field, descending) pairs; the last must be unique (the primary key) for a stable cut."""
    order = queryset.query.order_by or queryset.model._meta.ordering
    fields = [(name.lstrip("-"), name.startswith("-")) for name in order if isinstance(name, str)]
    if len(fields) != len(order) or fields[-1][0] not in ("id", "pk"):
        raise ValueError("keyset pagination needs an ordering of field names ending in id")
    return fields


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


def _after(fields: list[tuple[str, bool]], values: list) -> Q:
    """Rows after the cursor: greater in the first field that differs (smaller if descending)."""
    after = Q()
    for position, (name, descending) in enumerate(fields):
        equal_before = {earlier: values[i] for i, (earlier, _) in enumerate(fields[:position])}
        after |= Q(**equal_before, **{f"{name}__{'lt' if descending else 'gt'}": values[position]})
    return after


def keyset_page(queryset: QuerySet, *, cursor: str | None, size: int) -> KeysetPage:
    fields = _ordering(queryset)
    values = _decode(cursor, len(fields)) if cursor else None
    if values is not None:
        try:
            queryset = queryset.filter(_after(fields, values))
        except (ValueError, TypeError, ValidationError):
            values = None  # values of the wrong type for their fields: the first page
    rows = list(queryset[: size + 1])
    has_next = len(rows) > size
    rows = rows[:size]
    next_cursor = _encode([getattr(rows[-1], name) for name, _ in fields]) if has_next else None
    return KeysetPage(rows=rows, next_cursor=next_cursor, is_first=values is None)


def keyset_page_of_request(request, queryset: QuerySet, *, size: int) -> KeysetPage:
    return keyset_page(queryset, cursor=request.GET.get(CURSOR_PARAMETER), size=size)


class KeysetPagination(PaginationBase):
    """For ninja: `{"items": [...], "next": cursor or null}`; pass `?after=<next>` for the next
    page. `rows_shown` (optional) completes the rows of the page only, e.g. with counts that
    would cost too much for every row of the list."""

    class Input(Schema):
        limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1)
        after: str | None = None

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

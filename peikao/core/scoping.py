"""Fetching one row for an actor: a row that is missing and a row the actor may not see give
the same answer, so that nobody learns that something exists by guessing ids."""

from typing import Any, cast

from django.db.models import Model, QuerySet

from peikao.core.errors import NotFound

# Ids beyond a signed 64-bit integer cannot exist; the database would refuse to compare them.
LARGEST_ID = 2**63 - 1


def id_of(text: str) -> int | None:
    """An id as a page sends it (a filter, a pick): ASCII digits only, since int() refuses the
    superscript digits that str.isdigit() lets through; None for anything else."""
    return int(text) if text.isascii() and text.isdigit() else None


def not_found(model: type[Model]) -> NotFound:
    return NotFound(f"未找到该{model._meta.verbose_name}，或不在您的管辖范围内。")


def get_visible(queryset: QuerySet, actor, pk, *, for_update: bool = False):
    """The row with this primary key among those `queryset.visible_to(actor)` shows, locked for
    the change when `for_update` is set (its own row only, never the joined ones)."""
    if isinstance(pk, bool) or not isinstance(pk, int) or not 0 < pk <= LARGEST_ID:
        raise not_found(queryset.model)
    rows = cast(Any, queryset).visible_to(actor).filter(pk=pk)
    if for_update:
        rows = rows.select_for_update(of=("self",))
    found = rows.first()
    if found is None:
        raise not_found(queryset.model)
    return found

"""The values the API takes, bounded as the databases can hold them (dates and times as
core/bounds.py says), so that a value out of range is refused with a Chinese 422 naming the
field (core/api_errors.py), never met first by PostgreSQL or SQLite as a 500. Every input schema
and parameter uses these types, and the OpenAPI schema states the same bounds (maxLength,
minimum/maximum, pattern, enum): tests/test_api_inputs.py walks it.

- Id: a primary or foreign key, 1 … 2⁶³−1 (a signed 64-bit integer).
- Text: a filter's text; `column("app.Model", "field")` for a value written to a column: text as
  long as the column, an integer within the column's range, a choice among the column's. No
  text holds a NUL character, which PostgreSQL cannot store
  (core.middleware.NulCharacterMiddleware refuses it for pages too).
- DateTime: with its offset only (a time without one is refused: docs/architecture.md), the year
  within 1900 … 2100, the offset within ±15:59 (PostgreSQL's limit).
- Day: a date within the same years.
"""

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from annotated_types import GroupedMetadata
from django.apps import apps
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from pydantic import AfterValidator, AwareDatetime, Field
from pydantic_core import PydanticCustomError

from peikao.core.bounds import EARLIEST_YEAR, LARGEST_OFFSET, LATEST_YEAR, year_within_range
from peikao.core.scoping import LARGEST_ID

# Any text but one with a NUL (a regular expression all of Python, Rust and ECMA read alike).
NO_NUL = r"^[^\x00]*$"
_YEAR = r"(19\d\d|20\d\d|2100)"
DATE_PATTERN = rf"^{_YEAR}-\d\d-\d\d$"
DATETIME_PATTERN = (
    rf"^{_YEAR}-\d\d-\d\d[Tt ]\d\d:\d\d(:[0-5]\d(\.\d+)?)?([Zz]|[+-](0\d|1[0-5]):?[0-5]\d)$"
)

# A text column holds any length; the API takes this much (the request is refused past 2.5 MB).
LONGEST_TEXT = 10_000

Id = Annotated[int, Field(ge=1, le=LARGEST_ID)]
Text = Annotated[str, Field(pattern=NO_NUL)]


def _year_within_range(value: date) -> None:
    if not year_within_range(value):
        raise PydanticCustomError(
            "year_out_of_range",
            "year out of range",
            {"earliest": EARLIEST_YEAR, "latest": LATEST_YEAR},
        )


def _datetime_within_range(value: datetime) -> datetime:
    offset = value.utcoffset()
    if offset is not None and abs(offset) > LARGEST_OFFSET:
        raise PydanticCustomError("offset_out_of_range", "time zone offset out of range")
    _year_within_range(value)
    return value


def _date_within_range(value: date) -> date:
    _year_within_range(value)
    return value


DateTime = Annotated[
    AwareDatetime,
    AfterValidator(_datetime_within_range),
    Field(json_schema_extra={"pattern": DATETIME_PATTERN}),
]
Day = Annotated[
    date, AfterValidator(_date_within_range), Field(json_schema_extra={"pattern": DATE_PATTERN})
]


def _integer_range(field: models.Field) -> tuple[int | None, int | None]:
    """The range every database holds for this integer field, narrowed by its validators."""
    low, high = BaseDatabaseOperations.integer_field_ranges.get(
        field.get_internal_type(), (None, None)
    )
    for validator in field.validators:
        if isinstance(validator, MinValueValidator) and not callable(validator.limit_value):
            low = validator.limit_value if low is None else max(low, validator.limit_value)
        if isinstance(validator, MaxValueValidator) and not callable(validator.limit_value):
            high = validator.limit_value if high is None else min(high, validator.limit_value)
    return low, high


class column(GroupedMetadata):
    """The bounds of a value written to a model's column, for `Annotated`:
    `title: Annotated[str, column("training.TrainingPlan", "title")]`. Text as long as the column
    and without NUL; an integer within the range every database holds for it; a column with
    choices only its choices (refused naming them, as an enum in the schema). For a key, the
    bounds of what it points to (a code's length, an id's range). The model is named by its
    label, since API modules import no models."""

    def __init__(self, model: str, name: str):
        self.field = apps.get_model(model)._meta.get_field(name)

    def __iter__(self) -> Iterator[object]:
        field = self.field
        target = getattr(field, "target_field", None) or field
        if isinstance(target, models.CharField | models.TextField):
            yield Field(max_length=target.max_length or LONGEST_TEXT, pattern=NO_NUL)
        elif isinstance(target, models.AutoField | models.BigAutoField):
            yield Field(ge=1, le=LARGEST_ID)
        elif isinstance(target, models.DecimalField):
            largest = (
                Decimal(10) ** (target.max_digits - target.decimal_places)
                - Decimal(10) ** -target.decimal_places
            )
            yield Field(
                max_digits=target.max_digits,
                decimal_places=target.decimal_places,
                json_schema_extra={"minimum": float(-largest), "maximum": float(largest)},
            )
        elif isinstance(target, models.IntegerField):
            low, high = _integer_range(target)
            yield Field(ge=low, le=high)
        else:
            raise TypeError(f"column() does not bound {type(target).__name__} ({field})")
        if field.choices and not field.is_relation:
            yield from _choices(field)


def _choices(field: models.Field) -> Iterator[object]:
    allowed = [value for value, _label in field.flatchoices]
    if field.blank and "" not in allowed and isinstance(field, models.CharField):
        allowed.insert(0, "")
    expected = " 或 ".join(repr(value) for value in allowed)

    def one_of_the_choices(value: Any) -> Any:
        if value not in allowed:
            raise PydanticCustomError("enum", "not one of the choices", {"expected": expected})
        return value

    yield AfterValidator(one_of_the_choices)
    yield Field(json_schema_extra={"enum": allowed})

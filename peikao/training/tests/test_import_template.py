"""The template's examples are a row that the import accepts as it is."""

import io

import pytest
from openpyxl import load_workbook

from peikao.accounts.testing import acting_as
from peikao.core.identifiers import validate_id_number
from peikao.training.imports import COLUMNS, HEADERS, enrolment_template
from peikao.training.services.enrolment import enrolment_import
from peikao.training.tests.enrolment_factories import special_operator_class, workbook_bytes

pytestmark = pytest.mark.django_db


def template_examples() -> dict[str, str]:
    """The 示例 column of the template's instruction sheet, by column key."""
    instructions = load_workbook(io.BytesIO(enrolment_template()))["填写说明"]
    key_of = {header: key for key, header in HEADERS.items()}
    return {
        key_of[header]: example
        for header, _required, _note, example in instructions.iter_rows(min_row=2, values_only=True)
        if header in key_of and example
    }


def test_the_example_id_number_has_a_valid_check_digit():
    example = template_examples()["id_number"]
    assert validate_id_number(example) == example  # the cn.ric check digit


def test_the_examples_make_a_row_the_import_accepts():
    examples = template_examples()
    assert {c.key for c in COLUMNS if c.required} <= set(examples)
    result = enrolment_import(
        actor=acting_as("huaan_clerk"),
        class_id=special_operator_class("1.2").pk,
        file=io.BytesIO(workbook_bytes([examples])),
        dry_run=True,
    )
    assert result.rows == result.enrolled == 1

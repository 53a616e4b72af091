"""An Excel import writes people, work history, employers and enrolments a query per table:
its cost does not grow with the number of rows."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from stdnum.cn import uscc

from peikao.accounts.testing import acting_as
from peikao.training.models import Enrolment
from peikao.training.services.enrolment import enrolment_import
from peikao.training.tests.enrolment_factories import sheet_row, workbook_bytes
from peikao.training.tests.factories import TrainingClassFactory

pytestmark = pytest.mark.django_db


def new_enterprise_code(seq: int) -> str:
    stem = f"91140821MA0K{seq:05d}"
    return stem + uscc.calc_check_digit(stem)


def rows(first: int, count: int) -> list[dict]:
    """New people, each with a work period, half of them at a new enterprise of the file."""
    code = new_enterprise_code(first)
    return [
        sheet_row(
            seq,
            work_employer_name="某煤矿",
            work_trade="电工",
            work_started_on="2015-03-01",
            work_coal_mine="是",
            **(
                {"employer_name": f"新单位{first}", "employer_credit_code": code} if seq % 2 else {}
            ),
        )
        for seq in range(first, first + count)
    ]


def queries_to_import(content: bytes) -> int:
    training_class = TrainingClassFactory.create()
    with CaptureQueriesContext(connection) as captured:
        enrolment_import(
            actor=acting_as("huaan_clerk"), class_id=training_class.pk, file=io.BytesIO(content)
        )
    return len(captured)


def test_twice_the_rows_cost_the_same_queries():
    queries_to_import(workbook_bytes(rows(900, 1)))  # the institution's audit stream exists
    few = queries_to_import(workbook_bytes(rows(1, 5)))
    many = queries_to_import(workbook_bytes(rows(101, 10)))
    assert Enrolment.objects.count() == 16
    assert many == few

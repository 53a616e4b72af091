"""Helpers of the bank's tests: the fixture bank file, workbooks made in memory, a seated
session."""

import io
import json
from pathlib import Path

from openpyxl import Workbook

from peikao.exams.imports_bank import COLUMNS
from peikao.exams.rules.bank import COLUMN_LABELS

FIXTURE = Path(__file__).with_name("bank_fixture.json")


def fixture_data() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def workbook_of(rows: list[list], headers: list[str] | None = None) -> io.BytesIO:
    """An xlsx whose first sheet has the headers (the bank's layout unless told) and rows."""
    book = Workbook()
    sheet = book.active
    sheet.title = "试题"
    sheet.append(headers or [COLUMN_LABELS[key] for key in COLUMNS])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "题库.xlsx"
    return buffer


def row(
    kind="判断题",
    stem="题干",
    options=(),
    answer="对",
    chapter="T1",
    difficulty="易",
    explanation="",
    source="",
):
    """A row of the bank's layout."""
    cells = list(options) + [""] * (6 - len(options))
    return [kind, stem, *cells, answer, explanation, chapter, difficulty, source]

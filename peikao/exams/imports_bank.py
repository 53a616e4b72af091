"""The question bank's spreadsheet in the layout offices use: 题型, 题干, 选项A…选项F, 答案, 解析,
章节, 难度 (and an optional 来源). The template, reading a filled-in file into rows of raw cell
values, and writing rows back (the export, which imports again as it is).

Only the shape of the file is checked here; what each value means is checked by
exams.rules.bank through exams.services.bank, which reports problems by row and column.
"""

import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from peikao.core.errors import DomainError
from peikao.core.spreadsheets import neutralised_row, uploaded_workbook
from peikao.exams.rules.bank import COLUMN_LABELS

SHEET_TITLE = "试题"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE_FILENAME = "题库导入模板.xlsx"
# Far above any bank; it bounds the memory one upload may take.
MAX_ROWS = 5000
TEMPLATE_ROWS = 2000
# 来源 is ours, optional: a file of the offices' layout without it imports as well.
OPTIONAL_COLUMNS = frozenset({"source"})
COLUMNS = tuple(COLUMN_LABELS)
NOTES = {
    "type": "判断题、单选题或多选题。",
    "stem": "必填，不超过1000字；同一题库中题干不能重复。",
    "option_A": "判断题不填选项；单选题、多选题从选项A起连续填写2至6个选项。",
    "answer": (
        "判断题填“对”或“错”（也可填√或×）；单选题填一个字母，如 B；多选题填两个以上字母，如 ACD。"
    ),
    "explanation": "选填。",
    "chapter": "填本题库的章节代码或章节名称。",
    "difficulty": "易、中或难。",
    "source": "选填：出处，如法规条款。",
}
CHOICES = {"type": ("判断题", "单选题", "多选题"), "difficulty": ("易", "中", "难")}


@dataclass(frozen=True)
class SheetRow:
    number: int  # as Excel numbers it, the header being row 1
    values: dict[str, Any]


def bank_workbook(rows: Iterable[list[str]], chapters: Iterable[tuple[str, str]] = ()) -> bytes:
    """A workbook of the bank's layout holding these rows (each in COLUMNS' order), with the
    chapters on a sheet of their own: the template (no rows) and the export."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = SHEET_TITLE
    for index, key in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=COLUMN_LABELS[key])
        cell.font = Font(
            bold=True, color="000000" if key in ("explanation", "source") else "C00000"
        )
        cell.alignment = Alignment(vertical="center")
        if key in NOTES:
            cell.comment = Comment(NOTES[key], "培考")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 60 if key == "stem" else 14
        if key in CHOICES:
            validation = DataValidation(
                type="list", formula1=f'"{",".join(CHOICES[key])}"', allow_blank=True
            )
            validation.error = f"请从下拉列表中选择：{'、'.join(CHOICES[key])}"
            validation.errorTitle = COLUMN_LABELS[key]
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
    for row in rows:
        sheet.append(neutralised_row(row))
    sheet.freeze_panes = "A2"
    listing = workbook.create_sheet("章节")
    listing.append(["章节代码", "章节名称"])
    for code, name in chapters:
        listing.append(neutralised_row([code, name]))
    listing.column_dimensions["B"].width = 60
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_rows(file: IO[bytes] | None) -> list[SheetRow]:
    """Every non-empty data row of the 试题 sheet (else the first), cell values as openpyxl
    reads them. The sheet is streamed: at most MAX_ROWS rows are kept."""
    if file is None:
        raise DomainError("请选择要导入的 Excel 文件（.xlsx）。")
    with uploaded_workbook(file) as workbook:
        sheet = (
            workbook[SHEET_TITLE] if SHEET_TITLE in workbook.sheetnames else workbook.worksheets[0]
        )
        lines = sheet.iter_rows(values_only=True)
        positions = _header_positions(next(lines, ()))
        rows: list[SheetRow] = []
        for number, line in enumerate(lines, start=2):
            values = {key: line[i] if i < len(line) else None for key, i in positions.items()}
            if all(value is None or str(value).strip() == "" for value in values.values()):
                continue
            if len(rows) == MAX_ROWS:
                raise DomainError(f"一次最多导入 {MAX_ROWS} 道试题，请分成几个文件上传。")
            rows.append(SheetRow(number, values))
    if not rows:
        raise DomainError("文件中没有试题：请从第2行起每行填写一道试题。")
    return rows


def _header_positions(header_line) -> dict[str, int]:
    """Where each column is; columns may be in any order, all but 来源 must be there."""
    found = {str(value).strip(): i for i, value in enumerate(header_line) if value is not None}
    labels = set(COLUMN_LABELS.values())
    missing = [
        COLUMN_LABELS[key]
        for key in COLUMNS
        if key not in OPTIONAL_COLUMNS and COLUMN_LABELS[key] not in found
    ]
    unknown = [header for header in found if header and header not in labels]
    if missing or unknown:
        problems = []
        if missing:
            problems.append(f"缺少这些列：{'、'.join(missing)}")
        if unknown:
            problems.append(f"无法识别这些列：{'、'.join(unknown)}")
        raise DomainError(
            "表头与导入模板不一致（" + "；".join(problems) + "）。请下载导入模板，"
            "不要修改第1行的列名。"
        )
    return {key: found[COLUMN_LABELS[key]] for key in COLUMNS if COLUMN_LABELS[key] in found}

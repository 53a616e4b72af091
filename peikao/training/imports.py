"""The enrolment spreadsheet: its columns, the template a clerk downloads, and reading a filled-in
file back into rows of raw cell values.

Only the shape of the file is checked here (is it an xlsx, are the headers ours, is there data);
what each value means is checked by services.enrolment, which reports problems by row and column.
"""

import io
from dataclasses import dataclass
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from peikao.core.errors import DomainError
from peikao.core.spreadsheets import uploaded_workbook
from peikao.people.particulars import FIELDS, WORK_FIELDS, YES_NO, Field

SHEET_TITLE = "学员名单"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE_FILENAME = "学员报名导入模板.xlsx"
# Far above a class's size; it bounds the memory one upload may take.
MAX_ROWS = 5000
# Rows of the template that carry the drop-down lists and the text format.
TEMPLATE_ROWS = 2000


# The person's columns are declared by people.particulars; these are the application's own.
APPLICATION_FIELDS = (
    Field("major_hazard_or_key_process", "从事重大危险源或重点监管危险化工工艺", choices=YES_NO),
    Field("explosive_chemicals", "涉及爆炸危险性化学品", choices=YES_NO),
    Field("hazardous_chemical_key_unit", "危险化学品重点单位", choices=YES_NO),
    Field(
        "new_hire",
        "是否新入职",
        choices=YES_NO,
        note="运城市通知附件1的危险化学品学历要求只适用于新入职人员；空白为未说明，"
        "影响报考条件判断时会要求补填",
    ),
)
COLUMNS = (*FIELDS, *WORK_FIELDS, *APPLICATION_FIELDS)
HEADERS = {column.key: column.label for column in COLUMNS}


@dataclass(frozen=True)
class SheetRow:
    number: int  # as Excel numbers it, the header being row 1
    values: dict[str, Any]


def enrolment_template() -> bytes:
    """The import template: headers with notes, drop-down lists, and a sheet of instructions."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = SHEET_TITLE
    required_fill = PatternFill("solid", fgColor="FDE9D9")
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=column.label)
        cell.font = Font(bold=True, color="C00000" if column.required else "000000")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        if column.required:
            cell.fill = required_fill
        note = "必填。" if column.required else "选填。"
        if column.choices:
            note += f"可选：{'、'.join(column.choices)}。"
        cell.comment = Comment(note + column.note, "培考")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, len(column.label) * 2 + 2)
        cells = f"{letter}2:{letter}{TEMPLATE_ROWS + 1}"
        if column.text:
            for (data_cell,) in sheet[cells]:
                data_cell.number_format = "@"
        if column.choices:
            validation = DataValidation(
                type="list", formula1=f'"{",".join(column.choices)}"', allow_blank=True
            )
            validation.error = f"请从下拉列表中选择：{'、'.join(column.choices)}"
            validation.errorTitle = column.label
            sheet.add_data_validation(validation)
            validation.add(cells)
    sheet.freeze_panes = "A2"
    _instructions(workbook.create_sheet("填写说明"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _instructions(sheet) -> None:
    sheet.append(["列", "是否必填", "说明", "示例"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        choices = f"可选：{'、'.join(column.choices)}。" if column.choices else ""
        sheet.append(
            [
                column.label,
                "必填" if column.required else "选填",
                choices + column.note,
                column.example,
            ]
        )
    sheet.append([])
    sheet.append(
        [
            "注意",
            "",
            "在“学员名单”表第2行起每行填写一名学员，不要修改第1行的列名。"
            "有任何一行不符合要求时整个文件都不会导入，请按提示的行号和列修改后重新上传。",
        ]
    )
    for letter, width in (("A", 34), ("B", 10), ("C", 60), ("D", 26)):
        sheet.column_dimensions[letter].width = width


def read_rows(file: IO[bytes]) -> list[SheetRow]:
    """Every non-empty data row of the first sheet, cell values as openpyxl reads them. The
    sheet is streamed (core.spreadsheets.uploaded_workbook): at most MAX_ROWS rows are kept."""
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
                raise DomainError(f"一次最多导入 {MAX_ROWS} 行，请分成几个文件上传。")
            rows.append(SheetRow(number, values))
    if not rows:
        raise DomainError("文件中没有学员数据：请从第2行起每行填写一名学员。")
    return rows


def _header_positions(header_line) -> dict[str, int]:
    """Where each of our columns is; columns may be in any order, but all must be there."""
    found = {str(value).strip(): i for i, value in enumerate(header_line) if value is not None}
    missing = [column.label for column in COLUMNS if column.label not in found]
    unknown = [header for header in found if header and header not in HEADERS.values()]
    if missing or unknown:
        problems = []
        if missing:
            problems.append(f"缺少这些列：{'、'.join(missing)}")
        if unknown:
            problems.append(f"无法识别这些列：{'、'.join(unknown)}")
        raise DomainError(
            "表头与导入模板不一致（" + "；".join(problems) + "）。请下载最新的导入模板，"
            "不要修改第1行的列名。"
        )
    return {column.key: found[column.label] for column in COLUMNS}

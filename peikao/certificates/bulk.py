"""The employers' bulk check: a spreadsheet of certificate numbers and names in, the same rows
with each certificate's status out (the check the national lookup lacks)."""

import io
from dataclasses import dataclass
from typing import IO

from openpyxl import Workbook

from peikao.certificates.selectors import PublicCertificate, public_lookups
from peikao.core.errors import DomainError
from peikao.core.identifiers import normalise_identifier
from peikao.core.spreadsheets import neutralised_row, uploaded_workbook

MAX_ROWS = 2000
NUMBER_HEADERS = ("证书编号", "证号", "操作证号", "编号")
NAME_HEADERS = ("姓名", "持证人", "持证人姓名")
NOT_FOUND = "未查到（编号或姓名不符）"


@dataclass(frozen=True)
class BulkRow:
    row: int
    number: str
    name: str
    found: list[PublicCertificate]


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    for index, title in enumerate(header):
        if title in names:
            return index
    return None


def read_pairs(file: IO[bytes]) -> list[tuple[int, str, str]]:
    """(row number, number, name) of every filled row; the header names the two columns."""
    pairs: list[tuple[int, str, str]] = []
    with uploaded_workbook(file) as workbook:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise DomainError("表格中没有工作表。")
        rows = sheet.iter_rows(values_only=True)
        header = [str(cell or "").strip() for cell in next(rows, ())]
        number_at, name_at = _column(header, NUMBER_HEADERS), _column(header, NAME_HEADERS)
        if number_at is None or name_at is None:
            raise DomainError("第1行应为表头，包含“证书编号”和“姓名”两列。")
        for index, values in enumerate(rows, start=2):
            cells = list(values)
            number = str(cells[number_at] or "").strip() if number_at < len(cells) else ""
            name = str(cells[name_at] or "").strip() if name_at < len(cells) else ""
            if not number and not name:
                continue
            if len(pairs) >= MAX_ROWS:
                raise DomainError(f"一次最多核验 {MAX_ROWS} 行，请分批上传。")
            pairs.append((index, number, name))
    if not pairs:
        raise DomainError("表格中没有需要核验的行。")
    return pairs


def check_pairs(pairs: list[tuple[int, str, str]]) -> list[BulkRow]:
    found = public_lookups((number, name) for _, number, name in pairs)
    return [
        BulkRow(row, number, name, found.get((normalise_identifier(number), name), []))
        for row, number, name in pairs
    ]


HEADER = [
    "行号",
    "证书编号",
    "姓名",
    "核验结果",
    "证书类型",
    "操作项目/行业",
    "有效期结束日期",
    "应复审日期",
    "签发机关",
]


def bulk_workbook(rows: list[BulkRow]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "核验结果"
    sheet.append(HEADER)
    for row in rows:
        if not row.found:
            sheet.append(neutralised_row([row.row, row.number, row.name, NOT_FOUND]))
        for certificate in row.found:
            sheet.append(
                neutralised_row(
                    [
                        row.row,
                        row.number,
                        row.name,
                        certificate.status_name,
                        certificate.kind,
                        certificate.subject,
                        f"{certificate.valid_until:%Y-%m-%d}",
                        f"{certificate.review_due:%Y-%m-%d}" if certificate.review_due else "",
                        certificate.issuing_authority,
                    ]
                )
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

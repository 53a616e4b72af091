"""Spreadsheets: what every export (CSV or Excel) writes into a cell, and reading an upload.

A cell that begins with =, +, -, @, a tab or a carriage return is a formula to Excel and to
WPS: a trainee named `=HYPERLINK("http://…")` would run when a clerk opens the archive. Such a
text is written with a leading apostrophe, which the spreadsheet shows as plain text (OWASP,
"CSV Injection").

An uploaded xlsx is read through `uploaded_workbook`, which checks the archive before parsing.
"""

import os
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

from django.conf import settings
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from peikao.core.errors import DomainError

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value):
    """The value as a cell may safely hold it; numbers, dates and other text unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralised_row(values) -> list:
    return [neutralised(value) for value in values]


# --------------------------------------------------------------------------- reading an upload
#
# An xlsx is a zip of XML parts, and what a zip declares is not what it holds: a 1 MB file can
# inflate to gigabytes (a "zip bomb"), and openpyxl reads the shared strings whole even in
# read-only mode. So the archive's directory is checked before any part is opened: the members'
# declared sizes in total, and each large member's compression ratio. A member that holds more
# than it declares cannot get past zipfile either: it stops at the declared size and the CRC
# check then fails, which is refused as a broken file.

NOT_XLSX = (
    "文件不是 Excel 2007 及以上格式（.xlsx）的表格，或文件已损坏，无法读取。"
    "请用 Excel 或 WPS 打开后另存为 .xlsx 再上传。"
)
# Every xlsx starts with a zip's local file header.
XLSX_MAGIC = b"PK\x03\x04"
# Far more parts than any workbook has; the directory itself is held in memory.
MAX_MEMBERS = 1000
# Below this a member's ratio says nothing: a small part of repeated tags compresses well.
RATIO_FLOOR_BYTES = 1024 * 1024
MB = 1024 * 1024

# What openpyxl and the parsers under it raise on a file that is not a well-formed workbook,
# whether at opening or while the rows are read (read-only mode parses as it goes).
BROKEN_FILE_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    InvalidFileException,
    SyntaxError,  # xml.etree.ElementTree.ParseError and lxml's XMLSyntaxError
    zlib.error,
    EOFError,
    KeyError,
    IndexError,
    ValueError,
    TypeError,
    AttributeError,
    OSError,
)


def check_archive(
    file: IO[bytes], *, max_bytes: int | None = None, max_uncompressed_bytes: int | None = None
) -> None:
    """Refuses an upload that is not a zip, or whose parts would inflate beyond the bounds
    (settings PEIKAO_SPREADSHEET_MAX_UNCOMPRESSED_BYTES, PEIKAO_SPREADSHEET_MAX_COMPRESSION_RATIO),
    from the zip's directory alone: no part is decompressed. An import whose files are known to
    be larger (the legacy certificates of a whole city) passes its own, stated bounds in place
    of the settings' file and uncompressed sizes; the compression ratio is never relaxed."""
    file_limit = settings.PEIKAO_DOCUMENT_MAX_BYTES if max_bytes is None else max_bytes
    size = file.seek(0, os.SEEK_END)
    file.seek(0)
    if size > file_limit:
        limit_mb = file_limit / MB
        raise DomainError(f"文件过大（{size / MB:.1f} MB），不能超过 {limit_mb:.0f} MB。")
    if not size:
        raise DomainError("文件是空的（0 字节），请重新选择要上传的表格。")
    if file.read(len(XLSX_MAGIC)) != XLSX_MAGIC:
        raise DomainError(NOT_XLSX)
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except BROKEN_FILE_ERRORS:
        raise DomainError(NOT_XLSX) from None
    finally:
        file.seek(0)
    if len(members) > MAX_MEMBERS:
        raise DomainError(f"文件内含 {len(members)} 个部件，不像正常的 Excel 表格，不予读取。")
    limit = (
        settings.PEIKAO_SPREADSHEET_MAX_UNCOMPRESSED_BYTES
        if max_uncompressed_bytes is None
        else max_uncompressed_bytes
    )
    total = sum(member.file_size for member in members)
    if total > limit:
        raise DomainError(
            f"文件解压后共 {total / MB:.1f} MB，超过 {limit / MB:.0f} MB 的上限，不予读取。"
            "请只保留需要导入的数据后重新上传。"
        )
    ratio = settings.PEIKAO_SPREADSHEET_MAX_COMPRESSION_RATIO
    for member in members:
        if member.file_size > RATIO_FLOOR_BYTES and member.file_size > ratio * max(
            member.compress_size, 1
        ):
            raise DomainError(
                f"文件中的“{member.filename}”压缩比异常"
                f"（{member.file_size // max(member.compress_size, 1)} 倍，上限 {ratio} 倍），"
                "不像正常的 Excel 表格，不予读取。"
            )


@contextmanager
def uploaded_workbook(
    file: IO[bytes], *, max_bytes: int | None = None, max_uncompressed_bytes: int | None = None
) -> Iterator[Any]:
    """The workbook of an uploaded xlsx, read-only and streaming (rows are parsed as they are
    iterated), after check_archive (with its bounds). A broken part, found at opening or while
    reading rows inside the `with`, becomes one Chinese DomainError; the workbook is closed
    either way."""
    check_archive(file, max_bytes=max_bytes, max_uncompressed_bytes=max_uncompressed_bytes)
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except BROKEN_FILE_ERRORS:
        raise DomainError(NOT_XLSX) from None
    try:
        yield workbook
    except BROKEN_FILE_ERRORS:
        raise DomainError(NOT_XLSX) from None
    finally:
        workbook.close()

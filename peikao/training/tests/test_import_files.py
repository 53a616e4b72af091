"""Uploads that are not the spreadsheet they claim to be: broken parts, zip bombs, lying zip
headers, and the one shape every refusal of the import API has (detail, errors, problems)."""

import gc
import io
import struct
import tracemalloc
import zipfile
from collections.abc import Callable
from typing import TypeVar

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from peikao.audit.models import AuditRecord
from peikao.core.errors import DomainError
from peikao.core.spreadsheets import NOT_XLSX
from peikao.people.models import Person
from peikao.training.imports import COLUMNS, MAX_ROWS
from peikao.training.models import Enrolment
from peikao.training.tests.enrolment_factories import image_bytes, sheet_row, workbook_bytes
from peikao.training.tests.factories import TrainingClassFactory
from peikao.training.tests.test_import import run_import

pytestmark = pytest.mark.django_db

SHARED_STRINGS = "xl/sharedStrings.xml"
SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)
GIGABYTE = 1024 * 1024 * 1024
T = TypeVar("T")


def rebuilt(content: bytes, replace: dict[str, bytes] | None = None, drop=()) -> bytes:
    """The xlsx with some parts replaced (or added) and others left out."""
    replace = replace or {}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for name in source.namelist():
            if name not in drop:
                target.writestr(name, replace.pop(name, source.read(name)))
        for name, data in replace.items():
            target.writestr(name, data)
    return out.getvalue()


def a_valid_file() -> bytes:
    return workbook_bytes([sheet_row(1), sheet_row(2)])


def part(content: bytes, name: str) -> bytes:
    return zipfile.ZipFile(io.BytesIO(content)).read(name)


def not_a_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "只是一个压缩包")
    return out.getvalue()


MALFORMED = {
    "a sheet that is not XML": lambda: rebuilt(a_valid_file(), {"xl/worksheets/sheet1.xml": b"<x"}),
    "a sheet cut off midway": lambda: rebuilt(
        a_valid_file(),
        {"xl/worksheets/sheet1.xml": part(a_valid_file(), "xl/worksheets/sheet1.xml")[:900]},
    ),
    "a broken [Content_Types].xml": lambda: rebuilt(
        a_valid_file(), {"[Content_Types].xml": b"<Types><Override"}
    ),
    "a broken workbook part": lambda: rebuilt(a_valid_file(), {"xl/workbook.xml": b"<x"}),
    "a broken styles part": lambda: rebuilt(a_valid_file(), {"xl/styles.xml": b"\x00\x01"}),
    "no workbook part": lambda: rebuilt(a_valid_file(), drop={"xl/workbook.xml"}),
    "a zip that is not an xlsx": not_a_workbook,
    "a truncated zip": lambda: a_valid_file()[: len(a_valid_file()) // 2],
}


def nothing_stored():
    return (Person.objects.count(), Enrolment.objects.count(), AuditRecord.objects.count())


@pytest.mark.parametrize("malformation", MALFORMED, ids=list(MALFORMED))
def test_a_malformed_file_is_refused_in_chinese_and_nothing_is_stored(malformation):
    training_class = TrainingClassFactory.create()
    before = nothing_stored()
    with pytest.raises(DomainError) as refused:
        run_import(training_class, MALFORMED[malformation]())
    assert refused.value.messages == [NOT_XLSX]
    assert nothing_stored() == before


@pytest.mark.parametrize(
    "malformation", ["a sheet that is not XML", "a broken [Content_Types].xml"]
)
def test_the_page_shows_a_malformed_file_as_a_form_error(login_as, malformation):
    training_class = TrainingClassFactory.create()
    response = login_as("huaan_clerk").post(
        reverse("training:enrolment_import", args=[training_class.pk]),
        {"file": SimpleUploadedFile("名单.xlsx", MALFORMED[malformation]())},
    )
    assert response.status_code == 400
    assert "或文件已损坏，无法读取" in response.content.decode()
    assert not Enrolment.objects.filter(training_class=training_class).exists()


# --------------------------------------------------------------------------- bombs


def with_shared_strings(content: bytes, write_text) -> bytes:
    """The xlsx with a shared-strings part whose one string `write_text(member)` writes,
    streamed into the zip: a gigabyte of it is never held in memory."""
    source = zipfile.ZipFile(io.BytesIO(content))
    override = f'<Override PartName="/{SHARED_STRINGS}" ContentType="{SHARED_STRINGS_TYPE}" />'
    types = source.read("[Content_Types].xml").replace(b"</Types>", override.encode() + b"</Types>")
    out = io.BytesIO(rebuilt(content, {"[Content_Types].xml": types}))
    with (
        zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open(SHARED_STRINGS, "w") as member,
    ):
        member.write(
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
            b' count="1" uniqueCount="1"><si><t>'
        )
        write_text(member)
        member.write(b"</t></si></sst>")
    return out.getvalue()


def zeros(megabytes: int):
    def write(member):
        chunk = b"0" * (1024 * 1024)
        for _ in range(megabytes):
            member.write(chunk)

    return write


def declaring(content: bytes, name: str, file_size: int) -> bytes:
    """The zip with the uncompressed size of one member changed in its headers (local and
    central directory), the data left as it is: a zip that lies about what it holds."""
    data = bytearray(content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        info = archive.getinfo(name)
    struct.pack_into("<I", data, info.header_offset + 22, file_size)
    position = data.find(b"PK\x01\x02")
    while position != -1:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        if bytes(data[position + 46 : position + 46 + name_length]) == name.encode():
            struct.pack_into("<I", data, position + 24, file_size)
            break
        position = data.find(b"PK\x01\x02", position + 4)
    return bytes(data)


@pytest.fixture(scope="module")
def gigabyte_bomb() -> bytes:
    """About 1 MB of xlsx whose one shared string is a gigabyte of zeros."""
    return with_shared_strings(workbook_bytes([sheet_row(1)]), zeros(1024))


def test_the_bomb_is_small_and_declares_its_gigabyte(gigabyte_bomb):
    assert len(gigabyte_bomb) < 2 * 1024 * 1024
    info = zipfile.ZipFile(io.BytesIO(gigabyte_bomb)).getinfo(SHARED_STRINGS)
    assert info.file_size > GIGABYTE


def test_parts_declaring_more_than_the_bound_are_refused_before_parsing(settings, monkeypatch):
    settings.PEIKAO_SPREADSHEET_MAX_UNCOMPRESSED_BYTES = 2 * 1024 * 1024
    content = with_shared_strings(a_valid_file(), zeros(3))
    parsed: list[object] = []

    def load_workbook(file, **options):
        parsed.append(file)
        raise AssertionError("the workbook must not be opened")

    monkeypatch.setattr("peikao.core.spreadsheets.load_workbook", load_workbook)
    with pytest.raises(DomainError, match=r"解压后共 3\.0 MB，超过 2 MB 的上限"):
        run_import(TrainingClassFactory.create(), content)
    assert parsed == []


def test_a_part_compressed_beyond_the_ratio_is_refused(settings):
    settings.PEIKAO_SPREADSHEET_MAX_COMPRESSION_RATIO = 100
    content = with_shared_strings(a_valid_file(), zeros(8))
    with pytest.raises(
        DomainError, match=r"“xl/sharedStrings.xml”压缩比异常（\d+ 倍，上限 100 倍）"
    ):
        run_import(TrainingClassFactory.create(), content)


def test_a_part_holding_more_than_it_declares_stops_at_the_declared_size():
    """zipfile inflates no more than the declared size and then fails the CRC check: a sheet
    that lies about its size is a broken file, whatever it holds."""
    content = a_valid_file()
    info = zipfile.ZipFile(io.BytesIO(content)).getinfo("xl/worksheets/sheet1.xml")
    lying = declaring(content, "xl/worksheets/sheet1.xml", info.file_size // 2)
    with (
        zipfile.ZipFile(io.BytesIO(lying)) as archive,
        pytest.raises(zipfile.BadZipFile, match="CRC"),
    ):
        archive.read("xl/worksheets/sheet1.xml")
    with pytest.raises(DomainError) as refused:
        run_import(TrainingClassFactory.create(), lying)
    assert refused.value.messages == [NOT_XLSX]


def peak_while(call: Callable[[], T]) -> tuple[T, int]:
    """What `call` returns, and the most memory Python held meanwhile beyond what it held
    before (tracemalloc follows every allocation, the XML parser's strings included)."""
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base, _ = tracemalloc.get_traced_memory()
        result = call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak - base


@pytest.mark.parametrize("lying", [False, True], ids=["declared", "lying-about-its-size"])
def test_a_gigabyte_shared_string_is_refused_by_the_api_with_memory_bounded(
    login_as, gigabyte_bomb, lying
):
    training_class = TrainingClassFactory.create()
    content = declaring(gigabyte_bomb, SHARED_STRINGS, 4096) if lying else gigabyte_bomb
    client = login_as("huaan_clerk")
    before = nothing_stored()
    response, peak = peak_while(
        lambda: client.post(
            f"/api/training/classes/{training_class.pk}/enrolments/import",
            {"file": SimpleUploadedFile("名单.xlsx", content)},
        )
    )
    assert response.status_code == 400
    body = response.json()
    assert body["problems"] and body["problems"][0]["row"] is None
    assert peak < 100 * 1024 * 1024, f"the import held {peak / 1048576:.0f} MB"
    assert nothing_stored() == before


def tiny_strings(megabytes: float):
    """Distinct one-to-seven-digit strings filling the part: the most objects openpyxl can be
    made to hold per byte of XML."""

    def write(member):
        written, number = 0, 0
        while written < megabytes * 1024 * 1024:
            chunk = b"".join(b"</t></si><si><t>%d" % n for n in range(number, number + 1000))
            member.write(chunk)
            written, number = written + len(chunk), number + 1000

    return write


def test_within_the_bound_the_memory_held_grows_with_the_bound_not_the_file(settings):
    """The worst a file allowed in can do: openpyxl keeps every shared string, so the memory
    is bounded by the uncompressed bound (about 7 times it; 20 MB gives some 140 MB)."""
    settings.PEIKAO_SPREADSHEET_MAX_UNCOMPRESSED_BYTES = 2 * 1024 * 1024
    content = with_shared_strings(a_valid_file(), tiny_strings(1.8))
    rows, peak = peak_while(lambda: run_import(TrainingClassFactory.create(), content))
    assert rows.enrolled == 2
    assert peak < 10 * settings.PEIKAO_SPREADSHEET_MAX_UNCOMPRESSED_BYTES
    refused = with_shared_strings(a_valid_file(), tiny_strings(2.1))
    with pytest.raises(DomainError, match="超过 2 MB 的上限"):
        run_import(TrainingClassFactory.create(), refused)


# --------------------------------------------------------------------------- the API's 400


def too_many_rows() -> bytes:
    return workbook_bytes([{"name": f"学员{i}"} for i in range(MAX_ROWS + 1)])


WHOLE_FILE_ERRORS = {
    "a png": (lambda: image_bytes("PNG"), "不是 Excel 2007 及以上格式"),
    "a broken sheet": (MALFORMED["a sheet that is not XML"], "或文件已损坏"),
    "a zip that is not an xlsx": (not_a_workbook, "或文件已损坏"),
    "an empty sheet": (lambda: workbook_bytes([]), "文件中没有学员数据"),
    "missing columns": (
        lambda: workbook_bytes([sheet_row(1)], headers=[COLUMNS[0].label]),
        "表头与导入模板不一致（缺少这些列：",
    ),
    "too many rows": (too_many_rows, f"一次最多导入 {MAX_ROWS} 行"),
}


@pytest.mark.parametrize("error", WHOLE_FILE_ERRORS, ids=list(WHOLE_FILE_ERRORS))
def test_every_whole_file_error_of_the_api_has_the_documented_shape(login_as, error):
    content, reason = WHOLE_FILE_ERRORS[error]
    training_class = TrainingClassFactory.create()
    response = login_as("huaan_clerk").post(
        f"/api/training/classes/{training_class.pk}/enrolments/import",
        {"file": SimpleUploadedFile("名单.xlsx", content())},
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "errors", "problems"}
    assert reason in body["detail"]
    assert body["errors"] == [body["detail"]]
    assert body["problems"] == [{"row": None, "column": "", "reason": body["detail"]}]
    assert not Enrolment.objects.filter(training_class=training_class).exists()


def test_the_openapi_schema_declares_problems_on_the_imports_400(client):
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"]["/api/training/classes/{class_id}/enrolments/import"]["post"]
    reference = operation["responses"]["400"]["content"]["application/json"]["schema"]["$ref"]
    rejected = schema["components"]["schemas"][reference.rsplit("/", 1)[-1]]
    # problems may be absent only from a request refused before the import reads it.
    assert set(rejected["required"]) == {"detail", "errors"}
    assert "problems" in rejected["properties"]
    problem_ref = rejected["properties"]["problems"]["items"]["$ref"]
    problem = schema["components"]["schemas"][problem_ref.rsplit("/", 1)[-1]]
    assert set(problem["properties"]) == {"row", "column", "reason"}
    assert "整个文件" in operation["description"]

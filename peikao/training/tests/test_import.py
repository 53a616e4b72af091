"""The Excel import: the template, a valid file, and a file refused as a whole with every
problem by row and column."""

import io
import zipfile
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from peikao.accounts.testing import acting_as
from peikao.audit.models import AuditRecord
from peikao.core.errors import DomainError, NotFound, PermissionDenied
from peikao.orgs.models import Organization
from peikao.people.models import Person, WorkHistory
from peikao.training.imports import COLUMNS, HEADERS, SHEET_TITLE, enrolment_template
from peikao.training.models import Enrolment
from peikao.training.services.enrolment import ImportRejected, enrolment_import
from peikao.training.tests.enrolment_factories import (
    DEMO_TRAINEE_ID,
    NEW_ENTERPRISE_CODE,
    image_bytes,
    sheet_row,
    special_operator_class,
    workbook_bytes,
)
from peikao.training.tests.factories import EnrolmentFactory, PersonFactory, TrainingClassFactory

pytestmark = pytest.mark.django_db


def run_import(training_class, content: bytes, username="huaan_clerk", dry_run=False):
    actor = acting_as(username)
    return enrolment_import(
        actor=actor,
        class_id=training_class.pk,
        file=io.BytesIO(content),
        dry_run=dry_run,
    )


def refused(training_class, content: bytes) -> list[tuple[int | None, str, str]]:
    before = (Person.objects.count(), Enrolment.objects.count(), AuditRecord.objects.count())
    with pytest.raises(ImportRejected) as rejected:
        run_import(training_class, content)
    after = (Person.objects.count(), Enrolment.objects.count(), AuditRecord.objects.count())
    assert after == before, "a refused file must write nothing"
    return [(p.row, p.column, p.reason) for p in rejected.value.problems]


def test_the_template_has_our_headers_lists_and_instructions():
    workbook = load_workbook(io.BytesIO(enrolment_template()))
    sheet = workbook[SHEET_TITLE]
    assert [cell.value for cell in sheet[1]] == [column.label for column in COLUMNS]
    assert sheet["B1"].comment.text.startswith("必填。")
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists["D2:D2001"] == '"小学,初中,高中,中专,技校,职高,大专,本科,研究生"'
    assert lists["J2:J2001"] == '"是,否"'
    assert sheet["B2"].number_format == "@"
    assert "填写说明" in workbook.sheetnames


def test_a_valid_three_row_file_enrols_everyone_with_one_audit_record():
    training_class = TrainingClassFactory.create()
    rows = [
        sheet_row(1),
        sheet_row(
            2,
            employer_name="临猗县新建机械厂",
            employer_credit_code=NEW_ENTERPRISE_CODE,
            work_employer_name="临猗县新建机械厂",
            work_trade="电工",
            work_started_on=datetime(2015, 3, 1),
        ),
        sheet_row(3, id_number=DEMO_TRAINEE_ID, name="张三", education="大专"),
    ]
    result = run_import(training_class, workbook_bytes(rows))
    assert (result.rows, result.enrolled, result.persons_created, result.persons_updated) == (
        3,
        3,
        2,
        1,
    )
    assert result.employers_created == 1
    enrolments = Enrolment.objects.filter(training_class=training_class)
    assert enrolments.count() == 3
    assert Person.objects.get(id_number=DEMO_TRAINEE_ID).education == 4
    assert WorkHistory.objects.filter(employer_name="临猗县新建机械厂").count() == 1
    record = AuditRecord.objects.get(action="enrolment.imported")
    assert record.detail["enrolled"] == 3 and len(record.detail["file_sha256"]) == 64
    first = enrolments.first()
    assert first.history.count() == 1
    assert first.history.first().history_change_reason == "Excel 批量导入报名"
    assert first.history.first().history_user.username == "huaan_clerk"


def test_a_dry_run_checks_and_writes_nothing():
    training_class = TrainingClassFactory.create()
    result = run_import(training_class, workbook_bytes([sheet_row(1)]), dry_run=True)
    assert result.enrolled == 1
    assert not Enrolment.objects.filter(training_class=training_class).exists()


def test_two_bad_rows_among_good_ones_refuse_the_whole_file_and_both_are_named():
    training_class = TrainingClassFactory.create()
    bad_id = sheet_row(3)["id_number"][:17] + "0"
    if bad_id == sheet_row(3)["id_number"]:
        bad_id = bad_id[:17] + "1"
    rows = [
        sheet_row(1),
        sheet_row(2),
        sheet_row(3, id_number=bad_id),
        sheet_row(4),
        sheet_row(5, education="文盲", employer_credit_code="123"),
    ]
    problems = refused(training_class, workbook_bytes(rows))
    assert problems == [
        (4, "身份证号码", "身份证号码校验位错误，请核对最后一位（可能有数字录错）。"),
        (
            6,
            "文化程度",
            "无法识别的文化程度“文盲”，可填：小学、初中、高中、中专、技校、职高、大专、本科、研究生。",
        ),
        (6, "统一社会信用代码", "统一社会信用代码应为18位，当前为3位。"),
    ]


def test_a_duplicated_id_number_within_the_file_is_named_on_the_later_row():
    row = sheet_row(1)
    problems = refused(TrainingClassFactory.create(), workbook_bytes([row, sheet_row(2), row]))
    assert problems == [(4, "身份证号码", "与第2行的身份证号码重复。")]


def test_already_enrolled_name_mismatch_and_eligibility_are_reported_by_row():
    training_class = TrainingClassFactory.create()
    enrolled = PersonFactory.create()
    EnrolmentFactory.create(training_class=training_class, person=enrolled)
    rows = [
        sheet_row(1, id_number=enrolled.id_number, name=enrolled.name),
        sheet_row(2, id_number=DEMO_TRAINEE_ID, name="李四"),
        sheet_row(3, education="小学"),
    ]
    problems = refused(training_class, workbook_bytes(rows))
    assert problems[0] == (2, "身份证号码", "该学员已在本班报名。")
    assert problems[1][:2] == (3, "姓名") and "与填写的姓名“李四”不一致" in problems[1][2]
    assert "张三" not in problems[1][2]
    assert problems[2][:2] == (4, "报考条件") and "文化程度应为初中及以上" in problems[2][2]


# 2026-06-01 to 2026-11-23 is five whole months, whatever day the test runs.
@pytest.mark.time_machine(datetime(2026, 11, 23, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
def test_a_coal_class_counts_the_work_period_given_in_the_row():
    training_class = special_operator_class("5.2")
    coal = {
        "education_related_to_coal": "是",
        "work_employer_name": "某煤矿",
        "work_trade": "爆破工",
        "work_coal_mine": "是",
    }
    rows = [
        sheet_row(1, work_started_on="2018-01-01", **coal),
        sheet_row(2, work_started_on="2026/06/01", **coal),
    ]
    problems = refused(training_class, workbook_bytes(rows))
    assert [(row, column) for row, column, _reason in problems] == [(3, "报考条件")]
    assert "现为5个月" in problems[0][2]


def test_the_total_must_fit_the_class():
    training_class = TrainingClassFactory.create(capacity=3)
    EnrolmentFactory.create(training_class=training_class)
    problems = refused(training_class, workbook_bytes([sheet_row(n) for n in range(1, 5)]))
    assert problems == [
        (None, "", "本班额定3人，已报名1人，还可报名2人，本次报名4人，超出2人。"),
    ]


def test_cells_typed_as_numbers_dates_and_yes_no_are_read():
    training_class = TrainingClassFactory.create()
    row = sheet_row(
        1,
        phone=13800138000,
        work_employer_name="甲厂",
        work_trade="电工",
        work_started_on="20150301",
        work_ended_on=datetime(2018, 5, 31),
        work_coal_mine="否",
    )
    run_import(training_class, workbook_bytes([row]))
    person = Person.objects.get(id_number=sheet_row(1)["id_number"])
    assert person.phone == "13800138000"
    assert person.work_history.get().ended_on.isoformat() == "2018-05-31"


def test_an_id_number_that_excel_turned_into_a_float_is_explained():
    problems = refused(
        TrainingClassFactory.create(), workbook_bytes([sheet_row(1, id_number=1.40802e17)])
    )
    assert problems == [
        (2, "身份证号码", "身份证号码被存成了数字，末几位已丢失。请把该列设为文本格式后重新填写。")
    ]


def test_wrong_headers_are_refused_clearly():
    headers = [column.label for column in COLUMNS]
    headers[1] = "身份证号"
    with pytest.raises(
        DomainError,
        match="表头与导入模板不一致（缺少这些列：身份证号码；无法识别这些列：身份证号）",
    ):
        run_import(TrainingClassFactory.create(), workbook_bytes([sheet_row(1)], headers=headers))


def test_a_png_renamed_xlsx_is_not_a_spreadsheet():
    with pytest.raises(DomainError, match=r"不是 Excel 2007 及以上格式（\.xlsx）"):
        run_import(TrainingClassFactory.create(), image_bytes("PNG"))


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "你好")
    with pytest.raises(DomainError, match="不是 Excel"):
        run_import(TrainingClassFactory.create(), buffer.getvalue())


def test_a_bad_phone_number_is_named():
    problems = refused(
        TrainingClassFactory.create(), workbook_bytes([sheet_row(1, phone="139abc")])
    )
    assert problems == [(2, "手机号码", "手机号码“139abc”只能包含数字、空格和“-”。")]


def test_an_oversize_file_is_refused(settings):
    settings.PEIKAO_DOCUMENT_MAX_BYTES = 1024
    with pytest.raises(DomainError, match="文件过大"):
        run_import(TrainingClassFactory.create(), workbook_bytes([sheet_row(1)]))


def test_an_empty_file_is_refused():
    with pytest.raises(DomainError, match="文件中没有学员数据"):
        run_import(TrainingClassFactory.create(), workbook_bytes([{}, {}]))


def test_the_import_is_for_the_institutions_own_staff():
    content = workbook_bytes([sheet_row(1)])
    with pytest.raises(PermissionDenied):
        run_import(TrainingClassFactory.create(), content, username="huaan_teacher")
    fengxi = Organization.objects.get(kind="institution", name="丰喜集团安全技术培训中心")
    with pytest.raises(NotFound):
        run_import(TrainingClassFactory.create(plan_line__plan__organization=fengxi), content)


def test_headers_are_found_in_any_order():
    headers = [column.label for column in COLUMNS][::-1]
    workbook_rows = workbook_bytes([], headers=headers)
    workbook = load_workbook(io.BytesIO(workbook_rows))
    sheet = workbook.active
    values = sheet_row(1)
    sheet.append([values.get(key) for key in [c.key for c in COLUMNS][::-1]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = run_import(TrainingClassFactory.create(), buffer.getvalue())
    assert result.enrolled == 1
    assert HEADERS["id_number"] == "身份证号码"

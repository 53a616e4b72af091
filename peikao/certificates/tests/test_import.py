"""旧系统导入: a city's old register in, all or nothing, each row's status by the state machine
and the dates, every problem by row; the page and the API start a job (导入任务) that a
background task runs, here at once (Huey is immediate in tests, the commit's callbacks run by
captureOnCommitCallbacks)."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone
from openpyxl import Workbook

from peikao.accounts.actor import Actor
from peikao.accounts.models import Membership
from peikao.accounts.testing import acting_as
from peikao.audit.models import AuditRecord
from peikao.certificates import imports, rules
from peikao.certificates.models import Certificate, CertificateEvent, CertificateImport
from peikao.certificates.services import importing
from peikao.certificates.services.history import events_of
from peikao.certificates.services.importing import (
    certificate_import_from_check,
    certificate_import_start,
    certificates_import,
)
from peikao.certificates.tasks import certificate_import_after_commit
from peikao.certificates.terms import terms_of
from peikao.certificates.tests.factories import a_certificate_row
from peikao.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from peikao.people.models import Person
from peikao.training.tests.factories import PersonFactory, valid_id_number

TODAY = date(2026, 12, 4)
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(
        datetime(2026, 12, 4, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ),
]
AUTHORITY = "运城市应急管理局"
HEADER = [
    "序号",  # a column of the old system the import leaves alone
    "姓名",
    "身份证号码",
    "证书编号",
    "证书类型",
    "作业类别",
    "操作项目",
    "行业类别",
    "单位名称",
    "人员类别",
    "初领日期",
    "有效期开始日期",
    "有效期结束日期",
    "应复审日期",
    "实际复审日期",
    "签发机关",
    "状态",
    "撤销原因",
]


def an_id(n: int, *, woman: bool = False) -> str:
    sequence = 2 * n + (0 if woman else 1)
    return valid_id_number(f"14080219{80 + n % 20:02d}0315{sequence % 1000:03d}")


def special(n: int, item="低压电工作业", **values) -> dict:
    id_number = an_id(n)
    row = {
        "姓名": f"旧证持证人{n}",
        "身份证号码": id_number,
        "证书编号": "T" + id_number,
        "作业类别": "电工作业",
        "操作项目": item,
        "初领日期": "2019-01-10",
        "有效期开始日期": "2025-01-10",
        "有效期结束日期": "2031-01-10",
        "应复审日期": "2028-01-10",
        "签发机关": AUTHORITY,
    }
    row.update(values)
    return row


def competence(n: int, **values) -> dict:
    id_number = an_id(n, woman=True)
    row = {
        "姓名": f"负责人{n}",
        "身份证号码": id_number,
        "证书编号": id_number,
        "证书类型": "安全生产知识和管理能力考核合格证",
        "行业类别": "危险化学品",
        "单位名称": "运城市示范化工有限公司",
        "人员类别": "主要负责人",
        "初领日期": "2025-03-01",
        "有效期开始日期": "2025-03-01",
        "有效期结束日期": "2028-03-01",
        "签发机关": AUTHORITY,
    }
    row.update(values)
    return row


def sheet(rows: list[dict], header: list[str] = HEADER) -> io.BytesIO:
    book = Workbook()
    page = book.active
    assert page is not None
    page.append(header)
    for index, row in enumerate(rows, start=1):
        page.append([index if title == "序号" else row.get(title) for title in header])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def upload(rows, header=HEADER) -> SimpleUploadedFile:
    return SimpleUploadedFile("旧系统导出.xlsx", sheet(rows, header).getvalue())


def started(rows, *, actor="yc_exam_center", dry_run=False, header=HEADER) -> CertificateImport:
    """A job started, its task not run: the commit's callbacks are caught and dropped."""
    with TestCase.captureOnCommitCallbacks() as queued:
        job = certificate_import_start(
            actor=acting_as(actor), uploaded_file=upload(rows, header), dry_run=dry_run
        )
    assert len(queued) == 1  # the task, after the commit
    return job


def run(rows, *, actor="yc_exam_center", dry_run=False, header=HEADER) -> CertificateImport:
    """The job started and run by its task after the commit, as the page and the API do."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        job = certificate_import_start(
            actor=acting_as(actor), uploaded_file=upload(rows, header), dry_run=dry_run
        )
    job.refresh_from_db()
    return job


def rejected(rows, **kwargs) -> list[str]:
    """The problems of a file that ends refused, having written nothing."""
    persons, certificates = Person.objects.count(), Certificate.objects.count()
    job = run(rows, **kwargs)
    assert job.status == rules.IMPORT_REFUSED and job.imported == 0, job.error
    assert job.problem_count == len(job.problems) or len(job.problems) == imports.SHOWN_PROBLEMS
    assert Person.objects.count() == persons and Certificate.objects.count() == certificates
    return [problem["message"] for problem in job.problems]


def by_number(number: str) -> Certificate:
    return Certificate.objects.select_related("holder").get(number=number)


# --------------------------------------------------------------------------- a good sheet


GOOD = [
    special(1),  # valid
    # The review window (60 days) is open: due on 2026-12-20.
    special(2, **{"有效期开始日期": "2023/12/20", "有效期结束日期": "2029年12月20日",
                  "应复审日期": "2026/12/20", "初领日期": "2017/12/20"}),
    # Past its review date by 14 days, within the 30 days' grace: overdue.
    special(3, **{"有效期开始日期": "2023-11-20", "有效期结束日期": "2029-11-20",
                  "应复审日期": "2026-11-20", "初领日期": "2023-11-20"}),
    # Past its review date by three months: lapsed (invalid).
    special(4, **{"有效期开始日期": "2023-09-01", "有效期结束日期": "2029-09-01",
                  "应复审日期": "2026-09-01", "初领日期": "2023-09-01"}),
    special(5, **{"状态": "暂扣"}),
    competence(6),
    # An alias of 1.6 电气试验作业, with Excel dates and its category by code.
    special(7, item="高压试验作业", **{"作业类别": "1", "有效期开始日期": datetime(2024, 6, 1),
                                     "有效期结束日期": datetime(2030, 6, 1),
                                     "应复审日期": datetime(2027, 6, 1),
                                     "初领日期": datetime(2018, 6, 1),
                                     "实际复审日期": None}),
    special(8, item="1.1", **{"状态": "撤销", "撤销原因": "以欺骗、贿赂等不正当手段取得"}),
]  # fmt: skip


def test_a_good_sheet_imports_every_certificate_with_its_dates_and_status():
    before = Person.objects.count()
    result = run(GOOD)
    assert result.rows == result.certificates == 8
    assert result.persons_created == 8 and result.persons_found == 0
    assert Person.objects.count() == before + 8
    status = {row["证书编号"]: by_number(row["证书编号"]).status for row in GOOD}
    assert list(status.values()) == [
        rules.VALID,
        rules.REVIEW_DUE,
        rules.OVERDUE,
        rules.INVALID,
        rules.SUSPENDED,
        rules.VALID,
        rules.VALID,
        rules.REVOKED,
    ]
    assert result.statuses == {
        rules.VALID: 3,
        rules.REVIEW_DUE: 1,
        rules.OVERDUE: 1,
        rules.INVALID: 1,
        rules.SUSPENDED: 1,
        rules.REVOKED: 1,
    }
    first = by_number(GOOD[0]["证书编号"])
    assert first.imported and first.kind == rules.SPECIAL_OPERATION
    assert (first.item_id, first.category_id, first.post_category_id) == (
        "1.2",
        "1",
        "special_operator",
    )
    assert first.first_issued_on == date(2019, 1, 10)
    assert (first.valid_from, first.valid_until) == (date(2025, 1, 10), date(2031, 1, 10))
    assert first.review_due_on == date(2028, 1, 10) and first.review_interval_years == 3
    assert first.issuing_authority == AUTHORITY
    assert first.issuer.name == "运城市应急管理考试中心" and first.issuer_region_id == "140800"
    assert first.holder.name == "旧证持证人1" and first.holder.sex == "M"
    assert first.holder.birth_date == date(1981, 3, 15)
    assert first.history.count() == 1  # django-simple-history's row of the bulk insert
    second = by_number(GOOD[1]["证书编号"])
    assert second.valid_until == date(2029, 12, 20) and second.first_issued_on == date(2017, 12, 20)
    alias = by_number(GOOD[6]["证书编号"])
    assert alias.item_id == "1.6" and alias.valid_from == date(2024, 6, 1)
    boss = by_number(GOOD[5]["证书编号"])
    assert boss.kind == rules.SAFETY_COMPETENCE and boss.item_id is None
    assert (boss.post_category_id, boss.industry_id) == ("principal", "hazardous_chemicals")
    assert boss.unit_name == "运城市示范化工有限公司" and boss.review_due_on is None
    assert boss.holder.sex == "F"
    revoked = by_number(GOOD[7]["证书编号"])
    assert revoked.revocation_reason == "fraud_or_bribery" and revoked.revoked_on == TODAY


def test_each_certificate_has_its_import_event_and_its_history_reads_its_status():
    run(GOOD)
    for certificate in Certificate.objects.filter(imported=True):
        events = list(certificate.events.order_by("on", "pk"))
        assert events[0].kind == "import" and events[0].label == "旧系统导入"
        assert events[0].on == certificate.valid_from
        assert events[0].valid_until == certificate.valid_until
        assert events[0].review_due == certificate.review_due_on
        # The two implementations of the law agree on what was imported.
        read = rules.status_from_history(events_of(certificate), terms_of(certificate), TODAY)
        assert read == certificate.status, certificate.number
    suspended = by_number(GOOD[4]["证书编号"])
    assert [e.kind for e in suspended.events.all()] == ["import", "suspend"]


def test_the_import_is_audited_once_with_its_counts():
    run(GOOD)
    record = AuditRecord.objects.filter(action="certificate.imported").get()
    assert record.detail["certificates"] == 8 and record.detail["persons_created"] == 8
    assert len(record.detail["file_sha256"]) == 64


def test_the_certificates_are_signed_and_drawn_after_the_commit():
    with TestCase.captureOnCommitCallbacks(execute=True) as callbacks:
        certificate_import_start(
            actor=acting_as("yc_exam_center"), uploaded_file=upload(GOOD[:2]), dry_run=False
        )
    # The job's task, then one drawing task for the chunk, not one per certificate.
    assert len(callbacks) == 2
    for certificate in Certificate.objects.filter(imported=True):
        assert certificate.statement and certificate.file.name.endswith(".pdf")


def test_a_known_person_is_reused_and_the_header_may_say_zhun_cao_xiang_mu():
    person = PersonFactory.create(id_number=an_id(11), name="旧证持证人11")
    header = [("准操项目" if title == "操作项目" else title) for title in HEADER]
    header[header.index("身份证号码")] = "身份证号"
    row = special(11)
    row["准操项目"], row["身份证号"] = row.pop("操作项目"), row.pop("身份证号码")
    result = run([row], header=header)
    assert result.persons_found == 1 and result.persons_created == 0
    assert by_number("T" + person.id_number).holder == person


def test_the_kind_is_inferred_and_a_blank_review_date_follows_the_last_review():
    row = special(
        12,
        **{
            "有效期开始日期": "2022-06-01",
            "有效期结束日期": "2028-06-01",
            "应复审日期": None,
            "实际复审日期": "2025-05-20",  # in the window before 2025-06-01
            "初领日期": "2022-06-01",
        },
    )
    row.pop("作业类别")
    run([row])
    certificate = by_number(row["证书编号"])
    assert certificate.kind == rules.SPECIAL_OPERATION
    assert certificate.reviewed_on == date(2025, 5, 20)
    assert certificate.review_due_on == date(2028, 6, 1)  # the next one, at the end
    assert certificate.status == rules.VALID


def test_a_review_due_only_at_the_end_is_the_six_year_interval():
    run([special(13, **{"应复审日期": "2031-01-10"})])
    certificate = by_number("T" + an_id(13))
    assert certificate.review_interval_years == 6 and certificate.status == rules.VALID


# --------------------------------------------------------------------------- refusals


def test_every_bad_row_is_reported_with_its_row_number_and_nothing_is_written():
    live_holder = PersonFactory.create(id_number=an_id(30), name="旧证持证人30")
    a_certificate_row(holder=live_holder, status=rules.VALID)
    PersonFactory.create(id_number=an_id(31), name="另一个名字")
    wrong_checksum = special(20)
    wrong_checksum["身份证号码"] = wrong_checksum["身份证号码"][:17] + (
        "0" if wrong_checksum["身份证号码"][17] != "0" else "1"
    )
    rows = [
        special(21),  # row 2: good
        wrong_checksum,  # 3
        special(22, **{"证书编号": "T140802198001010000"}),  # 4: not T + the ID number
        special(23, item="不存在的作业"),  # 5
        special(24, **{"有效期结束日期": "2024-01-01"}),  # 6: ends before it starts
        special(21),  # 7: row 2 again
        special(30),  # 8: a live certificate for 1.2 is stored
        special(31),  # 9: the ID number is someone else's name
        special(25, **{"签发机关": "忻州市应急管理局"}),  # 10
        special(26, **{"初领日期": "去年"}),  # 11
        competence(27, **{"人员类别": "", "行业类别": "养殖业"}),  # 12
        special(28, item="煤矿井下电气作业"),  # 13: the province's coal-mine item
        special(29, **{"状态": "作废"}),  # 14
    ]
    persons, certificates = Person.objects.count(), Certificate.objects.count()
    messages = rejected(rows)
    text = "\n".join(messages)
    assert "第3行：身份证号码校验位错误" in text
    assert (
        f"第4行：证书编号“T140802198001010000”应为“T”加持证人的身份证号码（T{an_id(22)}）" in text
    )
    assert "第5行：操作项目“不存在的作业”不在目录中" in text
    assert "第6行：有效期结束日期（2024-01-01）应晚于有效期开始日期（2025-01-10）" in text
    assert "第7行：证书编号：与第2行是同一张证书（重复行）" in text
    assert "第8行：证书编号：持证人在平台中已有同一项目的在用证书" in text
    assert "第9行：姓名“旧证持证人31”与平台中身份证号码" in text and "另一个名字" not in text
    assert "第10行：签发机关“忻州市应急管理局”不是本市的发证机关（运城市应急管理局）" in text
    assert "第11行：初领日期“去年”不是日期" in text
    assert "第12行：人员类别未填写" in text and "第12行：行业类别“养殖业”不在目录中" in text
    assert "第13行：操作项目“煤矿井下电气作业”由省级煤矿安全培训主管部门发证" in text
    assert "第14行：状态“作废”无法识别" in text
    assert not any(message.startswith("第2行") for message in messages)
    assert Person.objects.count() == persons and Certificate.objects.count() == certificates
    assert not CertificateEvent.objects.filter(kind="import").exists()


def test_two_live_certificates_of_one_holder_and_item_in_the_file_are_refused():
    old = special(40, **{"有效期开始日期": "2024-01-10", "有效期结束日期": "2030-01-10",
                        "应复审日期": "2027-01-10"})  # fmt: skip
    messages = rejected([special(40), old])
    assert messages == ["第3行：证书编号：与第2行是同一持证人同一项目的两张在用证书，只能有一张。"]


def test_an_ended_certificate_beside_a_live_one_imports():
    ended = special(41, **{"有效期开始日期": "2012-01-10", "有效期结束日期": "2018-01-10",
                          "应复审日期": "2015-01-10", "初领日期": "2012-01-10"})  # fmt: skip
    result = run([special(41), ended])
    assert result.statuses == {rules.VALID: 1, rules.INVALID: 1}


def test_the_same_file_twice_is_refused_the_second_time():
    run([special(42)])
    messages = rejected([special(42)])
    assert messages[0].startswith("第2行：证书编号：该证书已在平台中")


def test_the_problems_shown_stop_at_200_with_the_count(login_as):
    rows = [special(100 + n, **{"签发机关": "某某局"}) for n in range(205)]
    job = run(rows)
    assert job.status == rules.IMPORT_REFUSED and job.rows == 205
    assert job.problem_count == 205 and len(job.problems) == 200
    assert job.problems[-1]["row"] == 201
    page = login_as("yc_exam_center").get(f"/certificates/imports/{job.pk}/").content.decode()
    assert "文件有 205 处问题，未导入任何证书。下面列出前 200 处。" in page
    # The service alone says so too, as its last message.
    with pytest.raises(imports.ImportRejected) as refused:
        certificates_import(actor=acting_as("yc_exam_center"), file=sheet(rows))
    assert refused.value.messages[-1] == "……共 205 处问题，以上为前 200 处。"


def test_the_dry_run_writes_nothing():
    persons = Person.objects.count()
    result = run(GOOD, dry_run=True)
    assert result.status == rules.IMPORT_DONE and result.imported == 0
    assert result.certificates == 8 and result.statuses[rules.REVIEW_DUE] == 1
    assert result.persons_created == 8
    assert Person.objects.count() == persons
    assert not Certificate.objects.exists()
    assert not AuditRecord.objects.filter(action="certificate.imported").exists()


@pytest.mark.parametrize("username", ["yc_officer", "huaan_clerk", "demo_enterprise"])
def test_only_an_exam_center_imports(username):
    with pytest.raises(PermissionDenied):
        run(GOOD, actor=username)
    assert not Certificate.objects.exists() and not CertificateImport.objects.exists()


def test_another_citys_exam_center_cannot_import_this_citys_certificates():
    from peikao.exams.tests.application_factories import xinzhou_exam_center_user

    xinzhou_exam_center_user()
    messages = rejected([special(50)], actor="xz_exam_center")
    assert "不是本市的发证机关（忻州市应急管理局）" in messages[0]


def test_the_rows_of_a_file_are_checked_against_each_other():
    renamed = special(43, **{"姓名": "另一个人"})
    same_number = competence(45, **{"证书编号": an_id(44, woman=True)})
    messages = rejected([special(43), renamed, competence(44), same_number])
    assert messages == [
        "第3行：姓名“另一个人”与第2行同一身份证号码的姓名“旧证持证人43”不一致。",
        f"第5行：证书编号“{an_id(44, woman=True)}”与第4行相同，但持证人不同。",
    ]


def test_dates_the_law_makes_impossible_are_refused():
    born_1999 = an_id(19)  # 1980 + 19
    rows = [
        # Issued at 15: before the holder's 18th birthday.
        special(19, **{"初领日期": "2014-05-01"}),
        # Valid 7 years where the law gives 6.
        special(50, **{"有效期结束日期": "2032-01-10"}),
        # 2024 alone, a number: not the day 2024 of Excel's calendar (1905-07-16).
        special(51, **{"初领日期": 2024}),
        special(52, **{"状态": "撤销", "撤销日期": "2030-01-01"}),
        special(53, **{"撤销日期": "2026-01-01"}),
    ]
    messages = rejected(rows, header=[*HEADER, "撤销日期"])
    assert born_1999[6:10] == "1999"
    assert messages == [
        "第2行：初领日期（2014-05-01）时持证人未满18周岁"
        "（身份证号码的出生日期为1999-03-15），请核对。",
        "第3行：有效期结束日期（2032-01-10）距有效期开始日期（2025-01-10）"
        "超过了该证书的有效期 6 年，请核对。",
        "第4行：初领日期“2024”不是日期，请写成 2021-03-05、2021/3/5 或 2021年3月5日。",
        "第5行：撤销日期（2030-01-01）应在初领日期和今天之间。",
        "第6行：撤销日期已填写，但状态不是撤销：请核对状态或删去撤销日期。",
    ]


def test_an_item_code_excel_turned_into_an_ambiguous_number_is_refused():
    # 9.10 typed in a number cell is kept as 9.1; 1.2 has no 1.20 to be confused with.
    ambiguous = special(54, item=9.1, **{"作业类别": ""})
    messages = rejected([ambiguous])
    assert messages == [
        "第2行：操作项目被 Excel 存成了数字 9.1，分不清是 9.1 还是 9.10。"
        "请填写项目名称，或把该列设为文本后重新填写编号。"
    ]
    job = run([special(55, item=1.2)])
    assert job.status == rules.IMPORT_DONE and by_number("T" + an_id(55)).item_id == "1.2"


def test_both_names_of_the_item_column_are_read_and_must_agree():
    header = [*HEADER, "准操项目"]
    one_filled = special(56, item="", **{"准操项目": "低压电工作业"})
    assert run([one_filled], header=header).status == rules.IMPORT_DONE
    assert by_number("T" + an_id(56)).item_id == "1.2"
    disagreeing = special(57, **{"准操项目": "高压电工作业", "作业类别": ""})
    [message] = rejected([disagreeing], header=header)
    assert message.startswith(
        "第2行：操作项目在两列（操作项目、准操项目中的两个）都有填写，且不一致"
    )


def test_a_long_cell_is_quoted_cut_short():
    messages = rejected([special(58, **{"签发机关": "某" * 5000})])
    assert messages == [
        "第2行：签发机关不能超过100个字（现为5000个）。",
        f"第2行：签发机关“{'某' * 30}…”不是本市的发证机关（运城市应急管理局），"
        "只能导入本市签发的证书。",
    ]


def workbook_of(*sheets: tuple[str, list[list]]) -> SimpleUploadedFile:
    book = Workbook()
    assert book.active is not None
    book.remove(book.active)
    for title, lines in sheets:
        page = book.create_sheet(title)
        for line in lines:
            page.append(line)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("旧系统导出.xlsx", buffer.getvalue())


def lines_of(rows: list[dict]) -> list[list]:
    return [HEADER, *([row.get(title) for title in HEADER] for row in rows)]


def job_of(uploaded: SimpleUploadedFile) -> CertificateImport:
    with TestCase.captureOnCommitCallbacks(execute=True):
        job = certificate_import_start(
            actor=acting_as("yc_exam_center"), uploaded_file=uploaded, dry_run=False
        )
    job.refresh_from_db()
    return job


def test_the_certificates_sheet_is_found_below_a_title_and_beside_notes():
    notes = ("说明", [["本表由旧系统导出"], ["共 1 条"]])
    titled = ("证书", [["运城市特种作业操作证台账"], [], *lines_of([special(59)])])
    job = job_of(workbook_of(notes, titled))
    assert job.status == rules.IMPORT_DONE and job.imported == 1
    assert by_number("T" + an_id(59)).holder.name == "旧证持证人59"


def test_two_sheets_of_certificates_are_refused_since_one_would_be_left():
    job = job_of(
        workbook_of(("第一批", lines_of([special(61)])), ("续表", lines_of([special(62)])))
    )
    assert job.status == rules.IMPORT_REFUSED and job.imported == 0
    assert job.problems[0]["message"] == (
        "工作表“第一批”、“续表”都是证书表：一次只导入一个工作表，请合并到一个工作表后上传。"
    )
    assert not Certificate.objects.exists()


def test_a_header_missing_columns_is_named_with_its_sheet_and_row():
    job = job_of(workbook_of(("导出", [["台账"], ["姓名", "身份证号码", "签发机关"]])))
    assert job.status == rules.IMPORT_REFUSED
    assert job.problems[0]["message"].startswith(
        "工作表“导出”第2行像是表头，但缺少这些列：证书编号、初领日期"
    )


def test_a_file_that_is_no_xlsx_is_refused_at_once_and_no_job_is_made():
    actor = acting_as("yc_exam_center")
    for content in (b"not a spreadsheet", b"PK\x03\x04 broken"):
        with pytest.raises(DomainError) as refused:
            certificate_import_start(
                actor=actor, uploaded_file=SimpleUploadedFile("x.xlsx", content), dry_run=True
            )
        assert "不是 Excel 2007 及以上格式" in str(refused.value)
    with pytest.raises(DomainError, match="请选择要导入的 Excel 文件"):
        certificate_import_start(actor=actor, uploaded_file=None, dry_run=True)
    with pytest.raises(DomainError, match=r"文件是空的（0 字节）"):
        certificate_import_start(
            actor=actor, uploaded_file=SimpleUploadedFile("x.xlsx", b""), dry_run=True
        )
    assert not CertificateImport.objects.exists()


def test_a_file_larger_than_the_imports_bound_is_refused_at_once(monkeypatch):
    monkeypatch.setattr(imports, "MAX_FILE_BYTES", 1024)
    with pytest.raises(DomainError, match="文件过大"):
        certificate_import_start(
            actor=acting_as("yc_exam_center"), uploaded_file=upload(GOOD), dry_run=True
        )
    assert not CertificateImport.objects.exists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "表格是空的"),
        ("header", "缺少这些列：证书编号"),
        ("no rows", "表格中没有证书数据"),
    ],
)
def test_a_malformed_file_is_one_chinese_refusal(content, expected):
    if content is None:
        rows, header = [], []
    elif content == "header":
        rows, header = [special(60)], [t for t in HEADER if t != "证书编号"]
    else:
        rows, header = [], HEADER
    # Found once the file is read: the job ends refused with one problem of the whole file.
    job = run(rows, header=header)
    assert job.status == rules.IMPORT_REFUSED and job.problem_count == 1
    [problem] = job.problems
    assert problem["row"] is None and expected in problem["message"]
    # The service alone raises it as one refusal, not a refusal by row.
    with pytest.raises(DomainError) as refused:
        certificates_import(actor=acting_as("yc_exam_center"), file=sheet(rows, header))
    assert not isinstance(refused.value, imports.ImportRejected)
    assert expected in str(refused.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-03-05", date(2021, 3, 5)),
        ("2021/3/5", date(2021, 3, 5)),
        ("2021年3月5日", date(2021, 3, 5)),
        ("２０２１年３月５日", date(2021, 3, 5)),
        ("2021.03.05", date(2021, 3, 5)),
        ("20210305", date(2021, 3, 5)),
        (20210305, date(2021, 3, 5)),
        (44260, date(2021, 3, 5)),  # Excel's serial number
        ("2021-03-05 00:00:00", date(2021, 3, 5)),
        (datetime(2021, 3, 5), date(2021, 3, 5)),
        ("", None),
    ],
)
def test_dates_are_read_as_the_old_systems_write_them(text, expected):
    assert imports.parse_date(text) == expected


@pytest.mark.parametrize("text", ["2021-02-30", "三月", "2021-13-01"])
def test_a_date_that_is_not_one_is_refused(text):
    with pytest.raises(ValueError):
        imports.parse_date(text)


# --------------------------------------------------------------------------- the job


def test_a_job_is_queued_then_run_after_the_commit_and_audited():
    job = started(GOOD[:3])
    assert job.status == rules.IMPORT_QUEUED and job.dry_run is False
    assert job.original_name == "旧系统导出.xlsx" and len(job.sha256) == 64
    assert job.file.name.startswith("certificate_imports/") and job.file.name.endswith(".xlsx")
    assert job.exam_center.name == "运城市应急管理考试中心"
    assert job.created_by.username == "yc_exam_center"
    assert AuditRecord.objects.filter(action="certificate_import.queued").count() == 1
    assert not Certificate.objects.exists()  # nothing before the task runs
    certificate_import_after_commit(job.pk)
    job.refresh_from_db()
    assert job.status == rules.IMPORT_DONE and job.started_at and job.finished_at
    assert (job.rows, job.certificates, job.imported) == (3, 3, 3)
    assert job.statuses == {rules.VALID: 1, rules.REVIEW_DUE: 1, rules.OVERDUE: 1}
    assert job.problems == [] and job.problem_count == 0 and job.error == ""
    assert Certificate.objects.filter(imported=True).count() == 3
    for action in ("certificate_import.started", "certificate_import.finished"):
        assert AuditRecord.objects.filter(action=action).count() == 1, action
    imported = AuditRecord.objects.get(action="certificate.imported")
    assert imported.detail["file_sha256"] == job.sha256
    assert imported.actor.username == "yc_exam_center"  # the clerk, not the task


def test_row_errors_end_the_job_refused_with_its_problems_and_audited():
    job = run([special(90), special(91, item="不存在的作业")])
    assert job.status == rules.IMPORT_REFUSED and job.rows == 2 and job.imported == 0
    assert job.problems == [
        {
            "row": 3,
            "column": "操作项目",
            "reason": job.problems[0]["reason"],
            "message": "第3行：" + job.problems[0]["reason"],
        }
    ]
    assert "不在目录中" in job.problems[0]["reason"]
    assert not Certificate.objects.exists() and not Person.objects.filter(name="旧证持证人90")
    record = AuditRecord.objects.get(action="certificate_import.refused")
    assert record.detail["problem_count"] == 1


def test_running_the_task_twice_does_nothing_twice():
    job = started(GOOD[:2])
    certificate_import_after_commit(job.pk)
    audited = AuditRecord.objects.count()
    finished_at = CertificateImport.objects.get(pk=job.pk).finished_at
    assert certificate_import_after_commit.call_local(job.pk) == rules.IMPORT_DONE
    assert Certificate.objects.filter(imported=True).count() == 2
    assert AuditRecord.objects.count() == audited
    assert CertificateImport.objects.get(pk=job.pk).finished_at == finished_at
    assert certificate_import_after_commit.call_local(987_654_321) == ""  # a job that is gone


def test_a_running_job_is_left_to_its_run():
    job = started(GOOD[:1])
    CertificateImport.objects.filter(pk=job.pk).update(status=rules.IMPORT_RUNNING)
    assert certificate_import_after_commit.call_local(job.pk) == rules.IMPORT_RUNNING
    assert not Certificate.objects.exists()


def test_an_unexpected_error_fails_the_job_writing_nothing(monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importing, "_draw_after_commit", broken)  # after the rows are written
    job = run(GOOD[:2])
    assert job.status == rules.IMPORT_FAILED and job.finished_at
    assert "RuntimeError" in job.error and "未导入任何证书" in job.error
    assert "disk full" not in job.error  # the log has the details, not the page
    assert not Certificate.objects.exists() and not Person.objects.filter(name="旧证持证人1")
    assert not AuditRecord.objects.filter(action="certificate.imported").exists()
    assert AuditRecord.objects.get(action="certificate_import.failed").detail["error"]
    assert "certificate import" in caplog.text


def test_a_clerk_who_left_the_exam_center_before_the_run_imports_nothing():
    job = started(GOOD[:1])
    Membership.objects.filter(user__username="yc_exam_center").update(active=False)
    certificate_import_after_commit(job.pk)
    job.refresh_from_db()
    assert job.status == rules.IMPORT_REFUSED and "考试中心" in job.problems[0]["message"]
    assert not Certificate.objects.exists()


def test_a_passed_check_imports_its_stored_file_once():
    check = run(GOOD[:3], dry_run=True)
    assert check.status == rules.IMPORT_DONE and not Certificate.objects.exists()
    actor = acting_as("yc_exam_center")
    with TestCase.captureOnCommitCallbacks(execute=True):
        job = certificate_import_from_check(actor=actor, import_id=check.pk)
    job.refresh_from_db()
    assert job.pk != check.pk and job.checked == check and not job.dry_run
    assert (job.file.name, job.sha256, job.original_name) == (
        check.file.name,
        check.sha256,
        check.original_name,
    )
    assert job.status == rules.IMPORT_DONE and job.imported == 3
    assert Certificate.objects.filter(imported=True).count() == 3
    with pytest.raises(Conflict, match="已提交导入"):
        certificate_import_from_check(actor=actor, import_id=check.pk)
    with pytest.raises(Conflict, match="只有预检通过的任务"):
        certificate_import_from_check(actor=actor, import_id=job.pk)  # not a 预检
    refused_check = run([special(95, item="不存在的作业")], dry_run=True)
    with pytest.raises(Conflict, match="只有预检通过的任务"):
        certificate_import_from_check(actor=actor, import_id=refused_check.pk)


def test_a_job_is_seen_by_its_citys_exam_center_only():
    from peikao.exams.tests.application_factories import xinzhou_exam_center_user

    xinzhou_exam_center_user()
    job = started(GOOD[:1], dry_run=True)
    assert importing.certificate_import_detail(acting_as("yc_exam_center"), job.pk) == job
    for username in ("xz_exam_center", "yc_officer", "yc_admin", "huaan_clerk", "demo_trainee"):
        with pytest.raises(NotFound):
            importing.certificate_import_detail(acting_as(username), job.pk)
        assert not importing.certificate_imports_recent(acting_as(username))


# --------------------------------------------------------------------------- the page


def post_and_run(client, data) -> CertificateImport:
    """The upload, its task run after the request's commit; the job it redirected to."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post("/certificates/import/", data)
    assert response.status_code == 302, response.content[:500]
    job = CertificateImport.objects.get()
    assert response["Location"] == f"/certificates/imports/{job.pk}/"
    return job


def test_the_page_shows_each_problem_in_chinese_and_imports_nothing(login_as):
    client = login_as("yc_exam_center")
    assert client.get("/certificates/import/").status_code == 200
    job = post_and_run(client, {"file": upload([special(70, item="不存在的作业")])})
    response = client.get(f"/certificates/imports/{job.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "文件有 1 处问题，未导入任何证书" in page
    assert "第2行：操作项目“不存在的作业”不在目录中" in page
    assert "hx-trigger" not in page  # ended: no more polling
    assert not Certificate.objects.exists()


def test_the_page_checks_then_imports_the_same_stored_file(login_as):
    client = login_as("yc_exam_center")
    check = post_and_run(client, {"file": upload(GOOD[:3]), "dry_run": "1"})
    page = client.get(f"/certificates/imports/{check.pk}/").content.decode()
    assert "预检通过：共 3 行" in page and 'data-testid="import-from-check"' in page
    assert not Certificate.objects.exists()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(f"/certificates/imports/{check.pk}/import/")
    job = CertificateImport.objects.exclude(pk=check.pk).get()
    assert response["Location"] == f"/certificates/imports/{job.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "已导入 3 张证书" in page and f"预检任务 {check.pk}" in page
    assert Certificate.objects.filter(imported=True).count() == 3
    # The check's page now links the import instead of offering it again.
    page = client.get(f"/certificates/imports/{check.pk}/").content.decode()
    assert f"导入任务 {job.pk}" in page and 'data-testid="import-from-check"' not in page
    response = client.post(f"/certificates/imports/{check.pk}/import/", follow=True)
    assert "已提交导入" in response.content.decode()
    assert CertificateImport.objects.count() == 2
    # The upload page lists both jobs.
    page = client.get("/certificates/import/").content.decode()
    assert f'data-import="{check.pk}"' in page and f'data-import="{job.pk}"' in page


def test_the_progress_fragment_polls_while_the_job_waits_or_runs(login_as):
    client = login_as("yc_exam_center")
    with TestCase.captureOnCommitCallbacks() as queued:
        response = client.post("/certificates/import/", {"file": upload(GOOD[:1])})
    job = CertificateImport.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "<progress" in page and 'hx-trigger="every 2s"' in page and "排队中" in page
    fragment = client.get(f"/certificates/imports/{job.pk}/", headers={"HX-Request": "true"})
    text = fragment.content.decode()
    assert text.lstrip().startswith('<div id="import-progress"') and "<html" not in text
    assert f'hx-get="/certificates/imports/{job.pk}/"' in text
    assert 'hx-swap="outerHTML"' in text and "<script" not in text and "style=" not in text
    CertificateImport.objects.filter(pk=job.pk).update(status=rules.IMPORT_RUNNING)
    text = client.get(f"/certificates/imports/{job.pk}/", headers={"HX-Request": "true"})
    assert "处理中" in text.content.decode() and "every 2s" in text.content.decode()
    CertificateImport.objects.filter(pk=job.pk).update(status=rules.IMPORT_QUEUED)
    for callback in queued:
        callback()
    text = client.get(f"/certificates/imports/{job.pk}/", headers={"HX-Request": "true"})
    body = text.content.decode()
    assert "已导入 1 张证书" in body and "hx-trigger" not in body and "<progress" not in body


def test_the_page_refuses_a_broken_file_in_chinese_and_others_than_the_exam_center(login_as):
    client = login_as("yc_exam_center")
    broken = SimpleUploadedFile("x.xlsx", b"PK\x03\x04 broken")
    response = client.post("/certificates/import/", {"file": broken})
    assert response.status_code == 400 and "无法读取" in response.content.decode()
    response = client.post("/certificates/import/", {})
    assert response.status_code == 400 and "请选择要导入的 Excel 文件" in response.content.decode()
    assert not CertificateImport.objects.exists()
    assert login_as("yc_officer").get("/certificates/import/").status_code == 403


def test_a_job_page_answers_404_to_all_but_its_citys_exam_center(login_as):
    from peikao.exams.tests.application_factories import xinzhou_exam_center_user

    xinzhou_exam_center_user()
    job = started(GOOD[:1], dry_run=True)
    certificate_import_after_commit(job.pk)
    for username in ("xz_exam_center", "yc_officer", "huaan_clerk", "demo_trainee"):
        client = login_as(username)
        for url in (f"/certificates/imports/{job.pk}/", "/certificates/imports/987654321/"):
            assert client.get(url).status_code == 404, (username, url)
        assert client.post(f"/certificates/imports/{job.pk}/import/").status_code in (403, 404)
    for username in ("yc_officer", "huaan_clerk", "demo_enterprise"):
        response = login_as(username).post("/certificates/import/", {"file": upload(GOOD)})
        assert response.status_code == 403, username
    client = login_as("xz_exam_center")
    assert client.get("/certificates/import/").status_code == 200
    assert f'data-import="{job.pk}"' not in client.get("/certificates/import/").content.decode()
    assert CertificateImport.objects.count() == 1 and not Certificate.objects.exists()


# --------------------------------------------------------------------------- the API

API = "/api/certificates/import"


def api_post(client, url, data=None):
    """A POST whose job's task runs after the request's commit."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, data or {})


def test_the_api_checks_imports_and_refuses_by_row(login_as):
    client = login_as("yc_exam_center")
    response = api_post(client, f"{API}?dry_run=true", {"file": upload(GOOD)})
    assert response.status_code == 202, response.content
    body = client.get(f"/api/certificates/imports/{response.json()['id']}").json()
    assert body["status"] == "done" and body["status_name"] == "已完成"
    assert body["dry_run"] is True and body["certificates"] == 8 and body["imported"] == 0
    assert body["statuses"]["suspended"] == 1
    assert not Certificate.objects.exists()
    response = api_post(client, API, {"file": upload([special(80, **{"签发机关": "某局"})])})
    assert response.status_code == 202
    body = client.get(f"/api/certificates/imports/{response.json()['id']}").json()
    assert body["status"] == "refused" and body["problem_count"] == 1
    assert body["problems"][0]["row"] == 2
    assert body["problems"][0]["column"] == "签发机关"
    assert body["problems"][0]["message"].startswith("第2行：签发机关“某局”")
    response = api_post(client, API, {"file": upload(GOOD)})
    assert response.status_code == 202
    body = client.get(f"/api/certificates/imports/{response.json()['id']}").json()
    assert body["status"] == "done" and body["imported"] == 8
    assert Certificate.objects.filter(imported=True).count() == 8


def test_the_api_answers_the_job_queued_then_imports_a_passed_check(login_as):
    client = login_as("yc_exam_center")
    with TestCase.captureOnCommitCallbacks() as queued:
        response = client.post(f"{API}?dry_run=true", {"file": upload(GOOD[:2])})
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued" and body["dry_run"] is True and body["problems"] == []
    assert body["original_name"] == "旧系统导出.xlsx" and body["checked"] is None
    for callback in queued:
        callback()
    response = api_post(client, f"/api/certificates/imports/{body['id']}/import")
    assert response.status_code == 202, response.content
    job = client.get(f"/api/certificates/imports/{response.json()['id']}").json()
    assert job["checked"] == body["id"] and job["status"] == "done" and job["imported"] == 2
    response = client.post(f"/api/certificates/imports/{body['id']}/import")
    assert response.status_code == 409 and "已提交导入" in response.json()["detail"]


def test_the_api_refuses_a_broken_file_with_one_problem_and_others_with_403(login_as):
    client = login_as("yc_exam_center")
    response = client.post(API, {"file": SimpleUploadedFile("x.xlsx", b"nonsense")})
    assert response.status_code == 400
    body = response.json()
    assert body["problems"][0]["row"] is None and "xlsx" in body["detail"]
    response = login_as("yc_officer").post(API, {"file": upload(GOOD)})
    assert response.status_code == 403 and "考试中心" in response.json()["detail"]
    assert not Certificate.objects.exists() and not CertificateImport.objects.exists()


def test_the_api_answers_404_for_another_citys_job_and_a_missing_one(login_as):
    from peikao.exams.tests.application_factories import xinzhou_exam_center_user

    xinzhou_exam_center_user()
    job = started(GOOD[:1], dry_run=True)
    assert login_as("yc_exam_center").get(f"/api/certificates/imports/{job.pk}").status_code == 200
    for username in ("xz_exam_center", "yc_officer", "huaan_clerk", "demo_trainee"):
        client = login_as(username)
        real = client.get(f"/api/certificates/imports/{job.pk}")
        missing = client.get("/api/certificates/imports/987654321")
        assert real.status_code == missing.status_code == 404, username
        assert real.json() == missing.json()
        real = client.post(f"/api/certificates/imports/{job.pk}/import")
        missing = client.post("/api/certificates/imports/987654321/import")
        assert real.status_code == missing.status_code and real.status_code in (403, 404)


def test_a_job_whose_worker_died_is_failed_by_the_hourly_sweep(time_machine):
    from datetime import timedelta

    from peikao.audit.transitions import transition_apply
    from peikao.certificates.services.importing import certificate_imports_fail_stale

    sweeper = Actor.system("sweep")
    job = started([special(1)])
    transition_apply(
        job,
        rules.CERTIFICATE_IMPORT,
        "start",
        actor=sweeper,
        changes={"started_at": timezone.now()},
    )
    assert certificate_imports_fail_stale(actor=sweeper) == 0  # still within its time
    time_machine.shift(timedelta(hours=3))
    assert certificate_imports_fail_stale(actor=sweeper) == 1
    job.refresh_from_db()
    assert job.status == "failed" and "处理中断" in job.error
    assert not Certificate.objects.exists()

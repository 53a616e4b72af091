"""The bank's spreadsheet: all or nothing with every bad row named by row, column and reason;
the export imports again as it is (the round trip); the template."""

import io

import pytest
from openpyxl import load_workbook

from peikao.accounts.testing import acting_as
from peikao.audit.models import AuditRecord
from peikao.core.errors import DomainError, NotFound
from peikao.exams.models import Chapter, Question, QuestionBank, QuestionVersion
from peikao.exams.rules.bank import answer_text
from peikao.exams.seed_bank import bank_file_load
from peikao.exams.selectors.bank import latest_versions
from peikao.exams.services.bank import (
    ImportRejected,
    bank_export,
    bank_import,
    bank_template,
    question_create,
)
from peikao.exams.tests.bank_helpers import fixture_data, row, workbook_of

pytestmark = pytest.mark.django_db

CENTER = "yc_exam_center"


@pytest.fixture
def bank() -> QuestionBank:
    return bank_file_load(fixture_data())


def good_rows():
    return [
        row("判断题", "导入判断题：作业前应办理工作票。", answer="对", chapter="T1"),
        row(
            "判断题",
            "导入判断题：可以约时停送电。",
            answer="×",
            chapter="操作技术",
            difficulty="中",
        ),
        row(
            "单选题",
            "导入单选题：安全色中表示禁止的是？",
            ["红色", "黄色", "绿色"],
            "A",
            "T1",
            "易",
        ),
        row(
            "多选题",
            "导入多选题：电气火灾可用的灭火器有？",
            ["二氧化碳", "干粉", "泡沫", "水"],
            "A,B",
            "T2",
            "难",
            "泡沫和水导电",
            "测试",
        ),
    ]


def test_a_good_file_imports_every_row_and_is_audited(bank):
    result = bank_import(actor=acting_as(CENTER), bank_id=bank.pk, file=workbook_of(good_rows()))
    assert (result.rows, result.created) == (4, 4)
    stems = set(latest_versions(bank).values_list("stem", flat=True))
    assert "导入多选题：电气火灾可用的灭火器有？" in stems
    multiple = QuestionVersion.objects.get(stem="导入多选题：电气火灾可用的灭火器有？")
    assert (multiple.answer, multiple.difficulty, multiple.explanation) == (
        [0, 1],
        3,
        "泡沫和水导电",
    )
    assert QuestionVersion.objects.get(stem="导入判断题：可以约时停送电。").answer == [1]
    assert AuditRecord.objects.filter(action="question_bank.imported").count() == 1


def test_a_dry_run_writes_nothing(bank):
    result = bank_import(
        actor=acting_as(CENTER), bank_id=bank.pk, file=workbook_of(good_rows()), dry_run=True
    )
    assert (result.rows, result.created) == (4, 0)
    assert Question.objects.filter(bank=bank).count() == 6


def test_every_bad_row_is_named_and_nothing_is_written(bank):
    rows = [
        *good_rows(),
        row("判断题", "", answer="对"),  # row 6
        row("单选题", "坏的单选题", ["甲", "乙"], "C", "T9", "极难"),  # row 7
        row("判断题", "导入判断题：作业前应办理工作票。", answer="对"),  # row 8: as row 2
        row("判断题", "测试判断题一：作业前应检查工具。", answer="对"),  # row 9: in the bank
        row("多选题", "坏的多选题", ["甲", "乙", "丙"], "A"),  # row 10
        row("判断题", "坏的判断题", ["甲"], "是"),  # row 11
    ]
    with pytest.raises(ImportRejected) as refused:
        bank_import(actor=acting_as(CENTER), bank_id=bank.pk, file=workbook_of(rows))
    assert [(p.row, p.column, p.reason) for p in refused.value.problems] == [
        (6, "题干", "请填写题干。"),
        (7, "答案", "答案中的C没有对应的选项（本题只有2个选项）。"),
        (7, "章节", "章节“T9”不在本题库中，请填写本题库的章节代码或名称。"),
        (7, "难度", "难度应为易、中或难。"),
        (8, "题干", "与第2行的题干相同。"),
        (9, "题干", "题库中已有题干相同的试题。"),
        (10, "答案", "多选题至少有两个正确答案，现为“A”。"),
        (11, "选项A", "判断题不填选项。"),
    ]
    assert str(refused.value.problems[0]) == "第6行“题干”：请填写题干。"
    assert Question.objects.filter(bank=bank).count() == 6
    assert not AuditRecord.objects.filter(action="question_bank.imported").exists()


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (None, "请选择要导入的 Excel 文件（.xlsx）。"),
        (io.BytesIO(b"not a workbook"), "文件不是 Excel 2007 及以上格式"),
        (workbook_of([], headers=["题型", "题干"]), "缺少这些列：选项A"),
        (
            workbook_of(
                [row()],
                headers=[
                    "题型",
                    "题干",
                    "选项A",
                    "选项B",
                    "选项C",
                    "选项D",
                    "选项E",
                    "选项F",
                    "答案",
                    "解析",
                    "章节",
                    "难度",
                    "备注",
                ],
            ),
            "无法识别这些列：备注",
        ),
        (workbook_of([]), "文件中没有试题"),
    ],
)
def test_a_file_refused_as_a_whole_says_why(bank, file, message):
    with pytest.raises(DomainError) as refused:
        bank_import(actor=acting_as(CENTER), bank_id=bank.pk, file=file)
    assert message in str(refused.value)
    assert Question.objects.filter(bank=bank).count() == 6


def test_a_file_without_the_optional_source_column_imports(bank):
    headers = [
        "题型",
        "题干",
        "选项A",
        "选项B",
        "选项C",
        "选项D",
        "选项E",
        "选项F",
        "答案",
        "解析",
        "章节",
        "难度",
    ]
    rows = [r[:-1] for r in good_rows()]
    assert (
        bank_import(
            actor=acting_as(CENTER), bank_id=bank.pk, file=workbook_of(rows, headers)
        ).created
        == 4
    )


def test_import_is_for_bank_writers_only(bank):
    with pytest.raises(NotFound):
        bank_import(
            actor=acting_as("huaan_point_clerk"), bank_id=bank.pk, file=workbook_of(good_rows())
        )
    with pytest.raises(DomainError, match="只有考试中心或省级应急管理部门"):
        bank_import(actor=acting_as("yc_officer"), bank_id=bank.pk, file=workbook_of(good_rows()))
    assert Question.objects.filter(bank=bank).count() == 6


def content_of(bank: QuestionBank) -> list[tuple]:
    return sorted(
        (
            v.question_type,
            v.stem,
            tuple(v.options),
            answer_text(v.question_type, v.answer),
            v.explanation,
            v.chapter.code,
            v.difficulty,
            v.source,
        )
        for v in latest_versions(bank).filter(question__retired=False).select_related("chapter")
    )


def test_the_export_imports_again_as_it_is():
    """The round trip on the whole demo 1.2 bank: exported, imported into an empty bank with
    the same chapters, the same questions."""
    center = acting_as(CENTER)
    source = QuestionBank.objects.get(key="low_voltage_electrician")
    # A stem that a spreadsheet would take for a formula survives too.
    question_create(
        actor=center,
        bank_id=source.pk,
        question_type="判断题",
        stem="=1+1 不是公式，是题干。",
        answer="对",
        chapter="LV1",
        difficulty="易",
    )
    _bank, content = bank_export(actor=center, bank_id=source.pk)
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header[:12] == [
        "题型",
        "题干",
        "选项A",
        "选项B",
        "选项C",
        "选项D",
        "选项E",
        "选项F",
        "答案",
        "解析",
        "章节",
        "难度",
    ]
    copy = QuestionBank.objects.create(
        key="round_trip", title="往返", post_category=source.post_category, item=source.item
    )
    for chapter in source.chapters.all():
        Chapter.objects.create(bank=copy, code=chapter.code, name=chapter.name)
    result = bank_import(actor=center, bank_id=copy.pk, file=io.BytesIO(content))
    assert result.created == 245
    assert content_of(copy) == content_of(source)
    # Importing the export into its own bank: every row is a duplicate, nothing is written.
    with pytest.raises(ImportRejected) as refused:
        bank_import(actor=center, bank_id=source.pk, file=io.BytesIO(content))
    assert len(refused.value.problems) == 245
    assert {p.reason for p in refused.value.problems} == {"题库中已有题干相同的试题。"}


def test_the_template_has_the_layout_and_the_bank_s_chapters(bank):
    _bank, content = bank_template(actor=acting_as(CENTER), bank_id=bank.pk)
    book = load_workbook(io.BytesIO(content))
    assert [cell.value for cell in book["试题"][1]][:12] == [
        "题型",
        "题干",
        "选项A",
        "选项B",
        "选项C",
        "选项D",
        "选项E",
        "选项F",
        "答案",
        "解析",
        "章节",
        "难度",
    ]
    assert [tuple(r) for r in book["章节"].iter_rows(values_only=True)] == [
        ("章节代码", "章节名称"),
        ("T1", "安全基础"),
        ("T2", "操作技术"),
    ]
    with pytest.raises(NotFound):
        bank_template(actor=acting_as("demo_trainee"), bank_id=bank.pk)

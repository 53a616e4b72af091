"""Questions: validation refusals in Chinese that change nothing, versions (a paper keeps its
version after an edit), retiring, who may write and who may not even see; the demo bank's
loader on a fixture file of our own."""

import pytest

from peikao.accounts.testing import acting_as
from peikao.audit.models import AuditRecord
from peikao.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from peikao.exams.models import Paper, PaperQuestion, Question, QuestionBank, QuestionVersion
from peikao.exams.seed_bank import bank_file_load, load_demo_banks
from peikao.exams.selectors import bank as selectors
from peikao.exams.services.bank import (
    ImportRejected,
    question_create,
    question_edit,
    question_retire,
)
from peikao.exams.tests.bank_helpers import fixture_data
from peikao.exams.tests.factories import ExamApplicationFactory, blueprint

pytestmark = pytest.mark.django_db

CENTER = "yc_exam_center"


@pytest.fixture
def bank() -> QuestionBank:
    return bank_file_load(fixture_data())


def fields(**changes):
    values = {
        "question_type": "单选题",
        "stem": "新录入的单选题：低压验电器的测量范围一般是？",
        "options": ["60–500 V", "1000 V 以上", "10 kV"],
        "answer": "A",
        "chapter": "T1",
        "difficulty": "中",
        "explanation": "低压验电器适用于 60–500 V。",
        "source": "测试",
    }
    values.update(changes)
    return values


def test_the_demo_banks_are_seeded_with_their_blueprints():
    low_voltage = QuestionBank.objects.get(key="low_voltage_electrician")
    assert low_voltage.demo and "演示" in low_voltage.notice
    assert Question.objects.filter(bank=low_voltage).count() == 244
    (plan,) = low_voltage.blueprints.all()
    assert (plan.duration_minutes, plan.pass_mark) == (120, 80)
    assert selectors.blueprint_check(plan) == []
    parts = selectors.blueprint_parts(plan)
    assert sum(part.count for part in parts if part.question_type == "true_false") == 70
    assert sum(part.count for part in parts if part.question_type == "single_choice") == 30
    principal = QuestionBank.objects.get(key="hazardous_chemicals_principal")
    assert principal.demo and principal.industry.code == "hazardous_chemicals"
    (principal_plan,) = principal.blueprints.all()
    assert selectors.blueprint_check(principal_plan) == []
    principal_parts = selectors.blueprint_parts(principal_plan)
    assert [
        sum(p.count for p in principal_parts if p.question_type == kind)
        for kind in ("true_false", "single_choice", "multiple_choice")
    ] == [40, 40, 10]
    assert {p.points for p in principal_parts if p.question_type == "multiple_choice"} == {2}
    # At least twice what one paper needs, as the issue asks.
    assert Question.objects.filter(bank=principal).count() >= 180
    # Loading again adds nothing.
    load_demo_banks()
    assert Question.objects.filter(bank=low_voltage).count() == 244
    assert low_voltage.blueprints.count() == 1


def test_the_loader_reads_a_bank_file_through_the_spreadsheet_s_checks(bank):
    versions = {v.stem: v for v in QuestionVersion.objects.filter(question__bank=bank)}
    assert len(versions) == 6
    false_one = versions["测试判断题二：可以带电更换熔断器。"]
    assert (false_one.answer, false_one.chapter.code, false_one.options) == ([1], "T1", [])
    assert versions["测试判断题三：停电后应验电。"].answer == [0]  # √
    multiple = versions["测试多选题一：保证安全的技术措施有？"]
    assert (multiple.answer, multiple.difficulty) == ([0, 1, 2], 2)
    assert bank_file_load(fixture_data()).questions.count() == 6


def test_a_bad_question_in_a_bank_file_names_its_place_and_writes_nothing():
    data = fixture_data()
    data["bank"] = "another_fixture"
    data["questions"][3]["answer"] = "D"
    data["questions"][5]["answer"] = "A"
    with pytest.raises(ImportRejected) as refused:
        bank_file_load(data)
    assert [str(problem) for problem in refused.value.problems] == [
        "第4行“答案”：答案中的D没有对应的选项（本题只有3个选项）。",
        "第6行“答案”：多选题至少有两个正确答案，现为“A”。",
    ]
    assert not Question.objects.filter(bank__key="another_fixture").exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"question_type": "填空题"}, "“题型”：题型应为判断题、单选题或多选题。"),
        ({"stem": "  "}, "“题干”：请填写题干。"),
        ({"question_type": "判断题", "answer": "对"}, "“选项A”：判断题不填选项。"),
        (
            {"question_type": "判断题", "options": [], "answer": "A"},
            "“答案”：判断题的答案应为“对”或“错”（也可填√或×），不能是“A”。",
        ),
        ({"options": ["只有一个"]}, "“选项A”：单选题至少需要2个选项。"),
        (
            {"options": ["甲", "", "丙"]},
            "“选项B”：选项B为空，而后面还有选项：选项须从A起连续填写。",
        ),
        ({"options": ["甲", "甲"]}, "“选项A”：选项内容有重复。"),
        ({"answer": "AB"}, "“答案”：单选题只能有一个答案，现为“AB”。"),
        ({"answer": "E"}, "“答案”：答案中的E没有对应的选项（本题只有3个选项）。"),
        ({"answer": "甲"}, "“答案”：答案应为选项字母（A–F），如“A”或“ACD”，不能是“甲”。"),
        ({"question_type": "多选题", "answer": "B"}, "“答案”：多选题至少有两个正确答案，现为“B”。"),
        ({"question_type": "多选题", "answer": "AA"}, "“答案”：答案“AA”中有重复的字母。"),
        ({"chapter": "LV1"}, "“章节”：章节“LV1”不在本题库中，请填写本题库的章节代码或名称。"),
        ({"difficulty": "很难"}, "“难度”：难度应为易、中或难。"),
        ({"stem": "测试判断题一：作业前应检查工具。"}, "“题干”：题库中已有题干相同的试题。"),
        ({"options": [str(n) for n in range(7)]}, "选项最多6个（A–F）。"),
    ],
)
def test_a_bad_question_is_refused_in_chinese_and_nothing_is_written(bank, changes, message):
    before = QuestionVersion.objects.count()
    with pytest.raises(DomainError) as refused:
        question_create(actor=acting_as(CENTER), bank_id=bank.pk, **fields(**changes))
    assert message in refused.value.messages
    assert QuestionVersion.objects.count() == before
    assert not AuditRecord.objects.filter(action="question.created").exists()


def test_a_chapter_of_another_bank_is_not_this_bank_s():
    low_voltage = QuestionBank.objects.get(key="low_voltage_electrician")
    data = fixture_data()
    other = bank_file_load(data)
    with pytest.raises(DomainError) as refused:
        question_create(actor=acting_as(CENTER), bank_id=other.pk, **fields(chapter="LV2"))
    assert "不在本题库中" in str(refused.value)
    assert low_voltage.chapters.filter(code="LV2").exists()


def test_a_question_is_created_with_its_first_version_and_audited(bank):
    question = question_create(
        actor=acting_as(CENTER), bank_id=bank.pk, **fields(chapter="操作技术", answer="a")
    )
    (version,) = question.versions.all()
    assert (version.number, version.chapter.code, version.answer) == (1, "T2", [0])
    assert version.created_by.username == CENTER
    assert AuditRecord.objects.filter(
        action="question.created", object_id=str(question.pk)
    ).exists()


def test_an_edit_makes_a_new_version_and_a_paper_keeps_the_one_it_drew(bank):
    center = acting_as(CENTER)
    question = question_create(actor=center, bank_id=bank.pk, **fields())
    first = question.versions.get()
    plan = blueprint(bank, [("single_choice", None, 1, "100")])
    application = ExamApplicationFactory.create()
    paper = Paper.objects.create(application=application, blueprint=plan, seed="s")
    PaperQuestion.objects.create(
        paper=paper, position=1, question_version=first, option_order=[2, 0, 1], points=100
    )
    second = question_edit(
        actor=center, question_id=question.pk, **fields(stem="改过的题干：低压验电器的测量范围？")
    )
    assert second.number == 2
    first.refresh_from_db()
    assert first.stem == "新录入的单选题：低压验电器的测量范围一般是？"
    assert PaperQuestion.objects.get(paper=paper).question_version_id == first.pk
    # The bank's lists show the new version; the old one stays in the history.
    shown = selectors.question_list(center, bank, search="低压验电器")
    assert [v.pk for v in shown] == [second.pk]
    history = selectors.question_detail(center, question.pk).version_history  # type: ignore[attr-defined]
    assert [v.number for v in history] == [2, 1]
    # Its own stem is not a duplicate of itself.
    third = question_edit(
        actor=center, question_id=question.pk, **fields(answer="B", stem=second.stem)
    )
    assert third.number == 3


def test_an_edit_that_changes_nothing_is_refused(bank):
    center = acting_as(CENTER)
    question = question_create(actor=center, bank_id=bank.pk, **fields())
    with pytest.raises(DomainError, match="试题内容没有变化"):
        question_edit(actor=center, question_id=question.pk, **fields())
    assert question.versions.count() == 1


def test_a_retired_question_is_drawn_no_more_and_cannot_be_edited(bank):
    center = acting_as(CENTER)
    question = question_create(actor=center, bank_id=bank.pk, **fields())
    with pytest.raises(DomainError, match="停用试题须填写原因"):
        question_retire(actor=center, question_id=question.pk, reason=" ")
    question_retire(actor=center, question_id=question.pk, reason="题目表述有歧义")
    assert Question.objects.get(pk=question.pk).retired
    assert selectors.available_counts(bank)[("single_choice", "T1")] == 1
    with pytest.raises(Conflict, match="已经停用"):
        question_retire(actor=center, question_id=question.pk, reason="再停一次")
    with pytest.raises(Conflict, match="已停用，不能修改"):
        question_edit(actor=center, question_id=question.pk, **fields(answer="B"))
    # Its stem is free again.
    question_create(actor=center, bank_id=bank.pk, **fields())


@pytest.mark.parametrize(
    "username",
    [
        "huaan_point_clerk",
        "huaan_proctor",
        "huaan_examiner",
        "huaan_clerk",
        "demo_enterprise",
        "demo_trainee",
    ],
)
def test_those_who_may_not_see_the_bank_get_not_found(bank, username):
    actor = acting_as(username)
    with pytest.raises(NotFound):
        selectors.bank_list(actor)
    with pytest.raises(NotFound):
        selectors.bank_detail(actor, bank.pk)
    with pytest.raises(NotFound):
        question_create(actor=actor, bank_id=bank.pk, **fields())
    question = Question.objects.filter(bank=bank).first()
    with pytest.raises(NotFound):
        selectors.question_detail(actor, question.pk)
    with pytest.raises(NotFound):
        question_retire(actor=actor, question_id=question.pk, reason="x")
    assert Question.objects.filter(bank=bank).count() == 6


@pytest.mark.parametrize("username", ["yc_admin", "yc_officer", "xz_officer", "yanhu_officer"])
def test_a_city_or_county_regulator_reads_the_bank_but_does_not_write_it(bank, username):
    actor = acting_as(username)
    assert bank in selectors.bank_list(actor)
    with pytest.raises(PermissionDenied, match="只有考试中心或省级应急管理部门可以维护题库"):
        question_create(actor=actor, bank_id=bank.pk, **fields())
    assert Question.objects.filter(bank=bank).count() == 6


def test_the_provincial_regulator_writes_the_bank(bank):
    question_create(actor=acting_as("province_admin"), bank_id=bank.pk, **fields())
    assert Question.objects.filter(bank=bank).count() == 7

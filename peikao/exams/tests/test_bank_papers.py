"""Blueprints (refusals naming the short part, versions) and drawing the papers of a seated
session in the database: regenerated from the stored rows, identical."""

from decimal import Decimal
from typing import Any

import pytest

from peikao.accounts.actor import Actor
from peikao.accounts.testing import acting_as
from peikao.audit.models import AuditRecord
from peikao.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from peikao.exams.models import (
    Blueprint,
    ExamApplication,
    ExamSession,
    Paper,
    PaperPool,
    PaperQuestion,
    QuestionBank,
    QuestionVersion,
)
from peikao.exams.rules.papers import paper_meets_blueprint
from peikao.exams.seed_bank import bank_file_load
from peikao.exams.selectors.bank import blueprint_check, blueprint_parts
from peikao.exams.selectors.sessions import session_plans
from peikao.exams.services.bank import question_edit, question_retire
from peikao.exams.services.papers import (
    blueprint_save,
    paper_regenerate,
    paper_stored,
    papers_draw,
    pool_questions,
)
from peikao.exams.tests.bank_helpers import fixture_data
from peikao.exams.tests.factories import (
    ExamApplicationFactory,
    ExamSessionFactory,
    SessionRoomFactory,
)

pytestmark = pytest.mark.django_db

CENTER = "yc_exam_center"


@pytest.fixture
def bank() -> QuestionBank:
    return bank_file_load(fixture_data())


def small_parts():
    """The fixture bank has 判断 T1 2, T2 1; 单选 T1 1, T2 1; 多选 T2 1."""
    parts = [
        {"question_type": "判断题", "chapter": "T1", "count": 2, "points": "20"},
        {"question_type": "true_false", "chapter": "", "count": 1, "points": "20"},
        {"question_type": "单选题", "chapter": "操作技术", "count": 1, "points": "10"},
        {"question_type": "multiple_choice", "chapter": "T2", "count": 1, "points": "30"},
    ]
    return parts


def save(bank, parts=None, **fields):
    values: dict[str, Any] = {
        "exam_type": "initial",
        "name": "测试方案",
        "duration_minutes": 90,
        "pass_mark": 80,
    }
    values.update(fields)
    return blueprint_save(
        actor=acting_as(CENTER),
        bank_id=bank.pk,
        parts=small_parts() if parts is None else parts,
        **values,
    )


def test_a_blueprint_the_bank_fills_is_saved_and_audited(bank):
    plan = save(bank)
    assert (plan.version, plan.duration_minutes, plan.pass_mark) == (1, 90, 80)
    assert [(p.question_type, p.chapter, p.count) for p in blueprint_parts(plan)] == [
        ("true_false", "T1", 2),
        ("true_false", None, 1),
        ("single_choice", "T2", 1),
        ("multiple_choice", "T2", 1),
    ]
    assert blueprint_check(plan) == []
    assert AuditRecord.objects.filter(action="blueprint.saved").count() == 1


def test_a_blueprint_the_bank_cannot_fill_is_refused_naming_the_short_part(bank):
    parts = small_parts()
    parts[0]["count"] = 3
    parts[1]["points"] = "10"
    with pytest.raises(DomainError) as refused:
        save(bank, parts)
    assert refused.value.messages == [
        "组卷方案总分应为 100 分，现为 110 分。",
        "章节“安全基础”的判断题需要 3 道，题库只有 2 道可用。",
    ]
    assert not Blueprint.objects.filter(bank=bank).exists()


def test_a_retired_question_no_longer_fills_a_blueprint(bank):
    plan = save(bank)
    (multiple,) = QuestionVersion.objects.filter(
        question__bank=bank, question_type="multiple_choice"
    )
    question_retire(actor=acting_as(CENTER), question_id=multiple.question_id, reason="过时")
    assert blueprint_check(plan) == ["章节“操作技术”的多选题需要 1 道，题库只有 0 道可用。"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"exam_type": "final"}, "请选择考核类型（初次考核、再培训考核或复审考核）。"),
        ({"name": ""}, "请填写方案名称。"),
        ({"duration_minutes": 0}, "考试时长应为1至600分钟。"),
        ({"pass_mark": "120"}, "合格分数应大于0、不超过100，最多一位小数。"),
        ({"parts": []}, "组卷方案至少要有一项题型明细。"),
        (
            {"parts": [{"question_type": "填空题", "count": 1, "points": 100}]},
            "第1项明细：题型应为判断题、单选题或多选题。",
        ),
        (
            {"parts": [{"question_type": "判断题", "chapter": "LV1", "count": 1, "points": 100}]},
            "第1项明细：章节“LV1”不在本题库中。",
        ),
        (
            {"parts": [{"question_type": "判断题", "count": 0, "points": 100}]},
            "第1项明细：题数应为1至500的整数。",
        ),
        (
            {"parts": [{"question_type": "判断题", "count": 1, "points": "0.05"}]},
            "第1项明细：每题分值应大于0、不超过100，最多一位小数。",
        ),
    ],
)
def test_a_bad_blueprint_is_refused_in_chinese(bank, changes, message):
    parts = changes.pop("parts", None)
    with pytest.raises(DomainError) as refused:
        save(bank, parts, **changes)
    assert message in refused.value.messages
    assert not Blueprint.objects.filter(bank=bank).exists()


def test_an_unused_blueprint_is_corrected_in_place_a_used_one_gets_a_new_version(bank):
    plan = save(bank)
    again = save(bank, name="改名的方案")
    assert again.pk == plan.pk and again.version == 1 and again.name == "改名的方案"
    assert len(blueprint_parts(again)) == 4
    session = ExamSessionFactory.create(theory_blueprint=plan)
    newer = save(bank, name="第二版")
    assert (newer.version, newer.active) == (2, True)
    plan.refresh_from_db()
    assert (plan.version, plan.name, plan.active) == (1, "改名的方案", False)
    assert len(blueprint_parts(plan)) == 4
    assert session_plans(session)[0].theory == plan


def test_only_bank_writers_save_blueprints(bank):
    with pytest.raises(NotFound):
        blueprint_save(
            actor=acting_as("huaan_proctor"),
            bank_id=bank.pk,
            exam_type="initial",
            name="x",
            parts=small_parts(),
        )
    with pytest.raises(PermissionDenied):
        blueprint_save(
            actor=acting_as("yc_officer"),
            bank_id=bank.pk,
            exam_type="initial",
            name="x",
            parts=small_parts(),
        )
    assert not Blueprint.objects.filter(bank=bank).exists()


# --------------------------------------------------------------------------- drawing papers


def seated_session(size: int, plan: Blueprint):
    room = SessionRoomFactory.create(
        session=ExamSessionFactory.create(theory_blueprint=plan, seat_capacity=size)
    )
    session = room.session
    for seat in range(1, size + 1):
        ExamApplicationFactory.create(
            session=session,
            status=ExamApplication.Status.APPROVED,
            session_room=room,
            seat_number=seat,
        )
    return session


def test_a_seated_session_of_thirty_gets_papers_that_regenerate_identically():
    plan = Blueprint.objects.get(bank__key="low_voltage_electrician", exam_type="initial")
    session = seated_session(30, plan)
    # Neither unseated nor unapproved applications get a paper.
    ExamApplicationFactory.create(session=session, status=ExamApplication.Status.APPROVED)
    ExamApplicationFactory.create(session=session)
    papers = papers_draw(actor=acting_as(CENTER), session=session)
    assert len(papers) == 30
    assert PaperQuestion.objects.filter(paper__application__session=session).count() == 3000
    pool_row = PaperPool.objects.get(session=session)
    assert pool_row.version_ids == sorted(pool_row.version_ids) and len(pool_row.version_ids) == 244
    pool = pool_questions(pool_row.version_ids)
    parts = blueprint_parts(plan)
    seeds = set()
    for paper in Paper.objects.filter(application__session=session):
        stored = paper_stored(paper)
        assert paper_regenerate(paper) == stored
        assert paper_meets_blueprint(parts, pool, stored) == []
        assert len(paper.seed) == 32
        seeds.add(paper.seed)
    assert len(seeds) == 30
    assert AuditRecord.objects.filter(action="paper.drawn").count() == 1


def test_drawing_again_draws_only_the_newly_seated_and_keeps_the_pinned_pool():
    plan = Blueprint.objects.get(bank__key="low_voltage_electrician", exam_type="initial")
    session = seated_session(3, plan)
    center = acting_as(CENTER)
    first = papers_draw(actor=center, session=session)
    before = {paper.pk: paper_stored(paper) for paper in first}
    pinned = PaperPool.objects.get(session=session).version_ids
    # An edit after the draw makes a new version; the papers and the pool keep the old one.
    version = QuestionVersion.objects.get(pk=before[first[0].pk][0].question_version_id)
    question_edit(
        actor=center,
        question_id=version.question_id,
        question_type="判断题",
        stem=version.stem + "（修订）",
        answer="错" if version.answer == [0] else "对",
        chapter=version.chapter.code,
        difficulty="易",
    )
    assert papers_draw(actor=center, session=session) == []
    room = session.rooms.get()
    ExamApplicationFactory.create(
        session=session, status=ExamApplication.Status.APPROVED, session_room=room, seat_number=9
    )
    (late,) = papers_draw(actor=Actor.system("seating"), session=session)
    assert PaperPool.objects.get(session=session).version_ids == pinned
    assert late.pk not in before
    for paper in first:
        assert paper_stored(paper) == before[paper.pk] == paper_regenerate(paper)
    assert paper_regenerate(late) == paper_stored(late)


def test_drawing_is_refused_without_a_blueprint_the_bank_fills(bank):
    center = acting_as(CENTER)
    session = ExamSessionFactory.create(theory_blueprint=None)
    with pytest.raises(Conflict, match="还没有理论组卷方案"):
        papers_draw(actor=center, session=session)
    plan = save(bank)
    (multiple,) = QuestionVersion.objects.filter(
        question__bank=bank, question_type="multiple_choice"
    )
    question_retire(actor=center, question_id=multiple.question_id, reason="过时")
    session = seated_session(1, plan)
    with pytest.raises(Conflict) as refused:
        papers_draw(actor=center, session=session)
    assert refused.value.messages == [
        "操作项目“1.2 低压电工作业”：章节“操作技术”的多选题需要 1 道，题库只有 0 道可用。"
    ]
    assert not Paper.objects.filter(application__session=session).exists()
    assert not PaperPool.objects.filter(session=session).exists()
    with pytest.raises(PermissionDenied):
        papers_draw(actor=acting_as("huaan_point_clerk"), session=session)


def test_another_city_s_session_is_not_found_for_the_exam_center():
    plan = Blueprint.objects.get(bank__key="low_voltage_electrician", exam_type="initial")
    session = seated_session(1, plan)
    ExamSession.objects.filter(pk=session.pk).update(city_id="140900")
    with pytest.raises(NotFound):
        papers_draw(actor=acting_as(CENTER), session=session)
    assert not Paper.objects.filter(application__session=session).exists()


def test_points_of_the_stored_paper_are_the_blueprint_s(bank):
    plan = save(bank)
    session = seated_session(2, plan)
    papers_draw(actor=acting_as(CENTER), session=session)
    for paper in Paper.objects.filter(application__session=session):
        rows = paper_stored(paper)
        assert sum(row.points for row in rows) == Decimal(100)
        assert [row.points for row in rows] == [
            Decimal(20),
            Decimal(20),
            Decimal(20),
            Decimal(10),
            Decimal(30),
        ]

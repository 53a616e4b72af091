"""A special-operator session of several operation items, each with its own blueprints
(SessionPlan): scheduled through the service, the API and the page, every refusal naming the
item and changing nothing; seated with each candidate's paper drawn by their item's blueprint;
the practical and the result following the application's item."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse

from peikao.accounts.actor import Actor
from peikao.accounts.models import User
from peikao.accounts.testing import acting_as
from peikao.audit.models import AuditRecord
from peikao.core.errors import Conflict, DomainError
from peikao.exams.models import (
    Blueprint,
    ExamApplication,
    ExamResult,
    ExamSession,
    Paper,
    PaperPool,
    QuestionType,
    SessionPlan,
    SessionRoom,
)
from peikao.exams.rules.papers import paper_meets_blueprint
from peikao.exams.selectors.bank import blueprint_parts
from peikao.exams.selectors.sessions import plan_for, session_plans
from peikao.exams.services import practical as practical_services
from peikao.exams.services import results as result_services
from peikao.exams.services.applications import application_submit
from peikao.exams.services.papers import paper_regenerate, paper_stored, pool_questions
from peikao.exams.services.sessions import session_schedule, session_seat
from peikao.exams.tests.application_factories import ready_enrolment
from peikao.exams.tests.factories import (
    ChapterFactory,
    ExamApplicationFactory,
    ExamSessionFactory,
    QuestionBankFactory,
    TheoryRoomFactory,
    beijing,
    blueprint,
    exam_point,
    question,
)
from peikao.exams.tests.practical_factories import (
    EXAMINER,
    practical_room,
    scored_attempt,
    seeded_blueprint,
)

pytestmark = pytest.mark.django_db

MORNING = datetime(2026, 12, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
TODAY = MORNING.date()
LOW_VOLTAGE = "1.2 低压电工作业"


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(MORNING, tick=False):
        yield


@pytest.fixture
def center():
    return acting_as("yc_exam_center")


def low_voltage() -> Blueprint:
    """The demo 1.2 bank's blueprint (70 判断 + 30 单选)."""
    return Blueprint.objects.get(bank__key="low_voltage_electrician", exam_type="initial")


@pytest.fixture
def high_voltage() -> Blueprint:
    """A 1.1 bank of four true/false questions and a blueprint that draws two."""
    chapter = ChapterFactory.create(bank=QuestionBankFactory.create(item_id="1.1"))
    for _ in range(4):
        question(chapter)
    return blueprint(chapter.bank, [(QuestionType.TRUE_FALSE, chapter, 2, "50")])


def item_name(code: str) -> str:
    return str(apps.get_model("catalog", "OperationItem").objects.get(code=code))


def two_plans(high_voltage: Blueprint, **first) -> list[dict]:
    return [
        {
            "item": "1.2",
            "theory_blueprint_id": low_voltage().pk,
            "practical_blueprint_id": seeded_blueprint().pk,
            **first,
        },
        {"item": "1.1", "theory_blueprint_id": high_voltage.pk},
    ]


def schedule(actor, **changes):
    values = {
        "actor": actor,
        "exam_point_id": exam_point().pk,
        "post_category": "special_operator",
        "exam_type": "initial",
        "registration_deadline": beijing(TODAY + timedelta(days=1), 12),
        "starts_at": beijing(TODAY + timedelta(days=5), 9),
        "rooms": [{"room_id": TheoryRoomFactory.create(seats=10).pk, "staff_ids": []}],
    }
    values.update(changes)
    return session_schedule(**values)


def state():
    """What a refused scheduling must leave as it was."""
    return (
        ExamSession.objects.count(),
        SessionPlan.objects.count(),
        SessionRoom.objects.count(),
        AuditRecord.objects.count(),
    )


# --- scheduling -------------------------------------------------------------------------------


def test_a_session_of_two_items_keeps_each_item_s_blueprints(center, high_voltage):
    session = schedule(center, plans=two_plans(high_voltage))
    assert set(session.items.values_list("code", flat=True)) == {"1.2", "1.1"}
    assert (session.theory_blueprint_id, session.practical_blueprint_id) == (None, None)
    plans = {plan.item.code: plan for plan in session_plans(session)}
    assert plans["1.2"].theory == low_voltage() and plans["1.2"].practical == seeded_blueprint()
    assert plans["1.1"].theory == high_voltage and plans["1.1"].practical is None
    assert "低压电工作业" in session.category_text and "高压电工作业" in session.category_text
    (audit,) = AuditRecord.objects.filter(action="exam_session.scheduled")
    assert audit.detail["plans"]["1.1"] == {
        "theory_blueprint": high_voltage.pk,
        "practical_blueprint": None,
    }


def test_the_single_item_call_with_one_pair_makes_the_item_s_plan(center):
    session = schedule(
        center,
        items=["1.2"],
        theory_blueprint_id=low_voltage().pk,
        practical_blueprint_id=seeded_blueprint().pk,
    )
    (plan,) = session_plans(session)
    assert (plan.item.code, plan.theory, plan.practical) == (
        "1.2",
        low_voltage(),
        seeded_blueprint(),
    )
    assert session.theory_blueprint_id is None


def test_a_seed_timetable_row_of_several_items_is_scheduled(center, high_voltage):
    row = ExamSessionFactory.create(
        starts_at=None,
        exam_date=TODAY + timedelta(days=5),
        theory_blueprint=None,
        items=[],
        series=ExamSession.Series.ALL_POSTS,
    )
    session = schedule(center, row_id=row.pk, plans=two_plans(high_voltage))
    assert session.pk == row.pk
    assert SessionPlan.objects.filter(session=row).count() == 2


def refusal_cases(high_voltage: Blueprint) -> dict:
    one_one, one_two = item_name("1.1"), item_name("1.2")
    short = blueprint(
        high_voltage.bank,
        [(QuestionType.SINGLE_CHOICE, None, 4, "25")],
        version=2,
    )
    return {
        "a blueprint of the 1.2 bank for 1.1": (
            {
                "plans": [
                    two_plans(high_voltage)[0],
                    {"item": "1.1", "theory_blueprint_id": low_voltage().pk},
                ]
            },
            f"操作项目“{one_one}”：组卷方案“{low_voltage()}”属于题库",
        ),
        "the bank cannot fill": (
            {
                "plans": [
                    two_plans(high_voltage)[0],
                    {"item": "1.1", "theory_blueprint_id": short.pk},
                ]
            },
            f"操作项目“{one_one}”：组卷方案“{short}”：不限章节的单选题需要 4 道，"
            "题库只有 0 道可用。",
        ),
        "the 1.2 practical for 1.1": (
            {
                "plans": [
                    two_plans(high_voltage)[0],
                    {
                        "item": "1.1",
                        "theory_blueprint_id": high_voltage.pk,
                        "practical_blueprint_id": seeded_blueprint().pk,
                    },
                ]
            },
            f"操作项目“{one_one}”：实操考核方案“{seeded_blueprint()}”不是本场考试操作项目的方案。",
        ),
        "no theory blueprint": (
            {"plans": [{"item": "1.2", "theory_blueprint_id": None}]},
            f"操作项目“{one_two}”：请选择理论考试组卷方案。",
        ),
        "an item twice": (
            {"plans": [two_plans(high_voltage)[0]] * 2},
            "操作项目“1.2”选了不止一次，每个项目只选一次。",
        ),
        "plans and a pair": (
            {"plans": two_plans(high_voltage), "theory_blueprint_id": low_voltage().pk},
            "请在各操作项目下分别选择组卷方案，不要另选整场考试的组卷方案。",
        ),
        "items other than the plans'": (
            {"plans": two_plans(high_voltage), "items": ["1.2", "1.3"]},
            "所选操作项目与各项目的组卷方案不一致。",
        ),
        "plans for an industry": (
            {
                "post_category": "principal",
                "industry": "hazardous_chemicals",
                "plans": two_plans(high_voltage),
            },
            "主要负责人、安全管理人员的考试按行业组卷，不分操作项目。",
        ),
    }


@pytest.mark.parametrize(
    "case",
    [
        "a blueprint of the 1.2 bank for 1.1",
        "the bank cannot fill",
        "the 1.2 practical for 1.1",
        "no theory blueprint",
        "an item twice",
        "plans and a pair",
        "items other than the plans'",
        "plans for an industry",
    ],
)
def test_every_plan_refusal_names_its_item_and_changes_nothing(center, high_voltage, case):
    changes, message = refusal_cases(high_voltage)[case]
    before = state()
    with pytest.raises(DomainError) as refused:
        schedule(center, **changes)
    assert any(message in reason for reason in refused.value.messages), refused.value.messages
    assert state() == before


# --- seating, practical and results -----------------------------------------------------------


def seated_two_item_session(center, high_voltage, per_item: int = 3) -> ExamSession:
    session = schedule(center, plans=two_plans(high_voltage))
    for code in ["1.2", "1.1"] * per_item:
        ExamApplicationFactory.create(session=session, item_id=code, status="approved")
    with time_machine.travel(MORNING + timedelta(days=2), tick=False):
        session_seat(actor=center, session_id=session.pk)
    return session


def test_seating_draws_each_candidate_s_paper_by_their_item_s_blueprint(center, high_voltage):
    session = seated_two_item_session(center, high_voltage)
    plans = session_plans(session)
    papers = Paper.objects.filter(application__session=session).select_related(
        "application", "blueprint"
    )
    assert papers.count() == 6
    assert PaperPool.objects.filter(session=session).count() == 2
    for paper in papers:
        expected = plan_for(paper.application, plans).theory
        assert paper.blueprint == expected
        pool_row = PaperPool.objects.get(session=session, blueprint=expected)
        stored = paper_stored(paper)
        assert len(stored) == (100 if paper.application.item_id == "1.2" else 2)
        assert (
            paper_meets_blueprint(
                blueprint_parts(expected), pool_questions(pool_row.version_ids), stored
            )
            == []
        )
        assert paper_regenerate(paper) == stored
    (audit,) = AuditRecord.objects.filter(action="paper.drawn")
    assert audit.detail["papers"] == 6 and len(audit.detail["blueprints"]) == 2


def test_seating_refuses_a_blueprint_its_bank_can_no_longer_fill_naming_the_item(
    center, high_voltage
):
    session = schedule(center, plans=two_plans(high_voltage))
    ExamApplicationFactory.create(session=session, item_id="1.1", status="approved")
    high_voltage.bank.questions.update(retired=True)
    with (
        time_machine.travel(MORNING + timedelta(days=2), tick=False),
        pytest.raises(Conflict) as refused,
    ):
        session_seat(actor=center, session_id=session.pk)
    assert refused.value.messages[0].startswith(f"操作项目“{item_name('1.1')}”：")
    assert not Paper.objects.exists() and not PaperPool.objects.exists()
    assert ExamSession.objects.get(pk=session.pk).status == "open"


def test_practical_and_results_follow_the_application_s_item(center, high_voltage):
    session = schedule(center, plans=two_plans(high_voltage))
    room = SessionRoom.objects.create(session=session, room=practical_room())
    room.staff.set(User.objects.filter(username=EXAMINER))
    low = ExamApplicationFactory.create(session=session, item_id="1.2", status="approved")
    high = ExamApplicationFactory.create(session=session, item_id="1.1", status="approved")
    engine = Actor.system("attempt-engine")
    for application in (low, high):
        result_services.result_record_theory(
            actor=engine, attempt=scored_attempt(application, "90")
        )
    # 1.1 has no practical: passed on theory; 1.2 waits for its practical.
    assert ExamResult.objects.get(application=high).status == "passed"
    assert ExamResult.objects.get(application=low).status == "pending"
    examiner = acting_as(EXAMINER)
    assessment = practical_services.practical_draw(actor=examiner, application_id=low.pk)
    assert assessment.blueprint == seeded_blueprint()
    with pytest.raises(Conflict, match="该考试不含实际操作考试。"):
        practical_services.practical_draw(actor=examiner, application_id=high.pk)


def test_an_item_without_a_plan_has_no_blueprint(center, high_voltage):
    session = schedule(center, plans=two_plans(high_voltage))
    stray = ExamApplicationFactory.create(session=session, item_id="1.3", status="approved")
    plan = plan_for(stray)
    assert (plan.theory, plan.practical) == (None, None)


def test_the_migration_moves_a_special_operator_pair_into_its_item_s_plan():
    from importlib import import_module

    migration = import_module("peikao.exams.migrations.0005_session_plans")
    session = ExamSessionFactory.create()
    # As a session was before the migration: its pair on the session, no plan.
    session.plans.all().delete()
    ExamSession.objects.filter(pk=session.pk).update(
        theory_blueprint=low_voltage(), practical_blueprint=seeded_blueprint()
    )
    industry = ExamSessionFactory.create(
        post_category_id="principal",
        series=ExamSession.Series.HIGH_RISK_PRINCIPAL_MANAGER,
        items=[],
    )
    migration.move_special_operator_blueprints(apps, None)
    session.refresh_from_db()
    industry.refresh_from_db()
    (plan,) = SessionPlan.objects.filter(session=session)
    assert (plan.item_id, plan.theory_blueprint, plan.practical_blueprint) == (
        "1.2",
        low_voltage(),
        seeded_blueprint(),
    )
    assert (session.theory_blueprint_id, session.practical_blueprint_id) == (None, None)
    assert industry.theory_blueprint == low_voltage()
    assert not SessionPlan.objects.filter(session=industry).exists()


# --- the API and the page ---------------------------------------------------------------------


def api_body(high_voltage, **changes) -> dict:
    body = {
        "exam_point_id": exam_point().pk,
        "post_category": "special_operator",
        "exam_type": "initial",
        "registration_deadline": beijing(TODAY + timedelta(days=1), 12).isoformat(),
        "starts_at": beijing(TODAY + timedelta(days=5), 9).isoformat(),
        "plans": two_plans(high_voltage),
        "rooms": [{"room_id": TheoryRoomFactory.create().pk, "staff_ids": []}],
    }
    body.update(changes)
    return body


def test_the_api_schedules_two_items_and_shows_their_blueprints(login_as, high_voltage):
    client = login_as("yc_exam_center")
    response = client.post(
        "/api/exams/sessions", api_body(high_voltage), content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    plans = {plan["item"]: plan for plan in response.json()["plans"]}
    assert plans["1.2"]["theory_blueprint_id"] == low_voltage().pk
    assert plans["1.2"]["practical_blueprint_id"] == seeded_blueprint().pk
    assert plans["1.1"] == {
        "item": "1.1",
        "item_name": "高压电工作业",
        "theory_blueprint_id": high_voltage.pk,
        "theory_blueprint": str(high_voltage),
        "practical_blueprint_id": None,
        "practical_blueprint": None,
    }
    detail = client.get(f"/api/exams/sessions/{response.json()['id']}").json()
    assert detail["plans"] == response.json()["plans"]


def test_the_api_refuses_a_bad_plan_in_chinese_and_writes_nothing(login_as, high_voltage):
    client = login_as("yc_exam_center")
    before = state()
    wrong = api_body(
        high_voltage,
        plans=[
            two_plans(high_voltage)[0],
            {"item": "1.1", "theory_blueprint_id": low_voltage().pk},
        ],
    )
    response = client.post("/api/exams/sessions", wrong, content_type="application/json")
    assert response.status_code == 400
    assert any(
        error.startswith(f"操作项目“{item_name('1.1')}”：") for error in response.json()["errors"]
    )
    too_many = api_body(high_voltage, plans=two_plans(high_voltage) * 6)
    response = client.post("/api/exams/sessions", too_many, content_type="application/json")
    assert response.status_code in (400, 422)
    assert state() == before


def page_form(high_voltage, room) -> dict:
    return {
        "exam_point": exam_point().pk,
        "post_category": "special_operator",
        "item": "1.2",
        "theory_blueprint": low_voltage().pk,
        "practical_blueprint": seeded_blueprint().pk,
        "item_2": "1.1",
        "theory_blueprint_2": high_voltage.pk,
        "exam_type": "initial",
        "deadline_date": str(TODAY + timedelta(days=1)),
        "start_date": str(TODAY + timedelta(days=5)),
        "start_time": "09:00",
        "room_ids": [room.pk],
    }


def test_the_page_schedules_two_items_and_the_session_page_lists_them(login_as, high_voltage):
    client = login_as("yc_exam_center")
    room = TheoryRoomFactory.create(seats=5)
    form_page = client.get(reverse("exams:session_schedule"), {"exam_point": exam_point().pk})
    assert 'name="theory_blueprint_2"' in form_page.content.decode()
    done = client.post(reverse("exams:session_schedule"), page_form(high_voltage, room))
    assert done.status_code == 302
    session = ExamSession.objects.get(exam_date=TODAY + timedelta(days=5))
    assert SessionPlan.objects.filter(session=session).count() == 2
    page = client.get(reverse("exams:session_detail", args=[session.pk])).content.decode()
    assert 'data-testid="plans"' in page
    assert str(high_voltage) in page and str(seeded_blueprint()) in page and LOW_VOLTAGE in page


def test_the_page_refuses_a_bad_plan_in_chinese_and_writes_nothing(login_as, high_voltage):
    client = login_as("yc_exam_center")
    room = TheoryRoomFactory.create(seats=5)
    before = state()
    refused = client.post(
        reverse("exams:session_schedule"),
        {**page_form(high_voltage, room), "theory_blueprint_2": ""},
        follow=True,
    )
    assert f"操作项目“{item_name('1.1')}”：请选择理论考试组卷方案。" in refused.content.decode()
    assert state() == before


# --- applications -----------------------------------------------------------------------------


def test_an_application_is_for_one_of_the_session_s_items(center, high_voltage):
    """The eligibility check reads the session's items: a 1.2 trainee applies to a session of
    1.2 and 1.1 (the application carries the item), not to one of 1.1 alone."""
    session = schedule(center, plans=two_plans(high_voltage))
    clerk = acting_as("huaan_clerk")
    application = application_submit(
        actor=clerk, session_id=session.pk, enrolment_id=ready_enrolment().pk
    )
    assert application.item_id == "1.2"
    assert plan_for(application).theory == low_voltage()
    only_high = schedule(
        center,
        items=["1.1"],
        theory_blueprint_id=high_voltage.pk,
        starts_at=beijing(TODAY + timedelta(days=6), 9),
    )
    before = ExamApplication.objects.count()
    with pytest.raises(DomainError, match=f"该场考试不考核“{item_name('1.2')}”项目。"):
        application_submit(actor=clerk, session_id=only_high.pk, enrolment_id=ready_enrolment().pk)
    assert ExamApplication.objects.count() == before

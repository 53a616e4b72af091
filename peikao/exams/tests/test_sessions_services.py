"""Scheduling, moving, cancelling and seating exam sessions: what each does, every refusal in
Chinese with nothing changed, and who may act (the exam center of the session's city)."""

from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction

from peikao.accounts.actor import actor_of_membership
from peikao.accounts.models import Membership, Role, User
from peikao.accounts.testing import acting_as
from peikao.audit.actions import Action
from peikao.audit.models import AuditRecord
from peikao.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from peikao.exams.models import (
    ApplicantNotice,
    ExamApplication,
    ExamSession,
    Paper,
    QuestionType,
    SessionRoom,
)
from peikao.exams.rules import sessions as rules
from peikao.exams.services.sessions import (
    session_cancel,
    session_move,
    session_schedule,
    session_seat,
)
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
from peikao.orgs.models import Organization, Room

pytestmark = pytest.mark.django_db

MORNING = datetime(2026, 12, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
TODAY = MORNING.date()
XINZHOU = "140900"


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(MORNING, tick=False):
        yield


@pytest.fixture
def center():
    return acting_as("yc_exam_center")


@pytest.fixture
def xinzhou_center():
    """An exam-center officer of Xinzhou: sees none of Yuncheng's sessions."""
    organization = Organization.objects.get(kind="exam_center", region_id=XINZHOU)
    user = User.objects.create(username="xz_exam_center", first_name="忻州考试中心")
    membership = Membership.objects.create(
        user=user, organization=organization, role=Role.EXAM_CENTER_OFFICER
    )
    return actor_of_membership(membership)


@pytest.fixture
def bank_blueprint():
    """A 1.2 bank of three true/false questions and a blueprint that draws two."""
    chapter = ChapterFactory.create()
    for _ in range(3):
        question(chapter)
    return blueprint(chapter.bank, [(QuestionType.TRUE_FALSE, chapter, 2, "50")])


@pytest.fixture
def rooms():
    return [
        TheoryRoomFactory.create(name="甲机房", seats=2),
        TheoryRoomFactory.create(name="乙机房", seats=2),
    ]


def proctor() -> User:
    return User.objects.get(username="huaan_proctor")


def examiner() -> User:
    return User.objects.get(username="huaan_examiner")


def schedule(actor, plan, picked, **changes):
    values = {
        "actor": actor,
        "exam_point_id": exam_point().pk,
        "post_category": "special_operator",
        "items": ["1.2"],
        "exam_type": "initial",
        "registration_deadline": beijing(TODAY + timedelta(days=10), 12),
        "starts_at": beijing(TODAY + timedelta(days=47), 9),
        "theory_blueprint_id": plan.pk,
        "rooms": [{"room_id": room.pk, "staff_ids": [proctor().pk]} for room in picked],
    }
    values.update(changes)
    return session_schedule(**values)


def state():
    """What a refused act must leave as it was."""
    return (
        ExamSession.objects.count(),
        SessionRoom.objects.count(),
        AuditRecord.objects.count(),
        list(ExamSession.objects.order_by("pk").values_list("exam_date", "starts_at", "status")),
        list(ExamApplication.objects.order_by("pk").values_list("status", "seat_number")),
        ApplicantNotice.objects.count(),
    )


# --- scheduling -------------------------------------------------------------------------------


def test_the_exam_center_schedules_a_new_session(center, bank_blueprint, rooms):
    practical = Room.objects.get(organization=exam_point(), kind=Room.Kind.PRACTICAL)
    session = schedule(
        center,
        bank_blueprint,
        rooms,
        rooms=[
            {"room_id": rooms[0].pk, "staff_ids": [proctor().pk]},
            {"room_id": rooms[1].pk, "staff_ids": []},
            {"room_id": practical.pk, "staff_ids": [examiner().pk]},
        ],
    )
    session.refresh_from_db()
    assert session.city_id == "140800"
    assert session.series == ExamSession.Series.SPECIAL_OPERATOR
    assert session.exam_date == TODAY + timedelta(days=47)
    assert session.seat_capacity == 4  # the theory rooms' seats, not the practical room's
    assert session.status == rules.OPEN
    assert list(session.items.values_list("code", flat=True)) == ["1.2"]
    staffed = {entry.room_id: list(entry.staff.all()) for entry in session.rooms.all()}
    assert staffed == {rooms[0].pk: [proctor()], rooms[1].pk: [], practical.pk: [examiner()]}
    record = AuditRecord.objects.get(action=Action.EXAM_SESSION_SCHEDULED)
    assert record.detail["seat_capacity"] == 4
    assert record.organization_id == exam_point().pk


def test_a_seed_row_is_scheduled_in_place(center, bank_blueprint, rooms):
    row = ExamSessionFactory.create(
        starts_at=None, post_category=None, exam_type="", seat_capacity=0, items=[]
    )
    session = schedule(
        center,
        bank_blueprint,
        rooms,
        row_id=row.pk,
        exam_point_id=None,
        starts_at=beijing(row.exam_date, 9),
        registration_deadline=beijing(row.exam_date - timedelta(days=5), 12),
    )
    assert session.pk == row.pk
    row.refresh_from_db()
    assert row.starts_at == beijing(row.exam_date, 9)
    assert row.seat_capacity == 4
    with pytest.raises(Conflict, match="该考试已安排"):
        schedule(center, bank_blueprint, rooms, row_id=row.pk, starts_at=row.starts_at)


def other_point_proctor() -> User:
    other = Organization.objects.exam_points().exclude(pk=exam_point().pk).first()
    user = User.objects.create(username="other_proctor", first_name="外点监考员")
    Membership.objects.create(user=user, organization=other, role=Role.PROCTOR)
    return user


def refusal_cases(plan, rooms):
    other = Organization.objects.exam_points().exclude(pk=exam_point().pk).first()
    foreign_room = Room.objects.create(organization=other, name="外点机房", kind="theory", seats=9)
    other_chapter = ChapterFactory.create(bank=QuestionBankFactory.create(item_id="1.1"))
    for _ in range(3):
        question(other_chapter)
    other_bank = blueprint(other_chapter.bank, [(QuestionType.TRUE_FALSE, other_chapter, 2, "50")])
    short = blueprint(
        plan.bank,
        [
            (QuestionType.TRUE_FALSE, plan.parts.get().chapter, 2, "40"),
            (QuestionType.SINGLE_CHOICE, None, 4, "5"),
        ],
        version=2,
    )
    start = beijing(TODAY + timedelta(days=47), 9)
    return {
        "deadline after the start": (
            {"registration_deadline": start + timedelta(hours=1)},
            "报名截止时间不能晚于开考时间。",
        ),
        "start in the past": (
            {
                "starts_at": MORNING - timedelta(hours=1),
                "registration_deadline": MORNING - timedelta(days=1),
            },
            "开考时间已过，不能安排在过去。",
        ),
        "room of another point": (
            {"rooms": [{"room_id": foreign_room.pk, "staff_ids": []}]},
            f"考场（编号 {foreign_room.pk}）不是{exam_point().name}的考场。",
        ),
        "staff of another point": (
            {"rooms": [{"room_id": rooms[0].pk, "staff_ids": [other_point_proctor().pk]}]},
            f"外点监考员不是{exam_point().name}的监考员",
        ),
        "examiner in a theory room": (
            {"rooms": [{"room_id": rooms[0].pk, "staff_ids": [examiner().pk]}]},
            "不是运城市华安应急安全服务有限公司的监考员",
        ),
        "blueprint of another bank": (
            {"theory_blueprint_id": other_bank.pk},
            "不是本场考试的题库。",
        ),
        "blueprint the bank cannot fill": (
            {"theory_blueprint_id": short.pk},
            "不限章节的单选题需要 4 道，题库只有 0 道可用。",
        ),
        "no theory room": ({"rooms": []}, "请至少选择一个理论考场（机房）。"),
        "two items with one pair": (
            {"items": ["1.2", "1.1"]},
            "考试含多个操作项目时，请为每个项目分别选择理论考试组卷方案。",
        ),
    }


CASES = [
    "deadline after the start",
    "start in the past",
    "room of another point",
    "staff of another point",
    "examiner in a theory room",
    "blueprint of another bank",
    "blueprint the bank cannot fill",
    "no theory room",
    "two items with one pair",
]


@pytest.mark.parametrize("case", CASES)
def test_schedule_refusals_say_why_and_change_nothing(center, bank_blueprint, rooms, case):
    changes, message = refusal_cases(bank_blueprint, rooms)[case]
    before = state()
    with pytest.raises(DomainError) as refused:
        schedule(center, bank_blueprint, rooms, **changes)
    assert message in str(refused.value)
    assert state() == before


def test_a_short_blueprint_names_every_short_part(center, bank_blueprint, rooms):
    chapter = bank_blueprint.parts.get().chapter
    short = blueprint(
        bank_blueprint.bank,
        [
            (QuestionType.TRUE_FALSE, chapter, 5, "10"),
            (QuestionType.MULTIPLE_CHOICE, chapter, 10, "5"),
        ],
        version=3,
    )
    with pytest.raises(DomainError) as refused:
        schedule(center, bank_blueprint, rooms, theory_blueprint_id=short.pk)
    reasons = refused.value.messages
    assert any("判断题需要 5 道，题库只有 3 道可用" in reason for reason in reasons)
    assert any("多选题需要 10 道，题库只有 0 道可用" in reason for reason in reasons)


def test_a_retired_question_and_an_old_version_do_not_count(center, bank_blueprint, rooms):
    chapter = bank_blueprint.parts.get().chapter
    versions = list(chapter.question_versions.all())
    versions[0].question.retired = True
    versions[0].question.save()
    # A newer version of another question makes it a single-choice question.
    question_version = versions[1]
    question_version.question.versions.create(
        number=2,
        question_type=QuestionType.SINGLE_CHOICE,
        chapter=chapter,
        stem="改为单选",
        options=["甲", "乙"],
        answer=[0],
        difficulty=1,
    )
    with pytest.raises(DomainError, match="判断题需要 2 道，题库只有 1 道可用"):
        schedule(center, bank_blueprint, rooms)


def test_only_the_city_s_exam_center_schedules(xinzhou_center, bank_blueprint, rooms):
    before = state()
    with pytest.raises(NotFound):
        schedule(xinzhou_center, bank_blueprint, rooms)
    with pytest.raises(PermissionDenied):
        schedule(acting_as("yc_officer"), bank_blueprint, rooms)
    row = ExamSessionFactory.create(starts_at=None, items=[])
    with pytest.raises(NotFound):
        schedule(xinzhou_center, bank_blueprint, rooms, row_id=row.pk)
    with pytest.raises(PermissionDenied, match="只有本市考试中心"):
        schedule(acting_as("huaan_point_clerk"), bank_blueprint, rooms, row_id=row.pk)
    assert state()[1:3] == before[1:3]


# --- moving -----------------------------------------------------------------------------------


def applied(session, *statuses):
    made = [ExamApplicationFactory.create(session=session, status=status) for status in statuses]
    ExamSession.objects.filter(pk=session.pk).update(seats_taken=len(made))
    return made


def test_a_move_tells_every_active_applicant_and_is_audited(center):
    session = ExamSessionFactory.create()
    active = applied(session, "submitted", "approved")
    withdrawn = ExamApplicationFactory.create(session=session, status="withdrawn")
    new_start = session.starts_at + timedelta(days=2, hours=1)
    session_move(
        actor=center,
        session_id=session.pk,
        exam_date=session.exam_date + timedelta(days=2),
        starts_at=new_start,
        deadline=None,
        reason="考点停电检修",
    )
    session.refresh_from_db()
    assert session.starts_at == new_start
    for application in active:
        notice = application.notices.get()
        assert "考点停电检修" in notice.text and "调整为" in notice.text
    assert not withdrawn.notices.exists()
    record = AuditRecord.objects.get(action=Action.EXAM_SESSION_MOVED)
    assert record.detail["after"]["starts_at"] == new_start.isoformat()
    assert record.detail["before"]["exam_date"] != record.detail["after"]["exam_date"]
    assert record.detail["reason"] == "考点停电检修"


def move_case(session, name):
    start, day = session.starts_at, session.exam_date
    return {
        "no reason": (
            dict(exam_date=day, starts_at=start + timedelta(hours=1), reason=" "),
            "请填写调整考试时间的原因。",
        ),
        "nothing changed": (dict(exam_date=day, starts_at=start, reason="核对"), "都没有变化"),
        "start off the date": (
            dict(exam_date=day, starts_at=start + timedelta(days=1), reason="调整"),
            "开考时间须在考试日期当天。",
        ),
        "into the past": (
            dict(exam_date=TODAY, starts_at=MORNING - timedelta(hours=1), reason="调整"),
            "开考时间已过",
        ),
        "deadline after the start": (
            dict(
                exam_date=day,
                starts_at=start,
                deadline=start + timedelta(hours=2),
                reason="调整",
            ),
            "报名截止时间不能晚于开考时间。",
        ),
    }[name]


@pytest.mark.parametrize(
    "name",
    [
        "no reason",
        "nothing changed",
        "start off the date",
        "into the past",
        "deadline after the start",
    ],
)
def test_move_refusals_change_nothing(center, name):
    session = ExamSessionFactory.create()
    applied(session, "submitted")
    values, message = move_case(session, name)
    values.setdefault("deadline", None)
    before = state()
    with pytest.raises(DomainError) as refused:
        session_move(actor=center, session_id=session.pk, **values)
    assert message in str(refused.value)
    assert state() == before


def seated_session(rooms_and_seats=((2,), (2,)), approved=3):
    """A session whose deadline has passed, with its rooms and approved applications."""
    session = ExamSessionFactory.create(
        registration_deadline=MORNING - timedelta(days=1),
        exam_date=TODAY + timedelta(days=5),
        starts_at=beijing(TODAY + timedelta(days=5), 9),
    )
    for index, (seats,) in enumerate(rooms_and_seats):
        SessionRoom.objects.create(
            session=session, room=TheoryRoomFactory.create(name=f"{index + 1}号机房", seats=seats)
        )
    applied(session, *["approved"] * approved)
    return session


def test_once_seated_the_date_moves_but_not_the_deadline(center):
    session = seated_session()
    session_seat(actor=center, session_id=session.pk)
    seats = list(ExamApplication.objects.values_list("pk", "session_room", "seat_number"))
    new_start = session.starts_at + timedelta(days=1)
    before = state()
    with pytest.raises(DomainError, match="不能再调整报名截止时间"):
        session_move(
            actor=center,
            session_id=session.pk,
            exam_date=new_start.date(),
            starts_at=new_start,
            deadline=MORNING,
            reason="调整",
        )
    assert state() == before
    session_move(
        actor=center,
        session_id=session.pk,
        exam_date=timezone_date(new_start),
        starts_at=new_start,
        deadline=None,
        reason="考场设备调试",
    )
    assert list(ExamApplication.objects.values_list("pk", "session_room", "seat_number")) == seats
    assert ExamSession.objects.get(pk=session.pk).status == rules.SEATED


def timezone_date(moment):
    from django.utils import timezone

    return timezone.localdate(moment)


# --- cancelling -------------------------------------------------------------------------------


def test_a_cancel_cancels_every_active_application_releases_seats_and_tells_why(center):
    session = ExamSessionFactory.create()
    active = applied(session, "submitted", "returned", "approved")
    rejected = ExamApplicationFactory.create(session=session, status="rejected")
    session_cancel(actor=center, session_id=session.pk, reason="考点场地无法使用")
    session.refresh_from_db()
    assert session.status == rules.CANCELLED
    assert session.status_reason == "考点场地无法使用"
    assert session.seats_taken == 0
    for application in active:
        application.refresh_from_db()
        assert application.status == ExamApplication.Status.CANCELLED
        assert application.session_room_id is None and application.seat_number is None
        assert "已取消" in application.notices.get().text
        assert "考点场地无法使用" in application.notices.get().text
    assert ExamApplication.objects.get(pk=rejected.pk).status == "rejected"
    assert not rejected.notices.exists()
    assert AuditRecord.objects.filter(action=Action.EXAM_APPLICATION_CANCELLED).count() == 3
    assert AuditRecord.objects.filter(action=Action.EXAM_SESSION_CANCELLED).count() == 1


def test_cancel_refusals_change_nothing(center, xinzhou_center):
    session = ExamSessionFactory.create()
    applied(session, "approved")
    before = state()
    with pytest.raises(DomainError, match="请填写取消考试的原因。"):
        session_cancel(actor=center, session_id=session.pk, reason="")
    with pytest.raises(NotFound):
        session_cancel(actor=xinzhou_center, session_id=session.pk, reason="越权")
    with pytest.raises(PermissionDenied):
        session_cancel(actor=acting_as("yc_officer"), session_id=session.pk, reason="越权")
    assert state() == before
    session_cancel(actor=center, session_id=session.pk, reason="取消")
    after = state()
    with pytest.raises(Conflict, match="已经是“已取消”状态"):
        session_cancel(actor=center, session_id=session.pk, reason="再次取消")
    assert state() == after


# --- seating ----------------------------------------------------------------------------------


def test_seating_fills_rooms_in_order_with_unique_seats_and_tickets(center):
    session = seated_session(rooms_and_seats=((2,), (2,)), approved=3)
    session_seat(actor=center, session_id=session.pk)
    assert ExamSession.objects.get(pk=session.pk).status == rules.SEATED
    seated = list(
        ExamApplication.objects.filter(session=session)
        .order_by("pk")
        .values_list("session_room__room__name", "seat_number", "ticket_number")
    )
    assert [(room, seat) for room, seat, _ in seated] == [
        ("1号机房", 1),
        ("1号机房", 2),
        ("2号机房", 1),
    ]
    prefix = f"1408{session.exam_date:%y%m%d}{exam_point().pk:04d}"
    assert [ticket for *_, ticket in seated] == [f"{prefix}000{n}" for n in (1, 2, 3)]
    record = AuditRecord.objects.get(action=Action.EXAM_SESSION_SEATED)
    assert record.detail["seated"] == 3


def test_a_second_session_of_the_point_that_day_continues_the_ticket_sequence(center):
    first = seated_session(approved=2)
    session_seat(actor=center, session_id=first.pk)
    second = ExamSessionFactory.create(
        series=ExamSession.Series.HIGH_RISK_PRINCIPAL_MANAGER,
        exam_date=first.exam_date,
        registration_deadline=first.registration_deadline,
        starts_at=first.starts_at + timedelta(hours=4),
    )
    SessionRoom.objects.create(session=second, room=TheoryRoomFactory.create(seats=5))
    applied(second, "approved")
    session_seat(actor=center, session_id=second.pk)
    ticket = ExamApplication.objects.get(session=second).ticket_number
    assert ticket.endswith("0003")


def test_the_database_refuses_two_candidates_in_one_seat(center):
    session = seated_session(approved=2)
    session_seat(actor=center, session_id=session.pk)
    first, second = ExamApplication.objects.filter(session=session).order_by("pk")
    with pytest.raises(IntegrityError), transaction.atomic():
        ExamApplication.objects.filter(pk=second.pk).update(seat_number=first.seat_number)


def test_seating_before_the_deadline_or_with_applications_under_review_is_refused(center):
    early = ExamSessionFactory.create()
    SessionRoom.objects.create(session=early, room=TheoryRoomFactory.create())
    applied(early, "approved")
    before = state()
    with pytest.raises(Conflict, match=r"报名截止（.*）后才能排考。"):
        session_seat(actor=center, session_id=early.pk)
    assert state() == before

    late = seated_session(approved=1)
    ExamApplicationFactory.create(session=late, status="submitted")
    ExamApplicationFactory.create(session=late, status="submitted")
    ExamApplicationFactory.create(session=late, status="returned")
    before = state()
    with pytest.raises(Conflict) as refused:
        session_seat(actor=center, session_id=late.pk)
    assert "还有 2 份报名待审核" in str(refused.value)
    assert "还有 1 份报名退回修改中" in str(refused.value)
    assert state() == before
    assert not ExamApplication.objects.filter(ticket_number__isnull=False).exists()


def test_seating_draws_every_seated_candidate_s_paper_by_the_blueprint(center):
    session = seated_session(approved=3)
    session_seat(actor=center, session_id=session.pk)
    papers = Paper.objects.filter(application__session=session)
    assert papers.count() == 3
    for paper in papers:
        assert paper.blueprint_id == session.plans.get().theory_blueprint_id
        types = Counter(paper.questions.values_list("question_version__question_type", flat=True))
        assert types == {QuestionType.TRUE_FALSE: 70, QuestionType.SINGLE_CHOICE: 30}


def test_seating_without_a_theory_blueprint_is_refused(center):
    session = seated_session(approved=1)
    session.plans.all().delete()
    before = state()
    with pytest.raises(Conflict, match="还没有理论组卷方案"):
        session_seat(actor=center, session_id=session.pk)
    assert state() == before
    assert not Paper.objects.exists()


def test_seating_twice_or_by_others_is_refused(center, xinzhou_center):
    session = seated_session(approved=1)
    with pytest.raises(NotFound):
        session_seat(actor=xinzhou_center, session_id=session.pk)
    with pytest.raises(PermissionDenied):
        session_seat(actor=acting_as("huaan_point_clerk"), session_id=session.pk)
    session_seat(actor=center, session_id=session.pk)
    after = state()
    with pytest.raises(Conflict, match="已经是“已排考”状态"):
        session_seat(actor=center, session_id=session.pk)
    assert state() == after


def test_ticket_numbers_and_seat_plan_rules():
    assert rules.ticket_prefix("140800", "261222", 7) == "14082612220007"
    assert rules.ticket_numbers("P", 9, 2) == ["P0010", "P0011"]
    assert rules.seat_plan([(1, 1), (2, 2)], [10, 11, 12]) == [(10, 1, 1), (11, 2, 1), (12, 2, 2)]
    assert rules.seat_plan([(1, 5)], []) == []

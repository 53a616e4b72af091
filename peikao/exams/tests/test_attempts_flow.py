"""The computer exam through its services: sign-in, authorization, start, saves, submission,
marking, the deadline, and the proctor's acts; every refusal with its message and nothing
changed."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from peikao.accounts.testing import acting_as
from peikao.audit.models import AuditRecord
from peikao.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from peikao.exams.models import Answer, AnswerEvent, Attempt, ExamApplication, TimeExtension
from peikao.exams.services import attempts as services
from peikao.exams.tasks import submit_overdue_attempts
from peikao.exams.tests.attempt_factories import (
    BEFORE_START,
    EXAM_START,
    RIGHT,
    WRONG,
    attempt_of,
    candidate,
    exam_room,
    seat_key_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(BEFORE_START, tick=False)
    return time_machine


@pytest.fixture
def made(clock):
    return exam_room()


def sign_in(made, number=1, seat_number=None):
    application = made.applications[number - 1]
    attempt, token = services.attempt_sign_in(
        actor=made.seat_actor(seat_number or number),
        ticket_number=application.ticket_number,
        id_number=application.person.id_number,
    )
    return attempt, token


def proctor():
    return acting_as("huaan_proctor")


def started(made, number=1):
    """Signed in, authorized and started at EXAM_START; the candidate actor and attempt id."""
    attempt, token = sign_in(made, number)
    services.attempt_authorize(
        actor=proctor(), session_room_id=made.session_room.pk, attempt_ids=[attempt.pk]
    )
    actor, attempt_id = candidate(made, number, token)
    services.attempt_start(actor=actor, attempt_id=attempt_id)
    return actor, attempt_id


def save(actor, attempt_id, position, choice, sequence):
    return services.answer_save(
        actor=actor,
        seat_key=seat_key_of(actor),
        attempt_id=attempt_id,
        position=position,
        choice=choice,
        sequence=sequence,
    )


def audits(action):
    return AuditRecord.objects.filter(action=action).count()


# --------------------------------------------------------------------------- sign-in


def test_sign_in_creates_a_checked_in_attempt_and_a_token_and_is_audited(made):
    attempt, token = sign_in(made)
    assert attempt.status == "checked_in" and attempt.seat == made.seat(1)
    assert attempt.checked_in_at == BEFORE_START
    actor, attempt_id = candidate(made, 1, token)
    assert attempt_id == attempt.pk and actor.person_id == attempt.person_id
    assert audits("exam_attempt.checked_in") == 1


def test_signing_in_again_on_the_same_seat_reuses_the_attempt(made):
    first, _ = sign_in(made)
    again, _ = sign_in(made)
    assert again.pk == first.pk
    assert Attempt.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("ticket", "准考证号或身份证号不正确，请核对后重新输入。"),
        ("id_number", "准考证号或身份证号不正确，请核对后重新输入。"),
        ("not_approved", "您的考试报名未审核通过，不能参加考试。"),
        ("no_seat", "您尚未安排考场和座位，请联系考试点考务人员。"),
        ("wrong_seat", "这不是您的座位，请到"),
        ("too_early", "签到尚未开始：开考前 30 分钟开始签到。"),
        ("too_late", "签到已结束：开考 15 分钟后不得入场。"),
    ],
)
def test_sign_in_refusals_change_nothing(made, clock, change, message):
    application = made.applications[0]
    ticket, id_number, seat = application.ticket_number, application.person.id_number, 1
    if change == "ticket":
        ticket = "NOPE"
    elif change == "id_number":
        id_number = made.applications[1].person.id_number
    elif change == "not_approved":
        ExamApplication.objects.filter(pk=application.pk).update(status="submitted")
    elif change == "no_seat":
        ExamApplication.objects.filter(pk=application.pk).update(seat_number=None)
    elif change == "wrong_seat":
        seat = 3
    elif change == "too_early":
        clock.move_to(EXAM_START - timedelta(minutes=31), tick=False)
    elif change == "too_late":
        clock.move_to(EXAM_START + timedelta(minutes=16), tick=False)
    with pytest.raises(DomainError) as refused:
        services.attempt_sign_in(
            actor=made.seat_actor(seat), ticket_number=ticket, id_number=id_number
        )
    assert message in str(refused.value)
    assert Attempt.objects.count() == 0
    assert audits("exam_attempt.checked_in") == 0


def test_sign_in_in_another_room_says_where_to_go(made):
    other = exam_room(candidates=0, session=made.session)
    application = made.applications[0]
    with pytest.raises(DomainError) as refused:
        services.attempt_sign_in(
            actor=other.seat_actor(1),
            ticket_number=application.ticket_number,
            id_number=application.person.id_number,
        )
    assert "您不在本考场考试，请到" in str(refused.value)
    assert made.room.name in str(refused.value) and "1 号座位" in str(refused.value)
    assert Attempt.objects.count() == 0


def test_sign_in_needs_a_seat_computer(made):
    application = made.applications[0]
    with pytest.raises(PermissionDenied) as refused:
        services.attempt_sign_in(
            actor=proctor(),
            ticket_number=application.ticket_number,
            id_number=application.person.id_number,
        )
    assert str(refused.value) == "只有已登记的考试机可以办理考生签到和答题。"


def test_a_token_of_another_seat_is_refused(made):
    _attempt, token = sign_in(made)
    with pytest.raises(PermissionDenied) as refused:
        candidate(made, 1, token, seat_number=2)
    assert str(refused.value) == "考生凭证不属于这台考试机，请在本机重新签到。"
    with pytest.raises(PermissionDenied):
        candidate(made, 1, token + "x")


# --------------------------------------------------------------------------- authorize, start


def test_the_paper_opens_only_after_the_proctor_authorizes(made, clock):
    _attempt, token = sign_in(made)
    actor, attempt_id = candidate(made, 1, token)
    with pytest.raises(Conflict) as refused:
        services.attempt_start(actor=actor, attempt_id=attempt_id)
    assert str(refused.value) == "请等待监考员核验身份后再开始答题。"
    services.attempt_authorize(actor=proctor(), session_room_id=made.session_room.pk)
    clock.move_to(EXAM_START, tick=False)
    opened = services.attempt_start(actor=actor, attempt_id=attempt_id)
    assert opened.status == "active"
    assert opened.started_at == EXAM_START
    assert opened.base_deadline_at == EXAM_START + timedelta(minutes=120)
    # Starting twice changes nothing.
    assert services.attempt_start(actor=actor, attempt_id=attempt_id).started_at == EXAM_START
    assert audits("exam_attempt.started") == 1


def test_authorize_all_takes_every_checked_in_candidate_of_the_room(made):
    sign_in(made, 1)
    sign_in(made, 2)
    chosen = services.attempt_authorize(actor=proctor(), session_room_id=made.session_room.pk)
    assert len(chosen) == 2
    assert set(Attempt.objects.values_list("status", flat=True)) == {"authorized"}
    with pytest.raises(Conflict) as refused:
        services.attempt_authorize(actor=proctor(), session_room_id=made.session_room.pk)
    assert str(refused.value) == "本考场没有已签到、待核验的考生。"


def test_only_the_room_s_proctor_authorizes(made):
    sign_in(made)
    made.session_room.staff.clear()
    with pytest.raises(NotFound):
        services.attempt_authorize(actor=proctor(), session_room_id=made.session_room.pk)
    with pytest.raises(PermissionDenied):
        services.attempt_authorize(
            actor=acting_as("huaan_point_clerk"), session_room_id=made.session_room.pk
        )
    assert attempt_of(made.applications[0]).status == "checked_in"


# --------------------------------------------------------------------------- saves


def test_a_save_is_idempotent_and_an_older_one_never_overwrites_a_newer(made, clock):
    clock.move_to(EXAM_START, tick=False)
    actor, attempt_id = started(made)
    first = save(actor, attempt_id, 2, [1], 5)
    assert first.applied and first.choice == [1] and first.sequence == 5
    assert first.deadline == EXAM_START + timedelta(minutes=120)
    assert first.seconds_left == 120 * 60 and first.server_time == EXAM_START
    again = save(actor, attempt_id, 2, [1], 5)
    assert not again.applied and again.choice == [1] and again.sequence == 5
    older = save(actor, attempt_id, 2, [3], 4)
    assert not older.applied and older.choice == [1] and older.sequence == 5
    newer = save(actor, attempt_id, 2, [0], 6)
    assert newer.applied and newer.choice == [0]
    answer = Answer.objects.get(attempt_id=attempt_id)
    assert (answer.choice, answer.sequence) == ([0], 6)
    events = list(AnswerEvent.objects.filter(attempt_id=attempt_id).order_by("id"))
    assert [(e.sequence, e.applied) for e in events] == [
        (5, True),
        (5, False),
        (4, False),
        (6, True),
    ]
    # Saves are not audited.
    assert not AuditRecord.objects.filter(action__contains="answer").exists()


@pytest.mark.parametrize(
    ("position", "choice", "message"),
    [
        (9, [0], "试卷中没有第 9 题。"),
        (1, [2], "判断题只能选“对”或“错”。"),
        (1, [0, 1], "判断题只能选一个答案。"),
        (2, [0, 1], "单选题只能选一个选项。"),
        (2, [4], "该题只有 4 个选项（A–D）。"),
        (3, [1, 1], "作答中有重复的选项。"),
    ],
)
def test_a_choice_the_question_cannot_take_is_refused(made, clock, position, choice, message):
    clock.move_to(EXAM_START, tick=False)
    actor, attempt_id = started(made)
    with pytest.raises(DomainError) as refused:
        save(actor, attempt_id, position, choice, 1)
    assert str(refused.value) == message
    assert not Answer.objects.exists() and not AnswerEvent.objects.exists()


def test_the_grace_window_10_seconds_accepted_11_refused(made, clock):
    clock.move_to(EXAM_START, tick=False)
    actor, attempt_id = started(made)
    deadline = EXAM_START + timedelta(minutes=120)
    clock.move_to(deadline + timedelta(seconds=10), tick=False)
    accepted = save(actor, attempt_id, 1, [0], 1)
    assert accepted.applied and accepted.seconds_left == 0
    clock.move_to(deadline + timedelta(seconds=11), tick=False)
    with pytest.raises(Conflict) as refused:
        save(actor, attempt_id, 1, [1], 2)
    assert str(refused.value) == "考试时间已到，作答未能保存。"
    assert Answer.objects.get(attempt_id=attempt_id).choice == [0]
    assert AnswerEvent.objects.count() == 1


# --------------------------------------------------------------------------- submit, marking


def test_submit_is_idempotent_and_marks_at_once(made, clock):
    clock.move_to(EXAM_START, tick=False)
    actor, attempt_id = started(made)
    save(actor, attempt_id, 1, RIGHT[1], 1)
    save(actor, attempt_id, 2, RIGHT[2], 2)
    save(actor, attempt_id, 3, RIGHT[3][:1], 3)  # one right option of two: nothing
    clock.move_to(EXAM_START + timedelta(minutes=30), tick=False)
    first = services.attempt_submit(actor=actor, attempt_id=attempt_id)
    assert first.status == "scored" and first.score == Decimal("70.0")
    assert first.submitted_at == EXAM_START + timedelta(minutes=30)
    again = services.attempt_submit(actor=actor, attempt_id=attempt_id)
    assert again.receipt == first.receipt
    assert audits("exam_attempt.submitted") == 1 and audits("exam_attempt.scored") == 1
    with pytest.raises(Conflict) as refused:
        save(actor, attempt_id, 3, RIGHT[3], 4)
    assert str(refused.value) == "您已交卷，不能再修改答案。"
    assert Answer.objects.get(attempt_id=attempt_id, paper_question__position=3).choice == [0]


def test_multiple_choice_needs_every_right_option_and_no_wrong_one(made, clock):
    clock.move_to(EXAM_START, tick=False)
    actor, attempt_id = started(made)
    save(actor, attempt_id, 1, WRONG[1], 1)
    save(actor, attempt_id, 2, WRONG[2], 2)
    save(actor, attempt_id, 3, [*RIGHT[3], 2], 3)
    assert services.attempt_submit(actor=actor, attempt_id=attempt_id).score == 0
    actor2, attempt2 = started(made, 2)
    save(actor2, attempt2, 3, list(reversed(RIGHT[3])), 1)
    assert services.attempt_submit(actor=actor2, attempt_id=attempt2).score == Decimal(30)


# --------------------------------------------------------------------------- the deadline


def test_the_server_submits_at_the_deadline_with_the_last_saved_answers(made, clock):
    clock.move_to(EXAM_START, tick=False)
    actor, attempt_id = started(made)
    save(actor, attempt_id, 1, RIGHT[1], 1)
    deadline = EXAM_START + timedelta(minutes=120)
    clock.move_to(deadline + timedelta(seconds=10), tick=False)
    assert submit_overdue_attempts() == 0  # a save may still arrive
    clock.move_to(deadline + timedelta(seconds=60), tick=False)
    assert submit_overdue_attempts() == 1
    attempt = Attempt.objects.get(pk=attempt_id)
    assert attempt.status == "scored" and attempt.submitted_at == deadline
    assert attempt.score == Decimal(40)
    assert submit_overdue_attempts() == 0  # twice is safe
    assert audits("exam_attempt.submitted") == 1


# --------------------------------------------------------------------------- proctor acts


def test_pause_freezes_the_time_and_refuses_saves(made, clock):
    clock.move_to(EXAM_START, tick=False)
    actor, attempt_id = started(made)
    clock.move_to(EXAM_START + timedelta(minutes=10), tick=False)
    services.attempt_pause(actor=proctor(), attempt_id=attempt_id, reason="停电")
    with pytest.raises(Conflict) as refused:
        save(actor, attempt_id, 1, [0], 1)
    assert str(refused.value) == "考试已暂停，暂停期间不能作答，请听从监考员安排。"
    clock.move_to(EXAM_START + timedelta(minutes=25), tick=False)
    # Past the deadline while paused, nothing is submitted.
    clock.move_to(EXAM_START + timedelta(minutes=200), tick=False)
    assert submit_overdue_attempts() == 0
    services.attempt_resume(actor=proctor(), attempt_id=attempt_id)
    receipt = save(actor, attempt_id, 1, [0], 1)
    # 110 minutes were left at the pause; they are left after it.
    assert receipt.seconds_left == 110 * 60
    assert Attempt.objects.get(pk=attempt_id).paused_seconds == 190 * 60
    assert audits("exam_attempt.paused") == 1 and audits("exam_attempt.resumed") == 1


def test_added_time_is_stored_apart_with_its_reason(made, clock):
    clock.move_to(EXAM_START, tick=False)
    actor, attempt_id = started(made)
    services.attempt_add_time(actor=proctor(), attempt_id=attempt_id, minutes=5, reason="死机重启")
    extension = TimeExtension.objects.get(attempt_id=attempt_id)
    assert (extension.seconds, extension.reason) == (300, "死机重启")
    deadline = EXAM_START + timedelta(minutes=125)
    clock.move_to(deadline + timedelta(seconds=10), tick=False)
    assert save(actor, attempt_id, 1, [0], 1).deadline == deadline
    assert audits("exam_attempt.time_added") == 1


def test_add_time_refusals(made, clock):
    clock.move_to(EXAM_START, tick=False)
    attempt, _ = sign_in(made)
    with pytest.raises(DomainError) as refused:
        services.attempt_add_time(actor=proctor(), attempt_id=attempt.pk, minutes=5, reason=" ")
    assert str(refused.value) == "请填写延长原因。"
    with pytest.raises(Conflict) as refused:
        services.attempt_add_time(actor=proctor(), attempt_id=attempt.pk, minutes=5, reason="x")
    assert "只有答题中或暂停的考试可以延长时间" in str(refused.value)
    assert not TimeExtension.objects.exists()


def test_moving_closes_the_old_seat(made, clock):
    clock.move_to(EXAM_START, tick=False)
    actor, attempt_id = started(made)
    save(actor, attempt_id, 1, [0], 1)
    services.attempt_move(
        actor=proctor(), attempt_id=attempt_id, seat_id=made.seat(3).pk, reason="键盘故障"
    )
    with pytest.raises(PermissionDenied) as refused:
        save(actor, attempt_id, 1, [1], 2)
    assert "您已被调换到其他座位" in str(refused.value)
    # On the new seat the candidate signs in again (the window is long closed) and goes on.
    clock.move_to(EXAM_START + timedelta(minutes=60), tick=False)
    again, token = sign_in(made, 1, seat_number=3)
    assert again.pk == attempt_id and again.status == "active"
    new_actor, _ = candidate(made, 1, token, seat_number=3)
    assert save(new_actor, attempt_id, 1, [1], 2).applied
    assert audits("exam_attempt.moved") == 1


def test_move_refusals(made, clock):
    clock.move_to(EXAM_START, tick=False)
    _actor, attempt_id = started(made)
    sign_in(made, 2)
    with pytest.raises(Conflict) as refused:
        services.attempt_move(
            actor=proctor(), attempt_id=attempt_id, seat_id=made.seat(2).pk, reason="x"
        )
    assert "已有考生在考" in str(refused.value)
    other = exam_room(candidates=0, session=made.session)
    with pytest.raises(DomainError) as elsewhere:
        services.attempt_move(
            actor=proctor(), attempt_id=attempt_id, seat_id=other.seat(1).pk, reason="x"
        )
    assert str(elsewhere.value) == "该考试机不在本考场，或已停用。"
    assert Attempt.objects.get(pk=attempt_id).seat == made.seat(1)


def test_terminate_for_cheating_keeps_the_answers_and_stops_the_saves(made, clock):
    clock.move_to(EXAM_START, tick=False)
    actor, attempt_id = started(made)
    save(actor, attempt_id, 1, [0], 1)
    with pytest.raises(DomainError):
        services.attempt_terminate(actor=proctor(), attempt_id=attempt_id, reason="")
    services.attempt_terminate(actor=proctor(), attempt_id=attempt_id, reason="夹带资料")
    attempt = Attempt.objects.get(pk=attempt_id)
    assert attempt.status == "terminated" and attempt.status_reason == "夹带资料"
    with pytest.raises(Conflict):
        save(actor, attempt_id, 1, [1], 2)
    assert Answer.objects.get(attempt_id=attempt_id).choice == [0]


def test_only_the_exam_center_voids(made, clock):
    attempt, _ = sign_in(made)
    with pytest.raises(PermissionDenied) as refused:
        services.attempt_void(actor=acting_as("yc_officer"), attempt_id=attempt.pk, reason="x")
    assert str(refused.value) == "只有考试中心可以作废理论考试。"
    with pytest.raises(PermissionDenied):
        services.attempt_void(actor=proctor(), attempt_id=attempt.pk, reason="x")
    with pytest.raises(NotFound):
        services.attempt_void(actor=acting_as("xz_officer"), attempt_id=attempt.pk, reason="x")
    assert Attempt.objects.get(pk=attempt.pk).status == "checked_in"
    services.attempt_void(
        actor=acting_as("yc_exam_center"), attempt_id=attempt.pk, reason="考场设备故障，安排重考"
    )
    assert Attempt.objects.get(pk=attempt.pk).status == "voided"


def test_absent_only_after_the_start(made, clock):
    application = made.applications[1]
    with pytest.raises(Conflict) as refused:
        services.attempt_mark_absent(
            actor=proctor(), session_room_id=made.session_room.pk, application_id=application.pk
        )
    assert str(refused.value) == "开考后才能记为缺考。"
    assert not Attempt.objects.exists()
    clock.move_to(EXAM_START + timedelta(minutes=16), tick=False)
    absent = services.attempt_mark_absent(
        actor=proctor(), session_room_id=made.session_room.pk, application_id=application.pk
    )
    assert absent.status == "absent"
    assert audits("exam_attempt.absent") == 1


# --------------------------------------------------------------------------- scope


def test_a_proctor_of_another_room_and_another_point_and_another_trainee_get_404(made, clock):
    clock.move_to(EXAM_START, tick=False)
    _actor, attempt_id = started(made)
    made.session_room.staff.clear()
    for act in (services.attempt_pause, services.attempt_terminate):
        with pytest.raises(NotFound):
            act(actor=proctor(), attempt_id=attempt_id, reason="x")
    # Another candidate's token cannot reach this attempt.
    _attempt2, token2 = sign_in(made, 2)
    other, _ = candidate(made, 2, token2)
    with pytest.raises(NotFound):
        save(other, attempt_id, 1, [0], 1)
    with pytest.raises(NotFound):
        services.attempt_submit(actor=other, attempt_id=attempt_id)
    assert Attempt.objects.get(pk=attempt_id).status == "active"
    assert not Answer.objects.exists()


def test_no_pause_or_time_added_once_the_deadline_and_grace_are_past(made, clock):
    clock.move_to(EXAM_START, tick=False)
    _actor, attempt_id = started(made)
    clock.move_to(EXAM_START + timedelta(minutes=120, seconds=11), tick=False)
    with pytest.raises(Conflict) as refused:
        services.attempt_pause(actor=proctor(), attempt_id=attempt_id, reason="停电")
    assert str(refused.value) == "考试时间已到，不能暂停；系统将按截止时间自动交卷。"
    with pytest.raises(Conflict):
        services.attempt_add_time(actor=proctor(), attempt_id=attempt_id, minutes=5, reason="x")
    attempt = Attempt.objects.get(pk=attempt_id)
    assert (attempt.status, attempt.extra_seconds) == ("active", 0)
    assert not TimeExtension.objects.exists()


def test_a_save_is_three_statements(made, clock):
    """The hot path: one statement reads the attempt (locked) with its seat and the question,
    one writes the answer (inserted, or updated only by a newer sequence), one appends the
    event; the savepoints of the test's transaction besides. A first answer and a change cost
    the same."""
    clock.move_to(EXAM_START, tick=False)
    actor, attempt_id = started(made)
    key = seat_key_of(actor)
    for position, sequence in ((1, 1), (1, 2), (2, 3)):
        with CaptureQueriesContext(connection) as queries:
            services.answer_save(
                actor=actor,
                seat_key=key,
                attempt_id=attempt_id,
                position=position,
                choice=[1],
                sequence=sequence,
            )
        statements = [
            q["sql"].split()[0].upper()
            for q in queries.captured_queries
            if "SAVEPOINT" not in q["sql"].upper()
        ]
        assert statements == WRITES[connection.vendor], queries.captured_queries
    assert Answer.objects.filter(attempt_id=attempt_id).count() == 2
    assert AnswerEvent.objects.filter(attempt_id=attempt_id).count() == 3


# PostgreSQL writes the answer and the event in one guarded statement.
WRITES = {"postgresql": ["SELECT", "WITH"], "sqlite": ["SELECT", "INSERT", "INSERT"]}


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's save reads and writes in one transaction"
)
def test_a_save_read_before_a_pause_and_written_after_it_is_refused(made, clock, monkeypatch):
    """The attempt paused between the save's read and its write: the guarded write stores
    nothing, and the locked path refuses the save as paused."""
    clock.move_to(EXAM_START, tick=False)
    actor, attempt_id = started(made)
    key = seat_key_of(actor)
    read = services._attempt_for_save

    def read_then_pause(*args, lock):
        row = read(*args, lock=lock)
        if not lock:
            Attempt.objects.filter(pk=attempt_id).update(status=Attempt.Status.PAUSED)
        return row

    monkeypatch.setattr(services, "_attempt_for_save", read_then_pause)
    with pytest.raises(Conflict, match="暂停"):
        services.answer_save(
            actor=actor, seat_key=key, attempt_id=attempt_id, position=1, choice=[1], sequence=1
        )
    assert not Answer.objects.filter(attempt_id=attempt_id).exists()
    assert not AnswerEvent.objects.filter(attempt_id=attempt_id).exists()

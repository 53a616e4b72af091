"""The computer exam (理论考试): seat computers, sign-in, the proctor's acts, answer saves,
submission and marking, and the server's submission at the deadline
(docs/decisions/0017-exam-seats-and-attempts.md).

Answer saves are the hot path: one short transaction, no audit record, no session row, no lock
held beyond that transaction. Everything else is audited.
"""

import json
import math
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from peikao.accounts.actor import Actor, ActorKind
from peikao.accounts.models import Role
from peikao.audit.actions import Action
from peikao.audit.services import audit_record
from peikao.audit.transitions import transition_apply, transition_set
from peikao.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from peikao.core.history import with_change_reason
from peikao.core.scoping import get_visible, not_found
from peikao.exams.models import (
    Answer,
    Attempt,
    ExamApplication,
    ExamSession,
    PaperQuestion,
    SessionRoom,
    TimeExtension,
)
from peikao.exams.rules import attempts as rules
from peikao.exams.rules.attempts import ATTEMPT
from peikao.exams.services.results import (
    result_record_theory,
    result_record_unscored,
    result_reopen,
)
from peikao.monitoring import services as monitoring_services
from peikao.monitoring.models import Device
from peikao.monitoring.permissions import require_device_manager
from peikao.monitoring.rules import key_digest
from peikao.monitoring.selectors import device_by_key
from peikao.orgs.models import Room

Status = Attempt.Status
TOKEN_SALT = "peikao.exams.attempt"
ROOM_NOT_FOUND = "未找到该考场，或不属于本单位。"
REASON_MAX = Attempt._meta.get_field("status_reason").max_length
NOT_A_SEAT = "只有已登记的考试机可以办理考生签到和答题。"
FOREIGN_TOKEN = "考生凭证不属于这台考试机，请在本机重新签到。"


def _required_reason(reason: str, label: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(f"请填写{label}。")
    if REASON_MAX and len(reason) > REASON_MAX:
        raise DomainError(f"{label}不能超过 {REASON_MAX} 个字符。")
    return reason


def _deadline(attempt: Attempt, now: datetime) -> datetime | None:
    if attempt.base_deadline_at is None:
        return None
    return rules.effective_deadline(
        attempt.base_deadline_at,
        extra_seconds=attempt.extra_seconds,
        paused_seconds=attempt.paused_seconds,
        paused_at=attempt.paused_at,
        now=now,
    )


def _seat_label(device: Device | None) -> str:
    if device is None:
        return "（无）"
    return f"{device.room.name} {device.seat_number} 号座位"


def _audit(action: Action, *, actor: Actor, attempt: Attempt, **detail: Any) -> None:
    audit_record(action, actor=actor, target=attempt, detail=detail)


# --------------------------------------------------------------------------- seat computers


@transaction.atomic
def seat_register(
    *, actor: Actor, room_id: int, seat_number: int, name: str, serial_number: str
) -> tuple[Device, str]:
    """An exam point's clerk registers the computer at a seat of a theory room: a monitoring
    device of kind exam_seat with its seat number, one active computer per seat. Returns the
    device and its key (the API sets it in the seat's cookie; it is never shown)."""
    room = Room.objects.select_related("organization").filter(pk=room_id).first()
    if room is None:
        raise NotFound(ROOM_NOT_FOUND)
    require_device_manager(actor, room.organization, missing=ROOM_NOT_FOUND)
    if room.kind != Room.Kind.THEORY:
        raise DomainError("考试机只能登记在理论考场（机房）。")
    if not 1 <= seat_number <= room.seats:
        raise DomainError(
            f"座位号应在 1 至 {room.seats} 之间（{room.name}共 {room.seats} 个座位）。"
        )
    taken = Conflict(f"{room.name} {seat_number} 号座位已有在用的考试机，请先停用原考试机。")
    seats = Device.objects.filter(kind=Device.Kind.EXAM_SEAT, active=True, room=room)
    if seats.filter(seat_number=seat_number).exists():
        raise taken
    device, key = monitoring_services.device_register(
        actor=actor,
        room_id=room.pk,
        kind=Device.Kind.EXAM_SEAT,
        name=name,
        serial_number=serial_number,
    )
    device.seat_number = seat_number
    with_change_reason(device, f"登记为 {seat_number} 号座位考试机")
    try:
        with transaction.atomic():
            device.save(update_fields=["seat_number"])
    except IntegrityError:
        raise taken from None
    return device, key


def _seat_device(actor: Actor) -> Device:
    if not actor.is_device or actor.device_id is None:
        raise PermissionDenied(NOT_A_SEAT)
    device = (
        Device.objects.select_related("room", "organization")
        .filter(pk=actor.device_id, active=True, kind=Device.Kind.EXAM_SEAT)
        .first()
    )
    if device is None or device.seat_number is None:
        raise PermissionDenied(NOT_A_SEAT)
    return device


# --------------------------------------------------------------------------- the candidate


def candidate_token(attempt: Attempt) -> str:
    """What the seat's page sends on every call beside the seat's cookie: signed, stateless
    (no session row), naming the attempt, the person and the seat it was issued on."""
    return signing.dumps(
        {"a": attempt.pk, "p": attempt.person_id, "s": attempt.seat_id}, salt=TOKEN_SALT
    )


def _token_data(token: str) -> dict:
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=rules.CANDIDATE_TOKEN_MAX_AGE_SECONDS)
    except signing.SignatureExpired:
        raise PermissionDenied("考生凭证已过期，请重新签到。") from None
    except signing.BadSignature:
        raise PermissionDenied("考生凭证无效，请重新签到。") from None
    if not isinstance(data, dict):
        raise PermissionDenied("考生凭证无效，请重新签到。")
    return data


def candidate_actor(*, seat: Actor, token: str) -> tuple[Actor, int]:
    """The candidate acting on the seat that authenticated, and the attempt the token names.
    A token of another seat, forged or expired, is refused."""
    data = _token_data(token)
    if data.get("s") != seat.device_id:
        raise PermissionDenied(FOREIGN_TOKEN)
    actor = Actor(
        kind=ActorKind.DEVICE,
        organization=seat.organization,
        device_id=seat.device_id,
        person_id=int(data["p"]),
        name=f"考生（{seat.name}）",
    )
    return actor, int(data["a"])


def candidate_by_token(token: str) -> tuple[Actor, int]:
    """The candidate the token names, on the seat it was issued on, before that seat's key is
    checked: only for answer_save, which checks the key inside its own locked query (one
    lookup fewer on the hot path)."""
    data = _token_data(token)
    actor = Actor(
        kind=ActorKind.DEVICE,
        device_id=int(data["s"]),
        person_id=int(data["p"]),
        name="考生",
    )
    return actor, int(data["a"])


def _where_to_go(application: ExamApplication) -> str:
    session = application.session
    room = application.session_room.room if application.session_room else None
    return f"{session.exam_point.name} {room.name if room else ''} {application.seat_number} 号座位"


def _sign_in_refusal(application: ExamApplication, device: Device) -> str:
    if application.status != ExamApplication.Status.APPROVED:
        return "您的考试报名未审核通过，不能参加考试。"
    if application.session_room is None or application.seat_number is None:
        return "您尚未安排考场和座位，请联系考试点考务人员。"
    where = _where_to_go(application)
    if application.session.exam_point_id != device.organization_id:
        return f"您不在本考试点考试，请到{where}签到。"
    if application.session_room.room_id != device.room_id:
        return f"您不在本考场考试，请到{where}签到。"
    if application.seat_number != device.seat_number:
        return f"这不是您的座位，请到{where}签到。"
    return ""


def _current_attempt(application_id: int) -> Attempt | None:
    return (
        Attempt.objects.select_for_update(of=("self",))
        .exclude(status=Status.VOIDED)
        .filter(application_id=application_id)
        .first()
    )


@transaction.atomic
def attempt_sign_in(*, actor: Actor, ticket_number: str, id_number: str) -> tuple[Attempt, str]:
    """A candidate signs in on a seat with ticket number and ID number: the attempt is created
    (or the one already checked in on this seat is reused, after a reload) and a candidate
    token answered. The database keeps one attempt per application, however many arrive."""
    device = _seat_device(actor)
    now = timezone.now()
    wrong = DomainError("准考证号或身份证号不正确，请核对后重新输入。")
    ticket_number, id_number = (ticket_number or "").strip(), (id_number or "").strip().upper()
    if not ticket_number or not id_number:
        raise DomainError("请输入准考证号和身份证号。")
    application = (
        ExamApplication.objects.select_related(
            "person", "session__exam_point", "session_room__room", "paper__blueprint"
        )
        .filter(ticket_number=ticket_number)
        .first()
    )
    if application is None or application.person.id_number.upper() != id_number:
        raise wrong
    attempt = _current_attempt(application.pk)
    if attempt is not None and attempt.status in rules.OPEN:
        if attempt.seat_id != device.pk:
            raise Conflict(f"您已在{_seat_label(attempt.seat)}签到；如需换座，请由监考员办理。")
        _audit(Action.EXAM_ATTEMPT_CHECKED_IN, actor=actor, attempt=attempt, again=True)
        return attempt, candidate_token(attempt)
    if attempt is not None and attempt.status != Status.SCHEDULED:
        raise Conflict(f"您的理论考试{attempt.get_status_display()}，不能再签到。")
    refusal = _sign_in_refusal(application, device) or rules.sign_in_refusal(
        application.session.starts_at, now
    )
    if refusal:
        raise DomainError(refusal)
    paper = getattr(application, "paper", None)
    if paper is None:
        raise Conflict("您的试卷尚未生成，请联系考试点考务人员。")
    if attempt is not None:  # made when the session was seated
        transition_apply(
            attempt,
            ATTEMPT,
            "check_in",
            actor=actor,
            changes={"seat": device, "checked_in_at": now},
            detail={"seat": _seat_label(device)},
        )
        return attempt, candidate_token(attempt)
    attempt = Attempt(
        application=application, person_id=application.person_id, paper=paper, seat=device
    )
    transition_set(attempt, ATTEMPT, "check_in")
    attempt.checked_in_at = now
    try:
        # Many sign-ins at once all find no attempt; the partial unique constraints let one
        # in, the others wait for it and fail here, then reuse it.
        with transaction.atomic():
            attempt.save()
    except IntegrityError:
        existing = _current_attempt(application.pk)
        if existing is None:
            raise Conflict("您尚有另一场未结束的理论考试，请联系监考员。") from None
        if existing.seat_id != device.pk or existing.status not in rules.OPEN:
            raise Conflict("您已在其他考试机签到；如需换座，请由监考员办理。") from None
        _audit(Action.EXAM_ATTEMPT_CHECKED_IN, actor=actor, attempt=existing, again=True)
        return existing, candidate_token(existing)
    _audit(
        Action.EXAM_ATTEMPT_CHECKED_IN,
        actor=actor,
        attempt=attempt,
        to=Status.CHECKED_IN,
        seat=_seat_label(device),
    )
    return attempt, candidate_token(attempt)


def _candidate_attempt(actor: Actor, attempt_id: int, *, for_update: bool = True) -> Attempt:
    """The candidate's attempt, acting on the seat that the caller authenticated (the API's
    seat cookie); the attempt must sit on that seat."""
    if not actor.is_device or actor.device_id is None or actor.person_id is None:
        raise PermissionDenied(NOT_A_SEAT)
    # With what the audit record names (the application, its person and session's exam point):
    # 300 candidates start within a minute.
    attempts = Attempt.objects.select_related(
        "person",
        "seat",
        "paper__blueprint",
        "application__person",
        "application__session__exam_point",
    )
    attempt = get_visible(attempts, actor, attempt_id, for_update=for_update)
    if actor.is_device and attempt.seat_id != actor.device_id:
        raise PermissionDenied("您已被调换到其他座位，请到新座位重新签到。")
    return attempt


@transaction.atomic
def attempt_start(*, actor: Actor, attempt_id: int) -> Attempt:
    """The candidate opens the paper once the proctor has authorized: the server's clock sets
    the start and the base deadline (start + the blueprint's duration). Idempotent."""
    attempt = _candidate_attempt(actor, attempt_id)
    if attempt.status in (Status.ACTIVE, Status.PAUSED):
        return attempt
    if attempt.status == Status.CHECKED_IN:
        raise Conflict("请等待监考员核验身份后再开始答题。")
    now = timezone.now()
    duration = timedelta(minutes=attempt.paper.blueprint.duration_minutes)
    transition_apply(
        attempt,
        ATTEMPT,
        "start",
        actor=actor,
        changes={"started_at": now, "base_deadline_at": now + duration},
    )
    return attempt


@dataclass(frozen=True)
class SaveReceipt:
    """What a save answers: the answer as stored (the newest by sequence), whether this save
    changed it, and the server's clock for the page to resynchronise."""

    position: int
    choice: list[int]
    sequence: int
    applied: bool
    saved_at: datetime
    server_time: datetime
    deadline: datetime
    seconds_left: int


# The hot path's three statements, written in SQL: the ORM compiled each of them on every save,
# and compiling cost more than running them (docs/decisions/0020-the-hot-path-in-sql.md). The
# same text runs on SQLite and PostgreSQL; the lock clause is PostgreSQL's (SQLite's IMMEDIATE
# transaction holds the write lock from its start).
ATTEMPT_FOR_SAVE = """
SELECT a.seat_id, d.id, a.status, a.base_deadline_at, a.extra_seconds, a.paused_seconds,
       a.paused_at, pq.id, qv.id, qv.question_type, qv.options
FROM exams_attempt a
LEFT JOIN monitoring_device d
    ON d.id = a.seat_id AND d.key_digest = %s AND d.active = %s AND d.kind = %s
LEFT JOIN exams_paperquestion pq ON pq.paper_id = a.paper_id AND pq.position = %s
LEFT JOIN exams_questionversion qv ON qv.id = pq.question_version_id
WHERE a.id = %s AND a.person_id = %s
"""
# Inserted, or updated only by a newer sequence: one statement, whatever two saves race.
ANSWER_UPSERT = """
INSERT INTO exams_answer (attempt_id, paper_question_id, choice, sequence, saved_at)
VALUES (%s, %s, %s, %s, %s)
ON CONFLICT (attempt_id, paper_question_id) DO UPDATE
SET choice = excluded.choice, sequence = excluded.sequence, saved_at = excluded.saved_at
WHERE exams_answer.sequence < excluded.sequence
"""
ANSWER_EVENT_INSERT = """
INSERT INTO exams_answerevent
    (attempt_id, question_version_id, choice, sequence, client_time, server_time, applied)
VALUES (%s, %s, %s, %s, %s, %s, %s)
"""
# PostgreSQL's one statement for both writes, guarded: the attempt is locked and must still be
# active on the seat (a submission, a pause or a move since the read makes it write nothing).
GUARDED_SAVE = """
WITH guard AS (
    SELECT id FROM exams_attempt WHERE id = %s AND status = %s AND seat_id = %s
    FOR NO KEY UPDATE
), stored AS (
    INSERT INTO exams_answer (attempt_id, paper_question_id, choice, sequence, saved_at)
    SELECT id, %s, %s, %s, %s FROM guard
    ON CONFLICT (attempt_id, paper_question_id) DO UPDATE
    SET choice = excluded.choice, sequence = excluded.sequence, saved_at = excluded.saved_at
    WHERE exams_answer.sequence < excluded.sequence
    RETURNING 1
)
INSERT INTO exams_answerevent
    (attempt_id, question_version_id, choice, sequence, client_time, server_time, applied)
SELECT id, %s, %s, %s, %s, %s, EXISTS (SELECT 1 FROM stored) FROM guard
RETURNING applied
"""
CHOICE_FIELD = Answer._meta.get_field("choice")


@dataclass(frozen=True)
class _SaveRow:
    """What ATTEMPT_FOR_SAVE reads: the attempt's clock and state, whether the seat's key is
    the attempt's seat's, and the question at the position (None when the paper has none)."""

    attempt: Attempt
    seat_key_matches: bool
    question_id: int | None
    version_id: int | None
    question_type: str
    options: list[str]


def _attempt_for_save(
    cursor, attempt_id: int, person_id: int, position: int, seat_key: str, *, lock: bool
) -> _SaveRow | None:
    sql = ATTEMPT_FOR_SAVE
    if lock and connection.features.has_select_for_no_key_update:
        sql += " FOR NO KEY UPDATE OF a"
    seat = [key_digest(seat_key), True, Device.Kind.EXAM_SEAT.value]
    cursor.execute(sql, [*seat, position, attempt_id, person_id])
    row = cursor.fetchone()
    if row is None:
        return None
    (
        seat_id,
        keyed_seat_id,
        status,
        base_deadline,
        extra,
        paused_seconds,
        paused_at,
        pq_id,
        qv_id,
        kind,
        options,
    ) = row
    attempt = Attempt(
        pk=attempt_id,
        person_id=person_id,
        seat_id=seat_id,
        status=status,
        base_deadline_at=_aware(base_deadline),
        extra_seconds=extra,
        paused_seconds=paused_seconds,
        paused_at=_aware(paused_at),
    )
    options = json.loads(options) if isinstance(options, str) else options or []
    return _SaveRow(attempt, keyed_seat_id is not None, pq_id, qv_id, kind or "", options)


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands a raw query its datetimes naive, in UTC; PostgreSQL aware."""
    if value is None or timezone.is_aware(value):
        return value
    return value.replace(tzinfo=UTC)


def answer_save(
    *,
    actor: Actor,
    seat_key: str,
    attempt_id: int,
    position: int,
    choice: list[int],
    sequence: int,
    client_time: datetime | None = None,
) -> SaveReceipt:
    """Saves one answer: THE HOT PATH. Idempotent by sequence; an older sequence never
    overwrites a newer one; every save is appended as an AnswerEvent (applied or not).

    `actor` is the candidate as their token names them (candidate_by_token) and `seat_key` the
    key of the seat computer that sent the save: the first statement admits the save only when
    that key is the active seat the attempt sits on.

    No save lands after a submission (FOR UPDATE): on PostgreSQL the read and then one guarded
    statement writing both rows (_save_guarded), else, and when the attempt changed between
    the two, one short transaction of three statements with the attempt locked FOR NO KEY
    UPDATE (_save_locked). No audit record, no session row, no history row."""
    received_at = timezone.now()  # the time of receipt decides, not the time of the lock
    if not actor.is_device or actor.device_id is None or actor.person_id is None:
        raise PermissionDenied(NOT_A_SEAT)
    if isinstance(attempt_id, bool) or not isinstance(attempt_id, int):
        raise not_found(Attempt)
    save = _Save(actor, seat_key, attempt_id, position, choice, sequence, client_time, received_at)
    done = _save_guarded(save) if connection.vendor == "postgresql" else None
    if done is None:
        done = _save_locked(save)
    deadline, applied, question_id = done
    if applied:
        stored = Answer(choice=choice, sequence=sequence, saved_at=received_at)
    else:
        stored = Answer.objects.only("choice", "sequence", "saved_at").get(
            attempt_id=attempt_id, paper_question_id=question_id
        )
    return SaveReceipt(
        position=position,
        choice=list(stored.choice),
        sequence=stored.sequence,
        applied=applied,
        saved_at=stored.saved_at,
        server_time=received_at,
        deadline=deadline,
        seconds_left=rules.seconds_left(deadline, received_at),
    )


@dataclass(frozen=True)
class _Save:
    actor: Actor
    seat_key: str
    attempt_id: int
    position: int
    choice: list[int]
    sequence: int
    client_time: datetime | None
    received_at: datetime

    def read(self, cursor, *, lock: bool) -> tuple[_SaveRow, datetime]:
        """The attempt, its seat and the question, and the deadline if this save may be
        stored (else its refusal)."""
        actor = self.actor
        assert actor.person_id is not None
        row = _attempt_for_save(
            cursor, self.attempt_id, actor.person_id, self.position, self.seat_key, lock=lock
        )
        if row is None:
            raise not_found(Attempt)
        deadline = _save_refusal_or_deadline(
            row, actor, self.seat_key, self.position, self.choice, self.received_at
        )
        return row, deadline

    def answer_values(self, question_id: int | None) -> list:
        return [question_id, *self._choice_and_sequence(), self._db_time(self.received_at)]

    def event_values(self, version_id: int | None) -> list:
        return [
            version_id,
            *self._choice_and_sequence(),
            self._db_time(self.client_time),
            self._db_time(self.received_at),
        ]

    def _choice_and_sequence(self) -> list:
        return [CHOICE_FIELD.get_db_prep_save(self.choice, connection), self.sequence]

    @staticmethod
    def _db_time(moment: datetime | None):
        return connection.ops.adapt_datetimefield_value(moment)


def _save_guarded(save: _Save) -> tuple[datetime, bool, int | None] | None:
    """Two round trips and no transaction of its own: the read, then GUARDED_SAVE. None when
    the attempt changed in between: the locked path decides then."""
    with connection.cursor() as cursor:
        row, deadline = save.read(cursor, lock=False)
        cursor.execute(
            GUARDED_SAVE,
            [
                save.attempt_id,
                Status.ACTIVE.value,
                save.actor.device_id,
                *save.answer_values(row.question_id),
                *save.event_values(row.version_id),
            ],
        )
        written = cursor.fetchone()
    return None if written is None else (deadline, bool(written[0]), row.question_id)


def _save_locked(save: _Save) -> tuple[datetime, bool, int | None]:
    with transaction.atomic(), connection.cursor() as cursor:
        row, deadline = save.read(cursor, lock=True)
        cursor.execute(ANSWER_UPSERT, [save.attempt_id, *save.answer_values(row.question_id)])
        applied = cursor.rowcount == 1
        cursor.execute(
            ANSWER_EVENT_INSERT, [save.attempt_id, *save.event_values(row.version_id), applied]
        )
    return deadline, applied, row.question_id


def _save_refusal_or_deadline(
    row: _SaveRow,
    actor: Actor,
    seat_key: str,
    position: int,
    choice: list[int],
    received_at: datetime,
) -> datetime:
    """The attempt's deadline, when this save may be stored; otherwise the refusal."""
    attempt = row.attempt
    if attempt.seat_id != actor.device_id:
        raise PermissionDenied("您已被调换到其他座位，本机的作答不再保存，请到新座位继续。")
    if not row.seat_key_matches:
        device = device_by_key(seat_key)
        if device is None or device.kind != Device.Kind.EXAM_SEAT:
            raise PermissionDenied(NOT_A_SEAT)
        raise PermissionDenied(FOREIGN_TOKEN)
    if attempt.status == Status.PAUSED:
        raise Conflict("考试已暂停，暂停期间不能作答，请听从监考员安排。")
    if attempt.status in rules.DONE:
        raise Conflict("您已交卷，不能再修改答案。")
    if attempt.status != Status.ACTIVE:
        raise Conflict(f"理论考试{attempt.get_status_display()}，不能作答。")
    deadline = _deadline(attempt, received_at)
    assert deadline is not None  # an active attempt has started
    if not rules.save_in_time(received_at, deadline):
        raise Conflict("考试时间已到，作答未能保存。")
    if row.question_id is None:
        raise DomainError(f"试卷中没有第 {position} 题。")
    count = rules.option_count(row.question_type, row.options)
    refusal = rules.choice_refusal(row.question_type, count, choice)
    if refusal:
        raise DomainError(refusal)
    return deadline


def _marked(attempt: Attempt) -> Decimal:
    answers = dict(
        Answer.objects.filter(attempt_id=attempt.pk).values_list("paper_question_id", "choice")
    )
    questions = PaperQuestion.objects.filter(paper_id=attempt.paper_id).select_related(
        "question_version"
    )
    return sum(
        (
            rules.mark(
                question.question_version.question_type,
                question.question_version.answer,
                question.option_order,
                answers.get(question.pk),
                question.points,
            )
            for question in questions
        ),
        Decimal(0),
    )


def _submit(attempt: Attempt, *, actor: Actor, submitted_at: datetime, how: str) -> Attempt:
    """Submits a locked active attempt and marks it at once."""
    transition_apply(
        attempt,
        ATTEMPT,
        "submit",
        actor=actor,
        changes={"submitted_at": submitted_at, "receipt": secrets.token_hex(16)},
        detail={"how": how},
    )
    score = _marked(attempt)
    transition_apply(
        attempt,
        ATTEMPT,
        "score",
        actor=actor,
        changes={"score": score, "scored_at": timezone.now()},
        detail={"score": str(score)},
    )
    # The score reaches the result (and, without a practical exam, decides it) at once.
    result_record_theory(actor=actor, attempt=attempt)
    return attempt


@transaction.atomic
def attempt_submit(*, actor: Actor, attempt_id: int) -> Attempt:
    """The candidate submits: the same receipt for a double click or a retry, one submission,
    marked at once. Submitted after the deadline (before the server did it), the submission
    time is the deadline."""
    attempt = _candidate_attempt(actor, attempt_id)
    if attempt.status in rules.DONE:
        return attempt
    if attempt.status == Status.PAUSED:
        raise Conflict("考试已暂停，暂停期间不能交卷。")
    if attempt.status != Status.ACTIVE:
        raise Conflict(f"理论考试{attempt.get_status_display()}，不能交卷。")
    now = timezone.now()
    deadline = _deadline(attempt, now)
    assert deadline is not None
    return _submit(attempt, actor=actor, submitted_at=min(now, deadline), how="candidate")


def attempts_submit_overdue(*, actor: Actor) -> int:
    """Submits every active attempt whose effective deadline (and the grace after it) has
    passed, with its last saved answers and the deadline as its submission time: the
    periodic task's work, with no browser open. Each in its own transaction; safe to run
    twice (a submitted attempt is not active any more)."""
    now = timezone.now()
    earliest = now - timedelta(seconds=rules.GRACE_SECONDS)
    due = list(
        Attempt.objects.filter(status=Status.ACTIVE, base_deadline_at__lt=earliest).values_list(
            "pk", flat=True
        )
    )
    submitted = 0
    for pk in due:
        with transaction.atomic():
            attempt = (
                Attempt.objects.select_for_update(of=("self",))
                .select_related("application__session__exam_point")
                .filter(pk=pk, status=Status.ACTIVE)
                .first()
            )
            if attempt is None:
                continue
            deadline = _deadline(attempt, now)
            if deadline is None or not rules.overdue(deadline, now):
                continue
            _submit(attempt, actor=actor, submitted_at=deadline, how="deadline")
            submitted += 1
    return submitted


# --------------------------------------------------------------------------- the proctor


def _require_proctor(actor: Actor) -> None:
    if actor.role != Role.PROCTOR:
        raise PermissionDenied("只有本考场的监考员可以办理。")


def _proctor_attempt(actor: Actor, attempt_id: int) -> Attempt:
    """The attempt locked, among those of the proctor's own rooms (others: 404)."""
    attempts = Attempt.objects.select_related("application__session__exam_point")
    attempt = get_visible(attempts, actor, attempt_id, for_update=True)
    _require_proctor(actor)
    return attempt


def _proctor_room(actor: Actor, session_room_id: int) -> SessionRoom:
    """A room of a session the actor sees (a proctor only the rooms assigned to them; others:
    404), then only a proctor may act (403)."""
    if isinstance(session_room_id, bool) or not isinstance(session_room_id, int):
        raise not_found(SessionRoom)
    rooms = SessionRoom.objects.select_related("session__exam_point", "room").filter(
        session__in=ExamSession.objects.visible_to(actor)
    )
    if actor.role == Role.PROCTOR:
        rooms = rooms.filter(staff=actor.user)
    room = rooms.filter(pk=session_room_id).first()
    if room is None:
        raise not_found(SessionRoom)
    _require_proctor(actor)
    return room


@transaction.atomic
def attempt_authorize(
    *, actor: Actor, session_room_id: int, attempt_ids: list[int] | None = None
) -> list[Attempt]:
    """The proctor has checked the photo: one, several, or (no ids) every checked-in candidate
    of the room may open the paper."""
    room = _proctor_room(actor, session_room_id)
    attempts = Attempt.objects.select_for_update(of=("self",)).filter(
        application__session_room=room
    )
    if attempt_ids:
        chosen = list(attempts.filter(pk__in=attempt_ids).order_by("pk"))
        if len(chosen) != len(set(attempt_ids)):
            raise not_found(Attempt)
        waiting = [a for a in chosen if a.status != Status.CHECKED_IN]
        if waiting:
            raise Conflict(
                *(ATTEMPT.refusal(a.status, "authorize") for a in waiting[:1]),
                f"共 {len(waiting)} 名考生不是“已签到”状态，未核验任何考生。",
            )
    else:
        chosen = list(attempts.filter(status=Status.CHECKED_IN).order_by("pk"))
        if not chosen:
            raise Conflict("本考场没有已签到、待核验的考生。")
    now = timezone.now()
    for attempt in chosen:
        transition_apply(
            attempt,
            ATTEMPT,
            "authorize",
            actor=actor,
            changes={"authorized_by": actor.account, "authorized_at": now},
        )
    return chosen


@transaction.atomic
def attempt_mark_absent(*, actor: Actor, session_room_id: int, application_id: int) -> Attempt:
    """缺考: a candidate of the room who has not come, once the exam has started."""
    room = _proctor_room(actor, session_room_id)
    application = (
        ExamApplication.objects.select_for_update(of=("self",))
        .select_related("session")
        .filter(pk=application_id, session_room=room, status=ExamApplication.Status.APPROVED)
        .first()
    )
    if application is None:
        raise not_found(ExamApplication)
    starts_at = application.session.starts_at
    if starts_at is None or timezone.now() < starts_at:
        raise Conflict("开考后才能记为缺考。")
    attempt = _current_attempt(application.pk)
    if attempt is not None:
        transition_apply(attempt, ATTEMPT, "mark_absent", actor=actor)
    else:
        paper = getattr(application, "paper", None)
        if paper is None:
            raise Conflict("该考生的试卷尚未生成，不能记为缺考。")
        attempt = Attempt(application=application, person_id=application.person_id, paper=paper)
        transition_set(attempt, ATTEMPT, "mark_absent")
        attempt.save()
        _audit(Action.EXAM_ATTEMPT_ABSENT, actor=actor, attempt=attempt, to=Status.ABSENT)
    result_record_unscored(actor=actor, attempt=attempt)
    return attempt


def _refuse_when_overdue(attempt: Attempt, act: str) -> None:
    """Past the deadline and its grace the attempt is the server's to submit: whether the
    task has run yet must not decide whether time can still be given."""
    now = timezone.now()
    deadline = _deadline(attempt, now)
    if attempt.status == Status.ACTIVE and deadline is not None and rules.overdue(deadline, now):
        raise Conflict(f"考试时间已到，不能{act}；系统将按截止时间自动交卷。")


@transaction.atomic
def attempt_pause(*, actor: Actor, attempt_id: int, reason: str) -> Attempt:
    """An incident: the candidate's time stands still until resumed."""
    reason = _required_reason(reason, "暂停原因")
    attempt = _proctor_attempt(actor, attempt_id)
    _refuse_when_overdue(attempt, "暂停")
    transition_apply(
        attempt,
        ATTEMPT,
        "pause",
        actor=actor,
        reason=reason,
        changes={"paused_at": timezone.now()},
    )
    return attempt


@transaction.atomic
def attempt_resume(*, actor: Actor, attempt_id: int) -> Attempt:
    attempt = _proctor_attempt(actor, attempt_id)
    now = timezone.now()
    paused_at = attempt.paused_at or now
    frozen = math.ceil(max((now - paused_at).total_seconds(), 0))
    transition_apply(
        attempt,
        ATTEMPT,
        "resume",
        actor=actor,
        changes={"paused_at": None, "paused_seconds": attempt.paused_seconds + frozen},
        detail={"paused_seconds": frozen},
    )
    return attempt


@transaction.atomic
def attempt_add_time(*, actor: Actor, attempt_id: int, minutes: int, reason: str) -> Attempt:
    """延长考试时间: stored apart (TimeExtension) with its reason, and added to the deadline."""
    reason = _required_reason(reason, "延长原因")
    attempt = _proctor_attempt(actor, attempt_id)
    seconds = minutes * 60
    if not 0 < seconds <= rules.LARGEST_EXTENSION_SECONDS:
        raise DomainError(f"延长时间应为 1 至 {rules.LARGEST_EXTENSION_SECONDS // 60} 分钟。")
    if attempt.status not in (Status.ACTIVE, Status.PAUSED):
        raise Conflict(
            f"理论考试{attempt.get_status_display()}，只有答题中或暂停的考试可以延长时间。"
        )
    _refuse_when_overdue(attempt, "延长时间")
    TimeExtension.objects.create(
        attempt=attempt, seconds=seconds, reason=reason, granted_by=actor.account
    )
    attempt.extra_seconds += seconds
    attempt.save(update_fields=["extra_seconds"])
    _audit(
        Action.EXAM_ATTEMPT_TIME_ADDED, actor=actor, attempt=attempt, seconds=seconds, reason=reason
    )
    return attempt


@transaction.atomic
def attempt_move(*, actor: Actor, attempt_id: int, seat_id: int, reason: str) -> Attempt:
    """换座: the candidate continues at another seat computer of the room; the old seat is
    closed at once (its saves are refused), the candidate signs in again on the new one."""
    reason = _required_reason(reason, "换座原因")
    attempt = _proctor_attempt(actor, attempt_id)
    if attempt.status not in rules.OPEN:
        raise Conflict(f"理论考试{attempt.get_status_display()}，不能换座。")
    session_room = attempt.application.session_room
    seat = (
        Device.objects.select_related("room")
        .filter(pk=seat_id, kind=Device.Kind.EXAM_SEAT, active=True, room_id=session_room.room_id)
        .first()
        if session_room is not None and not isinstance(seat_id, bool) and isinstance(seat_id, int)
        else None
    )
    if seat is None:
        raise DomainError("该考试机不在本考场，或已停用。")
    if seat.pk == attempt.seat_id:
        raise Conflict("考生已在该座位。")
    occupied = (
        Attempt.objects.filter(seat=seat, status__in=rules.OPEN).exclude(pk=attempt.pk).exists()
    )
    if occupied:
        raise Conflict(f"{_seat_label(seat)}已有考生在考。")
    old = attempt.seat
    attempt.seat = seat
    attempt.save(update_fields=["seat"])
    _audit(
        Action.EXAM_ATTEMPT_MOVED,
        actor=actor,
        attempt=attempt,
        old_seat=_seat_label(old),
        new_seat=_seat_label(seat),
        reason=reason,
    )
    return attempt


@transaction.atomic
def attempt_terminate(*, actor: Actor, attempt_id: int, reason: str) -> Attempt:
    """终止考试 for cheating, with the reason; the saved answers stay as the record."""
    reason = _required_reason(reason, "终止原因")
    attempt = _proctor_attempt(actor, attempt_id)
    transition_apply(
        attempt, ATTEMPT, "terminate", actor=actor, reason=reason, changes={"status_reason": reason}
    )
    result_record_unscored(actor=actor, attempt=attempt)
    return attempt


@transaction.atomic
def attempt_void(*, actor: Actor, attempt_id: int, reason: str) -> Attempt:
    """作废 (exam center only): the attempt no longer counts, nor does the result it decided;
    the application may sit again."""
    reason = _required_reason(reason, "作废原因")
    attempts = Attempt.objects.select_related("application__session__exam_point")
    attempt = get_visible(attempts, actor, attempt_id, for_update=True)
    if not actor.is_exam_center:
        raise PermissionDenied("只有考试中心可以作废理论考试。")
    decided = attempt.status in rules.DECIDING
    transition_apply(
        attempt, ATTEMPT, "void", actor=actor, reason=reason, changes={"status_reason": reason}
    )
    if decided:
        result_reopen(actor=actor, attempt=attempt)
    return attempt

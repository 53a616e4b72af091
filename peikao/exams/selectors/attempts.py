"""What the proctor's console and the candidate's exam page read of the computer exam, scoped
to the actor. The right answers are never read here."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Prefetch
from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.accounts.models import Role
from peikao.core.scoping import get_visible, not_found
from peikao.exams.models import (
    Answer,
    Attempt,
    ExamApplication,
    ExamSession,
    PaperQuestion,
    SessionRoom,
)
from peikao.exams.rules import attempts as rules
from peikao.monitoring.models import Device
from peikao.monitoring.selectors import device_by_key, registrable_rooms
from peikao.orgs.models import Room


def deadline_of(attempt: Attempt, now: datetime) -> datetime | None:
    if attempt.base_deadline_at is None:
        return None
    return rules.effective_deadline(
        attempt.base_deadline_at,
        extra_seconds=attempt.extra_seconds,
        paused_seconds=attempt.paused_seconds,
        paused_at=attempt.paused_at,
        now=now,
    )


def _visible_room(actor: Actor, session_room_id: int) -> SessionRoom:
    """A room of a session the actor sees; a proctor only the rooms assigned to them."""
    sessions = ExamSession.objects.visible_to(actor)
    rooms = SessionRoom.objects.select_related("session__exam_point", "room").filter(
        session__in=sessions
    )
    if actor.role == Role.PROCTOR:
        rooms = rooms.filter(staff=actor.user)
    if isinstance(session_room_id, bool) or not isinstance(session_room_id, int):
        raise not_found(SessionRoom)
    room = rooms.filter(pk=session_room_id).first()
    if room is None:
        raise not_found(SessionRoom)
    return room


@dataclass(frozen=True)
class ConsoleRow:
    application_id: int
    candidate: str
    ticket_number: str | None
    seat_number: int | None
    attempt_id: int | None
    status: str
    status_name: str
    seat_device_id: int | None
    current_seat_number: int | None
    answered: int
    total: int
    seconds_left: int | None
    deadline: datetime | None
    last_save_at: datetime | None
    last_heartbeat_at: datetime | None
    connected: bool
    score: Decimal | None
    has_photo: bool


@dataclass(frozen=True)
class Console:
    session_room_id: int
    room: str
    session_id: int
    starts_at: datetime | None
    server_time: datetime
    rows: list[ConsoleRow]
    seats: list[dict[str, Any]]


def room_console(actor: Actor, session_room_id: int) -> Console:
    """The proctor's console of a room: each seated candidate with status, seat, progress,
    time left, last save and connection state (a save or a heartbeat within
    CONNECTION_WINDOW_SECONDS), and the room's seat computers for a move."""
    room = _visible_room(actor, session_room_id)
    now = timezone.now()
    applications = list(
        ExamApplication.objects.select_related("person", "enrolment")
        .filter(session_room=room, status=ExamApplication.Status.APPROVED)
        .order_by("seat_number", "pk")
    )
    attempts = {
        attempt.application_id: attempt
        for attempt in Attempt.objects.select_related("seat")
        .filter(application__in=applications)
        .exclude(status=Attempt.Status.VOIDED)
    }
    progress = {
        row["attempt_id"]: row
        for row in Answer.objects.filter(attempt__in=attempts.values())
        .exclude(choice=[])
        .values("attempt_id")
        .annotate(answered=Count("id"), last_save=Max("saved_at"))
    }
    totals = dict(
        PaperQuestion.objects.filter(paper__application__in=applications)
        .values("paper__application_id")
        .annotate(total=Count("id"))
        .values_list("paper__application_id", "total")
    )
    rows = []
    for application in applications:
        attempt = attempts.get(application.pk)
        seen: dict[str, Any] = dict(progress.get(attempt.pk, {})) if attempt else {}
        last_save = seen.get("last_save")
        heartbeat = attempt.seat.last_heartbeat_at if attempt and attempt.seat else None
        latest = max((t for t in (last_save, heartbeat) if t is not None), default=None)
        deadline = deadline_of(attempt, now) if attempt else None
        status = attempt.status if attempt else Attempt.Status.SCHEDULED
        rows.append(
            ConsoleRow(
                application_id=application.pk,
                candidate=application.person.name,
                ticket_number=application.ticket_number,
                seat_number=application.seat_number,
                attempt_id=attempt.pk if attempt else None,
                status=status,
                status_name=Attempt.Status(status).label,
                seat_device_id=attempt.seat_id if attempt else None,
                current_seat_number=attempt.seat.seat_number if attempt and attempt.seat else None,
                answered=seen.get("answered", 0),
                total=totals.get(application.pk, 0),
                # Time left only while the exam runs: a submitted paper has none left.
                seconds_left=(
                    rules.seconds_left(deadline, now) if deadline and status in rules.OPEN else None
                ),
                deadline=deadline,
                last_save_at=last_save,
                last_heartbeat_at=heartbeat,
                connected=bool(attempt and status in rules.OPEN and rules.connected(latest, now)),
                score=attempt.score if attempt else None,
                has_photo=bool(application.enrolment and application.enrolment.photo),
            )
        )
    seats = [
        {"id": device.pk, "seat_number": device.seat_number, "name": device.name}
        for device in Device.objects.filter(
            room_id=room.room_id, kind=Device.Kind.EXAM_SEAT, active=True
        ).order_by("seat_number")
    ]
    return Console(
        session_room_id=room.pk,
        room=room.room.name,
        session_id=room.session_id,
        starts_at=room.session.starts_at,
        server_time=now,
        rows=rows,
        seats=seats,
    )


@dataclass(frozen=True)
class PaperQuestionView:
    position: int
    question_type: str
    stem: str
    options: list[str]
    points: Decimal
    choice: list[int] | None
    sequence: int | None


@dataclass(frozen=True)
class AttemptView:
    id: int
    status: str
    status_name: str
    candidate: str
    seat_number: int | None
    server_time: datetime
    started_at: datetime | None
    deadline: datetime | None
    seconds_left: int | None
    extra_seconds: int
    submitted_at: datetime | None
    receipt: str | None
    score: Decimal | None
    pass_mark: Decimal
    total: int
    answered: int
    questions: list[PaperQuestionView]


# The paper is shown from the start of answering on; before, the candidate waits.
PAPER_SHOWN = frozenset({rules.ACTIVE, rules.PAUSED, rules.SUBMITTED, rules.SCORED})


# What AttemptView shows, and no more: the seats poll it.
VIEW_FIELDS = (
    "status",
    "person_id",
    "paper_id",
    "seat_id",
    "started_at",
    "base_deadline_at",
    "extra_seconds",
    "paused_seconds",
    "paused_at",
    "submitted_at",
    "receipt",
    "score",
    "person__name",
    "seat__seat_number",
    "paper__blueprint__pass_mark",
)


PAPER_FIELDS = (
    "pk",
    "position",
    "option_order",
    "points",
    "question_version__question_type",
    "question_version__stem",
    "question_version__options",
)


def _viewed_attempts():
    return Attempt.objects.select_related("person", "seat", "paper__blueprint").only(*VIEW_FIELDS)


def attempt_status(actor: Actor, attempt_id: int) -> AttemptView:
    """The attempt without its paper: status, clock and counts. What the seat's page polls
    (waiting, then every few seconds while answering) and what the acts answer."""
    return _status_of(get_visible(_viewed_attempts(), actor, attempt_id))


def _status_of(attempt: Attempt) -> AttemptView:
    # Two counts: cheaper than the same as subqueries of the query above, compiled each time.
    total = PaperQuestion.objects.filter(paper_id=attempt.paper_id).count()
    answered = Answer.objects.filter(attempt_id=attempt.pk).exclude(choice=[]).count()
    now = timezone.now()
    deadline = deadline_of(attempt, now)
    return _attempt_view(attempt, now, deadline, total=total, answered=answered, shown=[])


def attempt_view(actor: Actor, attempt_id: int) -> AttemptView:
    """The candidate's own view of their attempt (also staff who see it): the questions of the
    paper with the options in the order shown, the saved answers, the deadline and, once
    marked, the score. Never the right answers. Before answering starts, no paper."""
    return attempt_view_of(get_visible(_viewed_attempts(), actor, attempt_id))


def attempt_view_of(attempt: Attempt) -> AttemptView:
    """attempt_view of an attempt its caller has read in scope already (the start, which read
    it for its act: 300 candidates start within a minute)."""
    if attempt.status not in PAPER_SHOWN:
        return _status_of(attempt)
    now = timezone.now()
    deadline = deadline_of(attempt, now)
    saved = {
        question_id: (choice, sequence)
        for question_id, choice, sequence in Answer.objects.filter(attempt=attempt).values_list(
            "paper_question_id", "choice", "sequence"
        )
    }
    # Rows, not models: a paper of 100 questions is read at every start and reload.
    questions = (
        PaperQuestion.objects.filter(paper_id=attempt.paper_id)
        .order_by("position")
        .values_list(*PAPER_FIELDS)
    )
    shown = []
    for question_id, position, order, points, question_type, stem, options in questions:
        choice, sequence = saved.get(question_id, (None, None))
        shown.append(
            PaperQuestionView(
                position=position,
                question_type=question_type,
                stem=stem,
                options=[options[index] for index in order or range(len(options))],
                points=points,
                choice=list(choice) if choice is not None else None,
                sequence=sequence,
            )
        )
    answered = sum(1 for choice, _sequence in saved.values() if choice)
    return _attempt_view(attempt, now, deadline, total=len(shown), answered=answered, shown=shown)


def _attempt_view(
    attempt: Attempt,
    now: datetime,
    deadline: datetime | None,
    *,
    total: int,
    answered: int,
    shown: list[PaperQuestionView],
) -> AttemptView:
    return AttemptView(
        id=attempt.pk,
        status=attempt.status,
        status_name=attempt.get_status_display(),
        candidate=attempt.person.name,
        seat_number=attempt.seat.seat_number if attempt.seat else None,
        server_time=now,
        started_at=attempt.started_at,
        deadline=deadline,
        seconds_left=rules.seconds_left(deadline, now) if deadline else None,
        extra_seconds=attempt.extra_seconds,
        submitted_at=attempt.submitted_at,
        receipt=attempt.receipt,
        score=attempt.score,
        pass_mark=attempt.paper.blueprint.pass_mark,
        total=total,
        answered=answered,
        questions=shown,
    )


# --------------------------------------------------------------------------- the pages


def seat_rooms(actor: Actor) -> list[Room]:
    """The theory rooms in which the actor (an exam point's clerk) may register a seat
    computer, each with `seat_computers`: its active ones, by seat number."""
    seats = Device.objects.filter(kind=Device.Kind.EXAM_SEAT, active=True).order_by(
        "seat_number", "pk"
    )
    return list(
        registrable_rooms(actor)
        .filter(kind=Room.Kind.THEORY)
        .prefetch_related(Prefetch("devices", queryset=seats, to_attr="seat_computers"))
    )


def seat_of_key(key: str) -> Device | None:
    """The active seat computer whose cookie this is (None for any other key or device)."""
    device = device_by_key(key) if key else None
    if device is None or device.kind != Device.Kind.EXAM_SEAT or device.seat_number is None:
        return None
    return device


def acts_on_console(actor: Actor) -> bool:
    """Only the room's proctor acts there; the others who open the console read it."""
    return actor.role == Role.PROCTOR


def console_room(actor: Actor, session_room_id: int) -> SessionRoom:
    """The room of a session whose console the actor may open (others: 404)."""
    return _visible_room(actor, session_room_id)


def console_attempt(actor: Actor, session_room_id: int, attempt_id: int) -> Attempt:
    """An attempt of the room, for an act on its console: another room's, even one the same
    proctor watches, is not found there."""
    room = _visible_room(actor, session_room_id)
    attempt = Attempt.objects.filter(pk=attempt_id, application__session_room=room).first()
    if attempt is None:
        raise not_found(Attempt)
    return attempt


def console_photo(actor: Actor, session_room_id: int, application_id: int):
    """The photo of a candidate of the room, for the proctor to check the face at the seat;
    a candidate without one, like one out of scope, is not found."""
    room = _visible_room(actor, session_room_id)
    application = (
        ExamApplication.objects.select_related("enrolment")
        .filter(pk=application_id, session_room=room, status=ExamApplication.Status.APPROVED)
        .first()
    )
    if application is None or application.enrolment is None or not application.enrolment.photo:
        raise not_found(ExamApplication)
    return application.enrolment.photo

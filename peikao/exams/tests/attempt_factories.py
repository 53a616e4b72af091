"""Computer-exam objects for tests, built straight in the database: a session at 华安's exam
point starting at EXAM_START, a theory room with seat computers whose keys are known, the demo
proctor assigned to it, and seated candidates with a paper of three questions (one of each
type). Seating and paper drawing are other parts: their rows are made here directly."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from peikao.accounts.actor import Actor
from peikao.accounts.models import User
from peikao.exams.models import (
    Attempt,
    Blueprint,
    ExamApplication,
    ExamSession,
    Paper,
    PaperQuestion,
    QuestionType,
    SessionRoom,
)
from peikao.exams.services.attempts import candidate_actor
from peikao.exams.tests.factories import (
    ChapterFactory,
    ExamApplicationFactory,
    ExamSessionFactory,
    SessionRoomFactory,
    TheoryRoomFactory,
    blueprint,
    exam_point,
    question,
)
from peikao.monitoring.actors import device_actor
from peikao.monitoring.models import Device
from peikao.monitoring.rules import key_digest
from peikao.orgs.models import Room

SHANGHAI = ZoneInfo("Asia/Shanghai")
EXAM_START = datetime(2026, 12, 10, 9, 0, tzinfo=SHANGHAI)
# Before the start, inside the sign-in window.
BEFORE_START = EXAM_START - timedelta(minutes=10)


def proctor() -> User:
    return User.objects.get(username="huaan_proctor")


def seat_key(room: Room, number: int) -> str:
    return f"seat-key-{room.pk}-{number}"


def seat_computer(room: Room, number: int) -> Device:
    return Device.objects.create(
        organization=room.organization,
        room=room,
        kind=Device.Kind.EXAM_SEAT,
        name=f"{number}号考试机",
        seat_number=number,
        serial_number=f"SEAT-{room.pk}-{number}",
        key_digest=key_digest(seat_key(room, number)),
        registered_by=User.objects.get(username="huaan_point_clerk"),
    )


def three_question_blueprint(duration_minutes: int = 120) -> Blueprint:
    chapter = ChapterFactory.create()
    return blueprint(
        chapter.bank,
        [
            (QuestionType.TRUE_FALSE, chapter, 1, "40"),
            (QuestionType.SINGLE_CHOICE, chapter, 1, "30"),
            (QuestionType.MULTIPLE_CHOICE, chapter, 1, "30"),
        ],
        duration_minutes=duration_minutes,
    )


# Options shown shuffled: position i shows stored option ORDER[i]. The single choice's right
# option (stored 0, 甲) is shown at position 1 (B); the multiple's (stored 0 and 2) at B and A.
ORDER = [2, 0, 3, 1]
RIGHT = {1: [0], 2: [1], 3: [0, 1]}  # position -> the right choice as shown
WRONG = {1: [1], 2: [0], 3: [3]}


def draw_paper(application: ExamApplication, plan: Blueprint) -> Paper:
    paper = Paper.objects.create(application=application, blueprint=plan, seed="test")
    chapter = ChapterFactory.create(bank=plan.bank)
    versions = [
        question(chapter, QuestionType.TRUE_FALSE),
        question(chapter, QuestionType.SINGLE_CHOICE),
        question(chapter, QuestionType.MULTIPLE_CHOICE),
    ]
    for position, (version, part) in enumerate(zip(versions, plan.parts.all(), strict=True), 1):
        PaperQuestion.objects.create(
            paper=paper,
            position=position,
            question_version=version,
            option_order=[] if version.question_type == QuestionType.TRUE_FALSE else ORDER,
            points=part.points,
        )
    return paper


@dataclass
class ExamRoom:
    session: ExamSession
    session_room: SessionRoom
    room: Room
    seats: list[Device]
    blueprint: Blueprint
    applications: list[ExamApplication] = field(default_factory=list)

    def seat_actor(self, number: int) -> Actor:
        return device_actor(self.seats[number - 1])

    def seat(self, number: int) -> Device:
        return self.seats[number - 1]


def exam_room(
    *,
    candidates: int = 2,
    seats: int = 4,
    duration_minutes: int = 120,
    session: ExamSession | None = None,
) -> ExamRoom:
    """A session at EXAM_START (or another room of `session`) with one theory room, `seats`
    seat computers, the demo proctor assigned, and `candidates` approved applications seated
    at seats 1, 2, … with papers."""
    if session is None:
        session = ExamSessionFactory.create(
            exam_date=EXAM_START.date(),
            starts_at=EXAM_START,
            registration_deadline=EXAM_START - timedelta(days=10),
            status=ExamSession.Status.SEATED,
        )
    room = TheoryRoomFactory.create(organization=exam_point())
    session_room = SessionRoomFactory.create(session=session, room=room)
    session_room.staff.add(proctor())
    plan = three_question_blueprint(duration_minutes)
    made = ExamRoom(
        session=session,
        session_room=session_room,
        room=room,
        seats=[seat_computer(room, number) for number in range(1, seats + 1)],
        blueprint=plan,
    )
    for number in range(1, candidates + 1):
        made.applications.append(seated(made, number))
    return made


def seated(made: ExamRoom, number: int, **fields) -> ExamApplication:
    application = ExamApplicationFactory.create(
        session=made.session,
        status=ExamApplication.Status.APPROVED,
        session_room=made.session_room,
        seat_number=number,
        ticket_number=f"T{made.session.pk:05d}{number:03d}",
        **fields,
    )
    draw_paper(application, made.blueprint)
    return application


def seat_key_of(candidate_on_seat: Actor) -> str:
    """The key of the seat computer the candidate acts on (a factory seat's key is known)."""
    device = Device.objects.get(pk=candidate_on_seat.device_id)
    return seat_key(device.room, device.seat_number or 0)


def candidate(made: ExamRoom, number: int, token: str, seat_number: int | None = None):
    """The candidate actor a token gives on a seat (by default their own)."""
    return candidate_actor(seat=made.seat_actor(seat_number or number), token=token)


def attempt_of(application: ExamApplication) -> Attempt:
    return Attempt.objects.exclude(status="voided").get(application=application)


def points(value: str) -> Decimal:
    return Decimal(value)


def an_attempt() -> Attempt:
    """A scheduled attempt of a seated candidate at 华安's exam point (no clock needed)."""
    made = exam_room(candidates=0, seats=1, session=_any_session())
    application = seated(made, 1)
    return Attempt.objects.create(
        application=application, person=application.person, paper=application.paper
    )


def _any_session() -> ExamSession:
    """A session of its own, on a date no other test session of this module takes."""
    return ExamSessionFactory.create(status=ExamSession.Status.SEATED)

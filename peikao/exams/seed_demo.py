"""The exam part of the demo day: the demo timetable's next open session scheduled at 华安's
exam point, and the finished demo class's trainees applying for it.

Like the training demo (peikao/training/seed.py), it lives in the day it runs and adds only
what today lacks, through the services, acting as the demo accounts:

- the exam point's demo computer rooms (第一机房, 第二机房) are added once, beside the rooms the
  demo accounts brought (the practical room 电工实操考场);
- a demo session already scheduled and still to come is kept; when none is, the exam center
  (yc_exam_center) schedules the first row of the demo timetable whose registration is still
  open: 1.2 initial, the demo 1.2 blueprint, the rooms with the proctor and the examiner;
- the completed trainees (with an hours certificate) of the latest finished demo class who have
  not applied for it yet are applied by 华安's clerk; of those just applied, the exam center
  returns the first with a reason, leaves the last pending and approves the others.

A session of today is under way whatever the hour (_seated_today, _exam_in_progress): begun
a few minutes ago, seated, the seat computers of its first room registered by the point's
clerk, its candidates signed in on them, authorized by the proctor and answering through the
attempt services as the candidates, the first submitted and marked, the last marked absent.
Before it, a session held last week (_finished_last_week) with results, built now through the
same services and then written back to its day (_held_on). A later day first lets the server
submit the earlier demo exams whose time is up.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import F
from django.utils import timezone

from peikao.accounts.actor import Actor, actor_of_membership
from peikao.accounts.models import Membership, Role, User
from peikao.accounts.seed import HUAAN
from peikao.core.errors import DomainError
from peikao.exams.models import (
    DEMO_NOTE_PREFIX,
    Attempt,
    Blueprint,
    ExamApplication,
    ExamResult,
    ExamSession,
    ExamType,
    PaperQuestion,
    PracticalAssessment,
    PracticalBlueprint,
    SessionRoom,
)
from peikao.exams.rules import attempts as attempt_rules
from peikao.exams.rules import sessions as session_rules
from peikao.exams.seed import DEMO_NOTE
from peikao.exams.seed_bank import DEMO_BLUEPRINTS
from peikao.exams.services.applications import (
    application_approve,
    application_return,
    application_submit,
)
from peikao.exams.services.attempts import (
    answer_save,
    attempt_authorize,
    attempt_mark_absent,
    attempt_sign_in,
    attempt_start,
    attempt_submit,
    attempts_submit_overdue,
    candidate_actor,
    seat_register,
)
from peikao.exams.services.practical import practical_draw, practical_score_enter, practical_sign
from peikao.exams.services.sessions import session_move, session_schedule, session_seat
from peikao.monitoring.actors import device_actor
from peikao.monitoring.models import Device
from peikao.monitoring.services import device_rotate_key
from peikao.orgs.models import Organization, Room
from peikao.training.models import Enrolment, HoursCertificate, TrainingClass
from peikao.training.seed import DEMO_ITEM, demo_classes
from peikao.training.services.certificates import hours_certificate_issue

DEMO_THEORY_ROOMS = (("第一机房", 30), ("第二机房", 30))
DEMO_PRACTICAL_ROOM = "电工实操考场"
DEMO_BANK = "low_voltage_electrician"
DEMO_START = time(9)
TODAY_START = time(14)
DEMO_TODAY_NOTE = f"{DEMO_NOTE_PREFIX}：今日考试，仅供试用"
DEMO_PAST_NOTE = f"{DEMO_NOTE_PREFIX}：已考完的考试，仅供试用"
ATTEMPT_TIMES = (
    "checked_in_at",
    "authorized_at",
    "started_at",
    "base_deadline_at",
    "submitted_at",
    "scored_at",
)
SEED = Actor.system("seed")
DEMO_RETURN_REASON = "演示：身份证复印件不清晰，请重新上传后再提交。"
# How many questions each candidate still answering today has saved.
DEMO_ANSWERED = 12
# The finished class's trainees sent to last week's session and to today's (the rest, and last
# week's failed one, apply for the coming session).
PAST_CANDIDATES = 3
TODAY_CANDIDATES = 4


def _actor(username: str, role: str) -> Actor:
    return actor_of_membership(
        Membership.objects.select_related("user", "organization__region").get(
            user__username=username, role=role
        )
    )


def _rooms(exam_point: Organization) -> list[dict]:
    proctor = User.objects.get(username="huaan_proctor").pk
    examiner = User.objects.get(username="huaan_examiner").pk
    rooms = []
    for name, seats in DEMO_THEORY_ROOMS:
        room, _ = Room.objects.get_or_create(
            organization=exam_point, name=name, defaults={"kind": Room.Kind.THEORY, "seats": seats}
        )
        rooms.append({"room_id": room.pk, "staff_ids": [proctor]})
    practical, _ = Room.objects.get_or_create(
        organization=exam_point,
        name=DEMO_PRACTICAL_ROOM,
        defaults={"kind": Room.Kind.PRACTICAL, "seats": 10},
    )
    rooms.append({"room_id": practical.pk, "staff_ids": [examiner]})
    return rooms


def _blueprint() -> Blueprint | None:
    name = DEMO_BLUEPRINTS[DEMO_BANK][0]
    blueprints = Blueprint.objects.filter(bank__key=DEMO_BANK, name=name, active=True)
    return blueprints.order_by("-version").first()


def _demo_sessions(exam_point: Organization):
    return ExamSession.objects.filter(exam_point=exam_point, note__startswith=DEMO_NOTE_PREFIX)


def _scheduled_session(exam_point: Organization, center: Actor) -> ExamSession | None:
    """The demo session still to come, scheduled now if none is."""
    now = timezone.now()
    sessions = ExamSession.objects.filter(
        exam_point=exam_point, note=DEMO_NOTE, status=session_rules.OPEN
    )
    coming = sessions.filter(starts_at__gt=now).order_by("starts_at").first()
    if coming is not None:
        return coming
    row = (
        sessions.filter(starts_at__isnull=True, registration_deadline__gt=now)
        .order_by("exam_date")
        .first()
    )
    if row is None or row.registration_deadline is None:
        return None
    blueprint = _blueprint()
    if blueprint is None:  # the bank file is absent
        return None
    practical = _practical_blueprint()
    return session_schedule(
        actor=center,
        row_id=row.pk,
        post_category="special_operator",
        items=[DEMO_ITEM],
        exam_type=ExamType.INITIAL,
        registration_deadline=row.registration_deadline,
        starts_at=timezone.make_aware(datetime.combine(row.exam_date, DEMO_START)),
        theory_blueprint_id=blueprint.pk,
        practical_blueprint_id=practical.pk if practical else None,
        rooms=_rooms(exam_point),
    )


def _apply(
    session: ExamSession, clerk: Actor, *, limit: int | None = None, again: bool = False
) -> list[ExamApplication]:
    """Up to `limit` of the latest finished demo class's completed trainees applied for the
    session: those whose training has not been sent to an exam yet, and with `again` also the
    others whom the rules let apply (a failed sitting's free retake)."""
    today = timezone.localdate()
    latest = demo_classes().filter(ends_on__lt=today).order_by("-ends_on").first()
    if latest is None:
        return []
    if latest.status == TrainingClass.Status.FINISHED:
        # The certificates of a class finished in this run are issued once the seed commits
        # (training.tasks): issued here instead, through the same service (a second call
        # returns the first certificate), so that its trainees can apply in this run.
        complete = latest.enrolments.filter(
            hours__gte=latest.required_hours, hours_certificate__isnull=True
        ).exclude(status=Enrolment.Status.WITHDRAWN)
        for enrolment_id in complete.values_list("pk", flat=True):
            hours_certificate_issue(actor=SEED, enrolment_id=enrolment_id)
    applied = set(
        ExamApplication.objects.filter(session=session).values_list("person_id", flat=True)
    )
    certified = HoursCertificate.objects.filter(enrolment__training_class=latest)
    if not again:
        certified = certified.filter(enrolment__exam_applications__isnull=True)
    applications: list[ExamApplication] = []
    for certificate in certified.select_related("enrolment").order_by("enrolment__pk"):
        enrolment = certificate.enrolment
        if enrolment.person_id in applied:
            continue
        if limit is not None and len(applications) == limit:
            break
        try:
            applications.append(
                application_submit(actor=clerk, session_id=session.pk, enrolment_id=enrolment.pk)
            )
        except DomainError:
            # Refused as the clerk's batch would be (passed already, another sitting pending,
            # a failed retake: training again); the others apply.
            continue
    return applications


def _today_start(now: datetime) -> datetime:
    """The start of today's demo session: a little before now, on a 5-minute mark, never
    before midnight, and late enough that sign-in is still open (rules.attempts)."""
    local = timezone.localtime(now)
    mark = local.replace(minute=local.minute - local.minute % 5, second=0, microsecond=0)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return max(mark - timedelta(minutes=5), midnight)


def _seated_now(
    exam_point: Organization,
    center: Actor,
    clerk: Actor,
    *,
    note: str,
    candidates: int,
    practical: bool = False,
) -> ExamSession | None:
    """A session seated now, to begin in a minute (never past midnight: the services refuse a
    start in the past, rightly): scheduled, the completed trainees applied and approved, the
    deadline moved to now (session_move allows it while open) and the session seated. The
    caller writes its start back to when it began (a historical fact)."""
    blueprint = _blueprint()
    if blueprint is None:
        return None
    now = timezone.now()
    today = timezone.localdate()
    end_of_day = timezone.make_aware(datetime.combine(today, time.max))
    provisional = min(now + timedelta(minutes=1), end_of_day)
    practical_blueprint = _practical_blueprint() if practical else None
    session = session_schedule(
        actor=center,
        exam_point_id=exam_point.pk,
        post_category="special_operator",
        items=[DEMO_ITEM],
        exam_type=ExamType.INITIAL,
        registration_deadline=provisional,
        starts_at=provisional,
        theory_blueprint_id=blueprint.pk,
        practical_blueprint_id=practical_blueprint.pk if practical_blueprint else None,
        rooms=_rooms(exam_point),
    )
    ExamSession.objects.filter(pk=session.pk).update(note=note)
    # Trainees not sent to an exam yet; on a later day, once all have been, those who may
    # sit again.
    applications = _apply(session, clerk, limit=candidates) or _apply(
        session, clerk, limit=candidates, again=True
    )
    if not applications:
        return None
    for application in applications:
        application_approve(actor=center, application_id=application.pk)
    session_move(
        actor=center,
        session_id=session.pk,
        exam_date=today,
        starts_at=provisional,
        deadline=now - timedelta(seconds=1),
        reason="演示：报名已截止，排考",
    )
    return session_seat(actor=center, session_id=session.pk)


def _seated_today(exam_point: Organization, center: Actor, clerk: Actor) -> ExamSession | None:
    """A session of today, seated, its start written back to a little before now, as if the
    exam point had opened the doors then. Skipped when a demo session of today exists."""
    if _demo_sessions(exam_point).filter(exam_date=timezone.localdate()).exists():
        return None
    session = _seated_now(
        exam_point, center, clerk, note=DEMO_TODAY_NOTE, candidates=TODAY_CANDIDATES
    )
    if session is None:
        return None
    ExamSession.objects.filter(pk=session.pk).update(starts_at=_today_start(timezone.now()))
    return ExamSession.objects.get(pk=session.pk)


def _seat_computer(point_clerk: Actor, room: Room, number: int) -> tuple[Device, str]:
    """The room's active computer at the seat and a key of it, for the demo's saves:
    registered by the point's clerk when the seat has none, else its key rotated (a key is
    never kept, only its digest)."""
    device = Device.objects.filter(
        kind=Device.Kind.EXAM_SEAT, active=True, room=room, seat_number=number
    ).first()
    if device is not None:
        return device_rotate_key(actor=point_clerk, device_id=device.pk)
    return seat_register(
        actor=point_clerk,
        room_id=room.pk,
        seat_number=number,
        name=f"{room.name}{number:02d}号考试机",
        serial_number=f"DEMO-SEAT-{room.pk}-{number:03d}",
    )


def _right_choice(question: PaperQuestion) -> list[int]:
    """The right answer as the candidate's page shows the options (shuffled)."""
    version = question.question_version
    if version.question_type == attempt_rules.TRUE_FALSE or not question.option_order:
        return list(version.answer)
    return [shown for shown, stored in enumerate(question.option_order) if stored in version.answer]


def _wrong_choice(question: PaperQuestion) -> list[int]:
    version = question.question_version
    right = _right_choice(question)
    count = attempt_rules.option_count(version.question_type, version.options)
    return [shown for shown in range(count) if shown not in right][:1]


@dataclass(frozen=True)
class _Sitter:
    """A candidate at their seat's computer, with the seat's key their saves are sent with."""

    candidate: Actor
    seat_key: str
    attempt: Attempt


def _answer(sitter: _Sitter, *, how_many: int | None = None) -> None:
    """The candidate's saves: the first `how_many` questions (all by default), right but for
    every tenth: a whole paper so answered passes."""
    questions = PaperQuestion.objects.select_related("question_version").filter(
        paper_id=sitter.attempt.paper_id
    )
    for sequence, question in enumerate(questions.order_by("position")[:how_many], start=1):
        choice = _wrong_choice(question) if question.position % 10 == 0 else _right_choice(question)
        answer_save(
            actor=sitter.candidate,
            seat_key=sitter.seat_key,
            attempt_id=sitter.attempt.pk,
            position=question.position,
            choice=choice,
            sequence=sequence,
        )


def _first_room(session: ExamSession) -> SessionRoom | None:
    rooms = session.rooms.select_related("room").filter(room__kind=Room.Kind.THEORY)
    return rooms.order_by("room__name", "pk").first()


def _seated_in(session_room: SessionRoom) -> list[ExamApplication]:
    return list(
        session_room.applications.select_related("person")
        .filter(status=ExamApplication.Status.APPROVED)
        .order_by("seat_number")
    )


def _sit(
    session_room: SessionRoom,
    applications: list[ExamApplication],
    point_clerk: Actor,
    proctor: Actor,
) -> list[_Sitter]:
    """The candidates sign in on their seats' computers, the proctor authorizes them all and
    each opens the paper. A trainee still sitting an
    earlier demo exam (seeded late last night) waits at the door."""
    sitting = set(
        Attempt.objects.filter(status__in=attempt_rules.OPEN).values_list("person_id", flat=True)
    )
    signed_in = []
    for application in (a for a in applications if a.person_id not in sitting):
        computer, key = _seat_computer(point_clerk, session_room.room, application.seat_number or 0)
        seat = device_actor(computer)
        _attempt, token = attempt_sign_in(
            actor=seat,
            ticket_number=application.ticket_number or "",
            id_number=application.person.id_number,
        )
        signed_in.append((*candidate_actor(seat=seat, token=token), key))
    if not signed_in:
        return []
    attempt_authorize(actor=proctor, session_room_id=session_room.pk)
    return [
        _Sitter(candidate, key, attempt_start(actor=candidate, attempt_id=attempt_id))
        for candidate, attempt_id, key in signed_in
    ]


def _exam_in_progress(session: ExamSession, point_clerk: Actor, proctor: Actor) -> None:
    """Today's exam under way in its first room: every candidate but the last signed in,
    authorized and answering; the first has submitted (marked at once), the last is marked
    absent (缺考)."""
    session_room = _first_room(session)
    applications = _seated_in(session_room) if session_room is not None else []
    if session_room is None or len(applications) < 2:
        return
    # The absent one is not sitting a retake: a retake missed would use it up (last week's
    # failed candidate keeps their free retake on the coming session).
    first_sittings = [a for a in applications if a.retake_of_id is None] or applications
    absent = first_sittings[-1]
    present = [a for a in applications if a.pk != absent.pk]
    for number, sitter in enumerate(_sit(session_room, present, point_clerk, proctor)):
        if number:
            _answer(sitter, how_many=DEMO_ANSWERED)
        else:
            _answer(sitter)
            attempt_submit(actor=sitter.candidate, attempt_id=sitter.attempt.pk)
    attempt_mark_absent(actor=proctor, session_room_id=session_room.pk, application_id=absent.pk)


def _practical_blueprint() -> PracticalBlueprint | None:
    blueprints = PracticalBlueprint.objects.filter(
        item_id=DEMO_ITEM, exam_type=ExamType.INITIAL, active=True
    )
    return blueprints.order_by("-version").first()


def _examine(examiner: Actor, application: ExamApplication, *, sign: bool) -> None:
    """The examiner draws the candidate's practical tasks; with `sign`, scores every step at
    its full points and signs (the result is decided)."""
    assessment = practical_draw(actor=examiner, application_id=application.pk)
    if not sign:
        return
    for row in assessment.subject_scores.select_related("subject", "task"):
        practical_score_enter(
            actor=examiner,
            assessment_id=assessment.pk,
            subject_code=row.subject.code,
            step_points=[step["points"] for step in row.task.steps],
        )
    practical_sign(actor=examiner, assessment_id=assessment.pk)


def _held_on(session: ExamSession, day: date) -> None:
    """Writes a session held now back to `day` at DEMO_START, with its attempts' and results'
    times (historical facts: the services refuse the past). The audit keeps the seed's time."""
    assert session.starts_at is not None
    start = timezone.make_aware(datetime.combine(day, DEMO_START))
    shift = start - session.starts_at
    ExamSession.objects.filter(pk=session.pk).update(
        exam_date=day,
        year=day.year,
        starts_at=start,
        registration_deadline=F("registration_deadline") + shift,
    )
    for field in ATTEMPT_TIMES:
        Attempt.objects.filter(application__session=session, **{f"{field}__isnull": False}).update(
            **{field: F(field) + shift}
        )
    PracticalAssessment.objects.filter(
        application__session=session, signed_at__isnull=False
    ).update(signed_at=F("signed_at") + shift)
    for field in ("theory_passed_at", "decided_at"):
        ExamResult.objects.filter(
            application__session=session, **{f"{field}__isnull": False}
        ).update(**{field: F(field) + shift})


def _finished_last_week(
    exam_point: Organization, center: Actor, clerk: Actor, staff: dict[str, Actor]
) -> None:
    """A session held a few days after the latest finished demo class ended, with results:
    its trainees sat the theory (the last one answered little and failed: their application
    to the coming session is the free retake), the examiner signed the practical of all who
    passed but the last, whose practical is today's work. Built now through the services,
    then written back to its day (_held_on). Skipped while one of the last two weeks exists."""
    today = timezone.localdate()
    if (
        _demo_sessions(exam_point)
        .filter(note=DEMO_PAST_NOTE, exam_date__gte=today - timedelta(days=14))
        .exists()
    ):
        return
    latest = demo_classes().filter(ends_on__lt=today).order_by("-ends_on").first()
    held_on = latest.ends_on + timedelta(days=3) if latest is not None else today
    taken = ExamSession.objects.filter(exam_point=exam_point, exam_date=held_on).exists()
    if held_on >= today or taken:
        return
    session = _seated_now(
        exam_point,
        center,
        clerk,
        note=DEMO_PAST_NOTE,
        candidates=PAST_CANDIDATES,
        practical=True,
    )
    if session is None:
        return
    session_room = _first_room(session)
    sat = (
        _sit(session_room, _seated_in(session_room), staff["point_clerk"], staff["proctor"])
        if session_room is not None
        else []
    )
    failing = sat[-1:] if len(sat) > 1 else []
    passing = sat[: len(sat) - len(failing)]
    for sitter in passing:
        _answer(sitter)
        attempt_submit(actor=sitter.candidate, attempt_id=sitter.attempt.pk)
    for sitter in failing:
        _answer(sitter, how_many=DEMO_ANSWERED)
        attempt_submit(actor=sitter.candidate, attempt_id=sitter.attempt.pk)
    for number, sitter in enumerate(passing):
        _examine(staff["examiner"], sitter.attempt.application, sign=number < len(passing) - 1)
    _held_on(session, held_on)


def load_demo_exams() -> None:
    exam_point = Organization.objects.get(kind=Organization.Kind.EXAM_POINT, name=HUAAN)
    _rooms(exam_point)
    center = _actor("yc_exam_center", Role.EXAM_CENTER_OFFICER)
    session = _scheduled_session(exam_point, center)
    # The server's submission acts first, as it would have at the deadline: an earlier demo
    # day's exams still open are submitted with their saved answers.
    attempts_submit_overdue(actor=SEED)
    clerk = _actor("huaan_clerk", Role.INSTITUTION_CLERK)
    staff = {
        "point_clerk": _actor("huaan_point_clerk", Role.EXAM_POINT_CLERK),
        "proctor": _actor("huaan_proctor", Role.PROCTOR),
        "examiner": _actor("huaan_examiner", Role.PRACTICAL_EXAMINER),
    }
    # Last week's session first: it is built on today's date before being written back, and
    # an exam point holds one session of a series a day.
    _finished_last_week(exam_point, center, clerk, staff)
    today = _seated_today(exam_point, center, clerk)
    if today is not None:
        _exam_in_progress(today, staff["point_clerk"], staff["proctor"])
    if session is None:
        return
    applications = _apply(session, clerk, again=True)
    first_sittings = [a for a in applications if a.retake_of_id is None]
    if len(first_sittings) < 2:
        return
    # A first sitting returned, another left for review; the retake approved with the rest.
    returned, *approved, _pending = first_sittings
    application_return(actor=center, application_id=returned.pk, reason=DEMO_RETURN_REASON)
    retakes = [a for a in applications if a.retake_of_id is not None]
    for application in approved + retakes:
        application_approve(actor=center, application_id=application.pk)

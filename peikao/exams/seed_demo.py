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

A session of today is seated (when its 14:00 start is still ahead): the exam center schedules
it with its deadline a minute ahead, the trainees apply and are approved, the deadline is moved
to now (session_move allows it while open) and the session is seated. Its attempts (sign-in,
a scored theory, a practical drawn) are not built: sign-in needs a seat computer's cookie.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from peikao.accounts.actor import Actor, actor_of_membership
from peikao.accounts.models import Membership, Role, User
from peikao.accounts.seed import HUAAN
from peikao.exams.models import (
    DEMO_NOTE_PREFIX,
    Blueprint,
    ExamApplication,
    ExamSession,
    ExamType,
    PracticalBlueprint,
)
from peikao.exams.rules import sessions as session_rules
from peikao.exams.seed import DEMO_NOTE
from peikao.exams.seed_bank import DEMO_BLUEPRINTS
from peikao.exams.services.applications import (
    application_approve,
    application_return,
    application_submit,
)
from peikao.exams.services.sessions import session_move, session_schedule, session_seat
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
SEED = Actor.system("seed")
DEMO_RETURN_REASON = "演示：身份证复印件不清晰，请重新上传后再提交。"


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
    practical_blueprints = PracticalBlueprint.objects.filter(
        item_id=DEMO_ITEM, exam_type=ExamType.INITIAL, active=True
    )
    practical = practical_blueprints.order_by("-version").first()
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


def _apply(session: ExamSession, clerk: Actor) -> list[ExamApplication]:
    """The latest finished demo class's completed trainees who have not applied yet."""
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
    applications = []
    for certificate in certified.select_related("enrolment").order_by("enrolment__pk"):
        enrolment = certificate.enrolment
        if enrolment.person_id in applied:
            continue
        applications.append(
            application_submit(actor=clerk, session_id=session.pk, enrolment_id=enrolment.pk)
        )
    return applications


def _seated_today(exam_point: Organization, center: Actor, clerk: Actor) -> None:
    """A session of today at the exam point, seated: scheduled with its deadline ahead, the
    completed trainees applied and approved, the deadline then moved to now (the move service
    allows it while the session is open) and the session seated. Skipped when the afternoon
    start has passed or a demo session of today exists."""
    today = timezone.localdate()
    now = timezone.now()
    starts_at = timezone.make_aware(datetime.combine(today, TODAY_START))
    if starts_at <= now + timedelta(minutes=5):
        return
    if _demo_sessions(exam_point).filter(exam_date=today).exists():
        return
    blueprint = _blueprint()
    if blueprint is None:
        return
    session = session_schedule(
        actor=center,
        exam_point_id=exam_point.pk,
        post_category="special_operator",
        items=[DEMO_ITEM],
        exam_type=ExamType.INITIAL,
        registration_deadline=now + timedelta(minutes=1),
        starts_at=starts_at,
        theory_blueprint_id=blueprint.pk,
        rooms=_rooms(exam_point),
    )
    ExamSession.objects.filter(pk=session.pk).update(note=DEMO_TODAY_NOTE)
    applications = _apply(session, clerk)
    if not applications:
        return
    for application in applications:
        application_approve(actor=center, application_id=application.pk)
    session_move(
        actor=center,
        session_id=session.pk,
        exam_date=today,
        starts_at=starts_at,
        deadline=now - timedelta(seconds=1),
        reason="演示：报名已截止，排考",
    )
    session_seat(actor=center, session_id=session.pk)


def load_demo_exams() -> None:
    exam_point = Organization.objects.get(kind=Organization.Kind.EXAM_POINT, name=HUAAN)
    _rooms(exam_point)
    center = _actor("yc_exam_center", Role.EXAM_CENTER_OFFICER)
    session = _scheduled_session(exam_point, center)
    clerk = _actor("huaan_clerk", Role.INSTITUTION_CLERK)
    _seated_today(exam_point, center, clerk)
    if session is None:
        return
    applications = _apply(session, clerk)
    if len(applications) < 2:
        return
    returned, *approved, _pending = applications
    application_return(actor=center, application_id=returned.pk, reason=DEMO_RETURN_REASON)
    for application in approved:
        application_approve(actor=center, application_id=application.pk)

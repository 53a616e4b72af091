"""Reads of scheduled sessions, their rooms, seating and admission tickets, each scoped by the
asker's actor: the exam center and regulators the sessions of their cities, an exam point's
clerk its own sessions, a proctor or practical examiner only the sessions (and rooms) they are
assigned to.

Which blueprints an application sits is answered here, once (plan_for): the plan of its item
where the session has plans per item (special operators), else the session's own pair (an
industry's session). Drawing papers and practical tasks, the results' pass marks and whether a
practical is required, the pages and the API all ask it."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Case, Count, Exists, F, OuterRef, Prefetch, Q, When
from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.accounts.models import Membership, Role
from peikao.catalog.models import OperationItem
from peikao.core.errors import NotFound
from peikao.core.scoping import get_visible
from peikao.exams.models import (
    Blueprint,
    ExamApplication,
    ExamSession,
    PracticalBlueprint,
    SessionPlan,
    SessionRoom,
)
from peikao.exams.rules import sessions as rules
from peikao.exams.rules.applications import APPLICATION, APPROVED
from peikao.orgs.models import Organization, Room

ROOM_STAFF_ROLES = frozenset({Role.PROCTOR, Role.PRACTICAL_EXAMINER})
STATUS_CHOICES = list(rules.SESSION.states.items())


@dataclass(frozen=True)
class Plan:
    """The blueprints that candidates of one item (None: every candidate of an industry's
    session) sit."""

    item: OperationItem | None
    theory: Blueprint | None
    practical: PracticalBlueprint | None


NO_PLAN = Plan(item=None, theory=None, practical=None)


def session_plans(session: ExamSession) -> list[Plan]:
    """The session's plans: one per item, or the session's own pair when it has none."""
    rows = SessionPlan.objects.filter(session_id=session.pk).select_related(
        "item", "theory_blueprint__bank", "practical_blueprint"
    )
    plans = [Plan(row.item, row.theory_blueprint, row.practical_blueprint) for row in rows]
    return plans or [Plan(None, session.theory_blueprint, session.practical_blueprint)]


def plan_for(application: ExamApplication, plans: Sequence[Plan] | None = None) -> Plan:
    """The blueprints this application sits (plans: the session's, when read already). An item
    the session has no plan for has no blueprint."""
    if plans is None:
        plans = session_plans(application.session)
    for plan in plans:
        if plan.item is None or plan.item.code == application.item_id:
            return plan
    return NO_PLAN


def practical_required_q() -> Q:
    """plan_for's practical blueprint is set, as a filter of applications."""
    plans = SessionPlan.objects.filter(session_id=OuterRef("session_id"))
    return Q(
        Exists(plans.filter(item_id=OuterRef("item_id"), practical_blueprint__isnull=False))
    ) | Q(~Exists(plans), session__practical_blueprint__isnull=False)


def is_room_staff(actor: Actor) -> bool:
    return actor.role in ROOM_STAFF_ROLES and actor.user is not None


def sessions_of(actor: Actor):
    """The sessions the actor may see: ExamSession.visible_to, narrowed for a proctor or an
    examiner to the sessions with a room they are assigned to."""
    sessions = ExamSession.objects.all()
    if is_room_staff(actor):
        assigned = SessionRoom.objects.filter(staff=actor.user).values("session_id")
        sessions = sessions.filter(pk__in=assigned)
    return sessions.visible_to(actor)


def scheduled_sessions(actor: Actor, *, status: str = ""):
    """Scheduled sessions (a start is set) with their counts of applications by status."""
    counts = {
        f"count_{status}": Count("applications", filter=Q(applications__status=status))
        for status in APPLICATION.states
    }
    sessions = (
        sessions_of(actor)
        .filter(starts_at__isnull=False)
        .select_related("exam_point", "post_category", "industry", "city")
        .annotate(**counts)
    )
    if status:
        sessions = sessions.filter(status=status)
    return sessions.order_by("-exam_date", "-pk")


def application_counts(session: ExamSession) -> list[tuple[str, int]]:
    """(status name, count) of the session's applications, for those a list has annotated."""
    return [
        (name, getattr(session, f"count_{status}", 0))
        for status, name in APPLICATION.states.items()
    ]


def session_detail(actor: Actor, session_id: int) -> ExamSession:
    sessions = sessions_of(actor).select_related(
        "exam_point",
        "post_category",
        "industry",
        "city",
        "theory_blueprint",
        "practical_blueprint",
    )
    return get_visible(sessions, actor, session_id)


def session_rooms(actor: Actor, session: ExamSession) -> list[SessionRoom]:
    """The session's rooms with their staff and their seated count; a proctor's or examiner's
    own rooms only."""
    rooms = (
        session.rooms.select_related("room")
        .prefetch_related(Prefetch("staff"))
        .annotate(seated=Count("applications"))
        .order_by("room__kind", "room__name", "pk")
    )
    if is_room_staff(actor):
        rooms = rooms.filter(staff=actor.user)
    return list(rooms)


def seating_list(actor: Actor, session: ExamSession):
    """The seated candidates (room, seat, ticket number, name) to print; a proctor's own rooms
    only."""
    seated = (
        ExamApplication.objects.visible_to(actor)
        .filter(session=session, session_room__isnull=False)
        .select_related("person", "session_room__room", "item")
        .order_by("session_room__room__name", "seat_number")
    )
    if is_room_staff(actor):
        seated = seated.filter(session_room__staff=actor.user)
    return seated


def assigned_rooms(actor: Actor):
    """The rooms of scheduled sessions a proctor or examiner is assigned to: today's and the
    coming ones first, soonest first; then the past ones, latest first."""
    if not is_room_staff(actor):
        return SessionRoom.objects.none()
    today = timezone.localdate()
    past = Q(session__exam_date__lt=today)
    return (
        SessionRoom.objects.filter(staff=actor.user, session__in=sessions_of(actor))
        .select_related("room", "session__exam_point", "session__post_category")
        .annotate(seated=Count("applications"))
        .order_by(
            Case(When(past, then=1), default=0),
            Case(When(~past, then=F("session__exam_date"))).asc(),
            F("session__exam_date").desc(),
            "session__starts_at",
            "room__name",
        )
    )


@dataclass(frozen=True)
class TodaysRoom:
    session_room_id: int
    name: str
    candidates: int


def todays_theory_rooms(actor: Actor) -> list[TodaysRoom]:
    """The computer rooms of today's seated sessions that the actor (a proctor) watches: the
    consoles of the day's work."""
    rooms = assigned_rooms(actor).filter(
        session__exam_date=timezone.localdate(),
        session__status=rules.SEATED,
        room__kind=Room.Kind.THEORY,
    )
    return [TodaysRoom(*row) for row in rooms.values_list("pk", "room__name", "seated")]


def coming_assigned_count(actor: Actor) -> int:
    return (
        assigned_rooms(actor)
        .filter(session__exam_date__gte=timezone.localdate())
        .exclude(session__status=rules.CANCELLED)
        .count()
    )


def ticket_application(actor: Actor, application_id: int) -> ExamApplication:
    """The seated application whose admission ticket the actor may download; not yet seated is
    the same 404 as out of scope."""
    applications = ExamApplication.objects.select_related(
        "person",
        "enrolment",
        "item",
        "session__exam_point",
        "session__post_category",
        "session__industry",
        "session_room__room",
    )
    application = get_visible(applications, actor, application_id)
    seated = (
        application.ticket_number
        and application.session_room_id is not None
        and application.status == APPROVED
        and application.session.status in (rules.SEATED, rules.FINISHED)
    )
    if not seated:
        raise NotFound("该考生尚未排考，准考证尚未生成。")
    return application


# --- the schedule form ------------------------------------------------------------------------


def schedulable_rows(actor: Actor):
    """The rows of the seed timetable not yet scheduled, from today on."""
    return (
        ExamSession.objects.visible_to(actor)
        .filter(starts_at__isnull=True, status=rules.OPEN, exam_date__gte=timezone.localdate())
        .select_related("exam_point")
        .order_by("exam_date", "exam_point__name")
    )


def schedulable_row(actor: Actor, row_id: int) -> ExamSession:
    return get_visible(schedulable_rows(actor), actor, row_id)


def exam_points_of(actor: Actor):
    if not actor.is_region_wide:
        return Organization.objects.none()
    return Organization.objects.exam_points().filter(region_id__in=actor.region_codes)


def exam_point_of(actor: Actor, exam_point_id: int) -> Organization:
    found = exam_points_of(actor).filter(pk=exam_point_id).first()
    if found is None:
        raise NotFound("未找到该考试点，或不在您的管辖范围内。")
    return found


def exam_point_rooms(exam_point: Organization):
    return Room.objects.filter(
        organization=exam_point, kind__in=(Room.Kind.THEORY, Room.Kind.PRACTICAL)
    ).order_by("kind", "name")


def exam_point_staff(exam_point: Organization):
    """(user id, name, role name) of the exam point's proctors and examiners."""
    memberships = (
        Membership.objects.active()
        .filter(organization=exam_point, role__in=ROOM_STAFF_ROLES)
        .select_related("user")
        .order_by("role", "user__username")
    )
    return [
        (m.user_id, m.user.get_full_name() or m.user.username, m.get_role_display(), m.role)
        for m in memberships
    ]


def exam_point_rooms_with_staff(exam_point: Organization):
    """Each room of the exam point with the staff who may be assigned to it: its proctors to a
    theory room, its examiners to a practical room."""
    staff = exam_point_staff(exam_point)
    wanted: dict[str, str] = {
        Room.Kind.THEORY: Role.PROCTOR,
        Room.Kind.PRACTICAL: Role.PRACTICAL_EXAMINER,
    }
    return [
        (room, [entry for entry in staff if entry[3] == wanted[room.kind]])
        for room in exam_point_rooms(exam_point)
    ]


def blueprints():
    return Blueprint.objects.filter(active=True).select_related("bank").order_by("bank", "name")


def practical_blueprints():
    return PracticalBlueprint.objects.filter(active=True).order_by("item_id", "name")

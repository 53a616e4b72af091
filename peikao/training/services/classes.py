"""Class filing (开班备案) and the class's life: start, finish, suspension by the regulator.

Filing lists every reason it is refused and saves nothing (忻州市通知 三、四; 运城市通知 五).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.audit.actions import Action
from peikao.audit.services import audit_record
from peikao.audit.transitions import transition_apply
from peikao.catalog.models import PostCategory
from peikao.catalog.selectors import rule_value
from peikao.core.errors import Conflict, DomainError, NotFound
from peikao.core.scoping import get_visible
from peikao.monitoring.selectors import live_camera_rooms
from peikao.orgs.models import Organization, Room
from peikao.training import rules
from peikao.training.models import (
    ClassSession,
    Enrolment,
    PlanLine,
    Teacher,
    TrainingClass,
    TrainingPlan,
)
from peikao.training.permissions import require_institution_writer, require_training_reviewer
from peikao.training.selectors.classes import required_hours
from peikao.training.selectors.enrolment import missing_documents
from peikao.training.services.plans import scope_errors

Status = TrainingClass.Status


@dataclass(frozen=True)
class SessionInput:
    starts_at: datetime
    ends_at: datetime
    topic: str
    teacher_id: int
    room_id: int


def _line_for_filing(actor: Actor, plan_line_id: int) -> PlanLine:
    # Only the line is locked: PostgreSQL refuses FOR UPDATE across the nullable item and
    # industry joins.
    line = (
        PlanLine.objects.select_for_update(of=("self",))
        .select_related("plan__organization__region", "item", "industry", "post_category")
        .filter(pk=plan_line_id)
        .first()
    )
    if line is None or not actor.covers_organization(line.plan.organization):
        raise NotFound("未找到该计划明细，或不在您的管辖范围内。")
    require_institution_writer(actor, line.plan.organization)
    return line


def _institution_errors(institution: Organization) -> list[str]:
    if institution.status == Organization.Status.SUSPENDED:
        return [f"本机构已被暂停培训（{institution.status_reason}），不能开班备案。"]
    if institution.status == Organization.Status.EXITED:
        return ["本机构已退出培训市场，不能开班备案。"]
    return []


def _plan_line_errors(line: PlanLine, days: list[date], capacity: int) -> list[str]:
    errors = []
    if line.plan.status != TrainingPlan.Status.APPROVED:
        errors.append(f"培训计划“{line.plan}”尚未审核通过，不能据此开班。")
    if TrainingClass.objects.filter(plan_line=line).exists():
        errors.append("该计划明细已开班备案，不能重复备案。")
    outside = rules.days_outside(days, line.planned_start, line.planned_end)
    if outside:
        errors.append(
            f"课次日期{'、'.join(f'{day:%Y-%m-%d}' for day in outside)}不在经审核的计划"
            f"（{line.planned_start:%Y-%m-%d}至{line.planned_end:%Y-%m-%d}）内，"
            "须按经审核的培训计划开班。"
        )
    if capacity > line.planned_size:
        errors.append(f"班级人数{capacity}人，超过经审核的计划人数{line.planned_size}人。")
    return errors


def _resource_errors(
    institution: Organization, sessions: list[SessionInput], line: PlanLine, main_room_id: int
) -> tuple[list[str], dict[int, Room]]:
    """Each teacher must be the institution's, active and qualified; each room its own."""
    teachers = {
        t.pk: t
        for t in Teacher.objects.filter(
            organization=institution, pk__in={s.teacher_id for s in sessions}
        ).prefetch_related("items", "post_categories")
    }
    rooms = {
        pk: room
        for pk, room in Room.objects.in_bulk([main_room_id, *(s.room_id for s in sessions)]).items()
        if room.organization_id == institution.pk
    }
    errors = [] if main_room_id in rooms else ["主教室不是本机构的教室。"]
    for number, session in enumerate(sessions, start=1):
        teacher = teachers.get(session.teacher_id)
        if teacher is None:
            errors.append(f"第{number}次课的教师不是本机构的教师。")
        elif not teacher.active:
            errors.append(f"第{number}次课的教师“{teacher}”已不在岗。")
        elif not _qualified(teacher, line):
            subject = line.item or line.post_category
            errors.append(f"第{number}次课的教师“{teacher}”没有“{subject}”的授课资格。")
        if session.room_id not in rooms:
            errors.append(f"第{number}次课的教室不是本机构的教室。")
    return errors, rooms


def _qualified(teacher: Teacher, line: PlanLine) -> bool:
    if line.post_category_id == PostCategory.SPECIAL_OPERATOR:
        return any(item.pk == line.item_id for item in teacher.items.all())
    return any(c.pk == line.post_category_id for c in teacher.post_categories.all())


def _double_booking_errors(sessions: list[SessionInput]) -> list[str]:
    """A teacher or room already taken by another class at the same time (one query for the
    whole timetable)."""
    if not sessions:
        return []
    during_any = Q()
    for session in sessions:
        during_any |= Q(starts_at__lt=session.ends_at, ends_at__gt=session.starts_at)
    others = list(
        ClassSession.objects.filter(during_any)
        .exclude(training_class__status__in=[Status.SUSPENDED, Status.ARCHIVED])
        .filter(
            Q(teacher_id__in={s.teacher_id for s in sessions})
            | Q(room_id__in={s.room_id for s in sessions})
        )
        .select_related("training_class", "teacher", "room")
    )
    errors = []
    for number, session in enumerate(sessions, start=1):
        for other in others:
            if not (other.starts_at < session.ends_at and other.ends_at > session.starts_at):
                continue
            when = f"{timezone.localtime(other.starts_at):%Y-%m-%d %H:%M}"
            if other.teacher_id == session.teacher_id:
                errors.append(
                    f"第{number}次课的教师“{other.teacher}”在{when}已安排在“{other.training_class}”授课。"
                )
            if other.room_id == session.room_id:
                errors.append(
                    f"第{number}次课的教室“{other.room.name}”在{when}已被“{other.training_class}”占用。"
                )
    return errors


def _monitoring_errors(rooms: dict[int, Room], now: datetime) -> list[str]:
    online = live_camera_rooms(list(rooms), now)
    return [
        f"教室“{room.name}”的监控未联网运行（无摄像机在规定时间内上报心跳），暂停开班备案。"
        for pk, room in sorted(rooms.items())
        if pk not in online
    ]


def filing_errors(
    *,
    line: PlanLine,
    sessions: list[SessionInput],
    capacity: int,
    main_room_id: int,
    now: datetime,
) -> tuple[list[str], Decimal, dict[int, Room]]:
    """Every reason the class may not be filed, the hours required, and the rooms it uses."""
    institution = line.plan.organization
    region = institution.region_id
    today = timezone.localdate(now)
    local = [
        rules.PlannedSession(
            timezone.localtime(s.starts_at),
            timezone.localtime(s.ends_at),
            s.teacher_id,
            s.room_id,
            s.topic,
        )
        for s in sessions
    ]
    days = sorted({s.starts_at.date() for s in local})
    first_day = days[0] if days else None
    errors = _institution_errors(institution)
    errors += scope_errors(institution, line.post_category, line.item, line.industry)
    errors += _plan_line_errors(line, days, capacity)
    resource_errors, rooms = _resource_errors(institution, sessions, line, main_room_id)
    errors += resource_errors
    errors += _monitoring_errors(rooms, now)
    errors += rules.capacity_errors(
        capacity,
        size_limit=int(rule_value("class_size_limit", region_code=region, on_date=today)),
        room_seats={room.name: room.seats for room in rooms.values()},
    )
    try:
        hours = required_hours(line, region_code=region, on_date=first_day or today)
    except LookupError as missing:
        errors.append(f"{missing}，无法核对课程表学时，请联系市应急管理局管理员设置。")
        hours = Decimal(0)
    errors += rules.timetable_errors(
        local,
        now=now,
        minutes_per_hour=rule_value("class_hour_minutes", region_code=region, on_date=today),
        daily_cap=rule_value("daily_hour_cap", region_code=region, on_date=today),
        required_hours=hours,
    )
    errors += _double_booking_errors(sessions)
    return list(dict.fromkeys(errors)), hours, rooms


@transaction.atomic
def class_file(
    *,
    actor: Actor,
    plan_line_id: int,
    name: str,
    capacity: int,
    room_id: int,
    sessions: list[SessionInput],
    special_retraining: bool = False,
) -> TrainingClass:
    """Files a class from an approved plan line with its timetable, or refuses with every
    reason and saves nothing."""
    line = _line_for_filing(actor, plan_line_id)
    name = (name or "").strip()
    now = timezone.now()
    errors, hours, rooms = filing_errors(
        line=line, sessions=sessions, capacity=capacity, main_room_id=room_id, now=now
    )
    if not name:
        errors.insert(0, "请填写班级名称。")
    if errors:
        raise DomainError(*errors)
    minutes_per_hour = rule_value(
        "class_hour_minutes", region_code=line.plan.organization.region_id, on_date=now.date()
    )
    starts = [timezone.localtime(s.starts_at) for s in sessions]
    training_class = TrainingClass.objects.create(
        organization=line.plan.organization,
        plan_line=line,
        name=name,
        post_category=line.post_category,
        item=line.item,
        industry=line.industry,
        training_type=line.training_type,
        special_retraining=special_retraining,
        room=rooms[room_id],
        capacity=capacity,
        starts_on=min(starts).date(),
        ends_on=max(timezone.localtime(s.ends_at) for s in sessions).date(),
        required_hours=hours,
        filed_by=actor.account,
    )
    ClassSession.objects.bulk_create(
        ClassSession(
            training_class=training_class,
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            topic=s.topic.strip(),
            teacher_id=s.teacher_id,
            room_id=s.room_id,
            hours=rules.hours_of(
                int((s.ends_at - s.starts_at).total_seconds() // 60), minutes_per_hour
            ),
        )
        for s in sessions
    )
    audit_record(
        Action.CLASS_FILED,
        actor=actor,
        target=training_class,
        detail={"sessions": len(sessions), "required_hours": str(hours), "capacity": capacity},
    )
    return training_class


def _locked_class(actor: Actor, class_id: int) -> TrainingClass:
    classes = TrainingClass.objects.select_related("organization__region")
    return get_visible(classes, actor, class_id, for_update=True)


def _move_from(
    training_class: TrainingClass, name: str, *, day: date, refusal: str, today: date, **kwargs
) -> None:
    """A transition of the calendar (start, finish), refused while today is before `day`."""
    transition_apply(
        training_class,
        rules.CLASS,
        name,
        guard=lambda: refusal if today < day else "",
        **kwargs,
    )


def _class_start(training_class: TrainingClass, *, today: date, **kwargs) -> None:
    first_day = training_class.starts_on
    refusal = f"培训班{first_day:%Y-%m-%d}开班，尚未到开班日期。"
    _move_from(training_class, "start", day=first_day, refusal=refusal, today=today, **kwargs)


def _class_finish(
    training_class: TrainingClass, *, actor: Actor, today: date, reason: str = ""
) -> None:
    """结业: the class closes once its last day has come, and each trainee still in training
    is decided from the records, completed or not completed with what falls short."""
    last_day = training_class.ends_on
    refusal = f"培训班{last_day:%Y-%m-%d}结业，课程尚未结束。"
    _move_from(
        training_class,
        "finish",
        day=last_day,
        refusal=refusal,
        today=today,
        actor=actor,
        reason=reason,
    )
    trainees = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("training_class", "person")
        .filter(training_class=training_class, status=Enrolment.Status.ENROLLED)
    )
    for enrolment in trainees:
        outcome = rules.enrolment_outcome(
            hours=enrolment.hours,
            required_hours=training_class.required_hours,
            missing_documents=missing_documents(enrolment),
        )
        shortfall = "；".join(outcome.shortfalls)
        transition_apply(
            enrolment,
            rules.ENROLMENT,
            outcome.transition,
            actor=actor,
            changes={"shortfall": shortfall},
            detail={"class_id": training_class.pk, "hours": str(enrolment.hours)}
            | ({"shortfall": shortfall} if shortfall else {}),
        )


# What the institution itself may do to its class; the rest is the regulator's.
INSTITUTION_MOVES: dict[str, Callable[..., None]] = {
    Status.IN_PROGRESS: _class_start,
    Status.FINISHED: _class_finish,
}


@transaction.atomic
def class_advance(*, actor: Actor, class_id: int, target: str):
    """The institution opens its class (培训中) or closes it (结业)."""
    training_class = _locked_class(actor, class_id)
    require_institution_writer(actor, training_class.organization)
    if target not in INSTITUTION_MOVES:
        raise Conflict("培训机构只能开始或结束培训班。")
    INSTITUTION_MOVES[target](training_class, actor=actor, today=timezone.localdate())
    return training_class


# What the regulator may do to a class: stop it (叫停) or let it go on, each with a reason.
SUPERVISOR_MOVES: dict[str, str] = {Status.SUSPENDED: "suspend", Status.FILED: "resume"}


@transaction.atomic
def class_supervise(*, actor: Actor, class_id: int, target: str, reason: str):
    """The regulator stops a class with a reason (it takes no attendance until resumed), or
    lets it go on."""
    training_class = _locked_class(actor, class_id)
    require_training_reviewer(actor, training_class.organization)
    if target not in SUPERVISOR_MOVES:
        raise Conflict("监管部门只能叫停或恢复培训班。")
    name = SUPERVISOR_MOVES[target]
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(f"{rules.CLASS[name].label}培训班须填写原因。")
    transition_apply(
        training_class,
        rules.CLASS,
        name,
        actor=actor,
        reason=reason,
        changes={"status_reason": reason},
    )
    return training_class


@transaction.atomic
def classes_follow_calendar(*, actor: Actor, today) -> int:
    """Opens the filed classes whose first day has come and closes the running ones whose last
    day has passed, so that a clerk who forgets does not leave a class open. Returns how many
    moved; a rerun moves nothing twice."""
    moves = [
        (Status.FILED, _class_start, Q(starts_on__lte=today)),
        (Status.IN_PROGRESS, _class_finish, Q(ends_on__lt=today)),
    ]
    moved = 0
    for source, move, due in moves:
        for training_class in TrainingClass.objects.select_for_update().filter(due, status=source):
            move(training_class, actor=actor, today=today, reason="按课程表日期自动变更")
            moved += 1
    return moved

"""Exam sessions (考试计划): scheduled by the exam center of the city, moved or cancelled with a
reason (every applicant is told), and seated after the registration deadline.

What may move, and when (rules.sessions.move_refusals):
- open: the exam date, the start and the registration deadline;
- seated: the date and the start only. The seats and the papers drawn at seating are kept (the
  rooms do not change), and the tickets keep their numbers; the admission ticket is drawn on
  request, so a candidate who downloads it again reads the new time. The deadline no longer
  moves: registration has closed and the seating rests on it;
- finished or cancelled: nothing.
"""

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.accounts.models import Membership, Role
from peikao.audit.actions import Action
from peikao.audit.services import audit_record
from peikao.audit.transitions import transition_apply
from peikao.catalog.models import Industry, OperationItem, PostCategory
from peikao.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from peikao.core.history import with_change_reason
from peikao.core.scoping import get_visible
from peikao.exams.models import (
    Attempt,
    Blueprint,
    ExamApplication,
    ExamSession,
    ExamType,
    PracticalAssessment,
    PracticalBlueprint,
    SessionPlan,
    SessionRoom,
)
from peikao.exams.rules import attempts as attempt_rules
from peikao.exams.rules import sessions as rules
from peikao.exams.rules.applications import ACTIVE, APPLICATION, APPROVED, RETURNED, SUBMITTED
from peikao.exams.selectors.bank import blueprint_check
from peikao.exams.selectors.sessions import session_plans, sessions_of
from peikao.exams.services.applications import seat_release
from peikao.exams.services.notices import applicants_notify
from peikao.exams.services.papers import papers_draw
from peikao.orgs.models import Organization, Room

Series = ExamSession.Series
# Who may be assigned to a room of each kind: proctors to the computer rooms, practical
# examiners to the practical ones.
STAFF_ROLE: dict[str, str] = {
    Room.Kind.THEORY: Role.PROCTOR,
    Room.Kind.PRACTICAL: Role.PRACTICAL_EXAMINER,
}
STAFF_NAME: dict[str, str] = {Role.PROCTOR: "监考员", Role.PRACTICAL_EXAMINER: "实操考评员"}


def require_exam_center(actor: Actor, city_code: str) -> None:
    """Sessions are scheduled, moved, cancelled and seated by the exam center of their city."""
    if not (actor.is_exam_center and actor.covers_region(city_code)):
        raise PermissionDenied("只有本市考试中心可以安排、调整、取消考试或排考。")


def exam_center_city(actor: Actor) -> str:
    """The city of the exam center the actor works for (a new session's city)."""
    if actor.organization is None:
        raise PermissionDenied("只有考试中心可以安排考试。")
    return actor.organization.region_id


def _locked_session(actor: Actor, session_id: int) -> ExamSession:
    session = get_visible(sessions_of(actor), actor, session_id, for_update=True)
    require_exam_center(actor, session.city_id)
    return session


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


# --- scheduling -------------------------------------------------------------------------------


def _plan_entries(
    *,
    post_category: str,
    items: Sequence[str],
    plans: Sequence[Mapping],
    theory_blueprint_id: int | None,
    practical_blueprint_id: int | None,
) -> list[tuple[str, int | None, int | None]]:
    """(item code, theory blueprint id, practical blueprint id) for each item of a special-
    operator session ("" for an industry's session and its one pair): from `plans`, or from the
    one pair given with one item (the single-item call)."""
    if post_category != PostCategory.SPECIAL_OPERATOR:
        if plans:
            raise DomainError("主要负责人、安全管理人员的考试按行业组卷，不分操作项目。")
        return [("", theory_blueprint_id, practical_blueprint_id)]
    if not plans:
        codes = list(dict.fromkeys(code for code in items if code))
        if len(codes) > 1:
            raise DomainError("考试含多个操作项目时，请为每个项目分别选择理论考试组卷方案。")
        return [(code, theory_blueprint_id, practical_blueprint_id) for code in codes]
    if theory_blueprint_id is not None or practical_blueprint_id is not None:
        raise DomainError("请在各操作项目下分别选择组卷方案，不要另选整场考试的组卷方案。")
    entries = [
        (
            str(plan.get("item") or ""),
            plan.get("theory_blueprint_id"),
            plan.get("practical_blueprint_id"),
        )
        for plan in plans
    ]
    codes = [code for code, _, _ in entries]
    if "" in codes:
        raise DomainError("请为每个组卷方案选择操作项目。")
    repeated = [code for code, count in Counter(codes).items() if count > 1]
    if repeated:
        raise DomainError(f"操作项目“{repeated[0]}”选了不止一次，每个项目只选一次。")
    if items and set(items) != set(codes):
        raise DomainError("所选操作项目与各项目的组卷方案不一致。")
    return entries


def _subject(post_category: str, industry: str, codes: Sequence[str]):
    """The post category with its items (special operators, in the order given) or industry
    (principals and safety managers); every missing choice is a refusal."""
    category = PostCategory.objects.filter(code=post_category).first()
    if category is None:
        raise DomainError("请选择人员类别。")
    if category.code == PostCategory.SPECIAL_OPERATOR:
        if not codes:
            raise DomainError("特种作业人员的考试须选择操作项目。")
        found = {
            item.code: item for item in OperationItem.objects.filter(code__in=codes, enabled=True)
        }
        if len(found) != len(codes):
            raise DomainError("请选择有效的操作项目。")
        return category, None, [found[code] for code in codes]
    industry_row = Industry.objects.filter(code=industry).first()
    if industry_row is None:
        raise DomainError("主要负责人、安全管理人员的考试须选择行业。")
    return category, industry_row, []


def blueprint_refusals(blueprint: Blueprint) -> list[str]:
    """Every part of the blueprint that its bank cannot fill (the bank's own check)."""
    if not blueprint.parts.exists():
        return [f"组卷方案“{blueprint}”还没有题型和题数。"]
    return [f"组卷方案“{blueprint}”：{shortfall}" for shortfall in blueprint_check(blueprint)]


def _theory_blueprint_refusals(blueprint, *, category, industry, item, exam_type) -> list[str]:
    bank = blueprint.bank
    refusals = []
    same_bank = bank.post_category_id == category.code and (
        bank.item_id == (item.code if item else None)
        if category.code == PostCategory.SPECIAL_OPERATOR
        else bank.industry_id == (industry.code if industry else None)
    )
    if not same_bank:
        refusals.append(f"组卷方案“{blueprint}”属于题库“{bank}”，不是本场考试的题库。")
    if blueprint.exam_type != exam_type:
        refusals.append(
            f"组卷方案“{blueprint}”用于{blueprint.get_exam_type_display()}，"
            f"与本场考试的考核类型不符。"
        )
    if not blueprint.active:
        refusals.append(f"组卷方案“{blueprint}”已停用。")
    return refusals or blueprint_refusals(blueprint)


def _plan_refusals(
    item: OperationItem | None,
    theory_id: int | None,
    practical_id: int | None,
    *,
    category: PostCategory,
    industry: Industry | None,
    exam_type: str,
):
    """The blueprints of one item (or of an industry's session) and every refusal, each
    naming the item."""
    where = f"操作项目“{item}”：" if item else ""
    refusals = []
    theory = (
        Blueprint.objects.select_related("bank").filter(pk=theory_id).first() if theory_id else None
    )
    if theory is None:
        refusals.append("请选择理论考试组卷方案。")
    else:
        refusals += _theory_blueprint_refusals(
            theory, category=category, industry=industry, item=item, exam_type=exam_type
        )
    practical = None
    if practical_id is not None:
        practical = PracticalBlueprint.objects.filter(pk=practical_id).first()
        if practical is None:
            refusals.append("未找到该实操考核方案。")
        else:
            refusals += _practical_blueprint_refusals(practical, item=item, exam_type=exam_type)
    return (item, theory, practical), [where + refusal for refusal in refusals]


def _practical_blueprint_refusals(blueprint, *, item, exam_type) -> list[str]:
    refusals = []
    if item is None or blueprint.item_id != item.code:
        refusals.append(f"实操考核方案“{blueprint}”不是本场考试操作项目的方案。")
    if blueprint.exam_type != exam_type:
        refusals.append(f"实操考核方案“{blueprint}”的考核类型与本场考试不符。")
    if not blueprint.active:
        refusals.append(f"实操考核方案“{blueprint}”已停用。")
    return refusals


def _rooms_and_staff(exam_point: Organization, rooms: Sequence[Mapping]):
    """The rooms (of the exam point) and their staff (its proctors and examiners), or every
    refusal."""
    refusals: list[str] = []
    picked: list[tuple[Room, list]] = []
    room_ids = [int(entry["room_id"]) for entry in rooms]
    if len(set(room_ids)) != len(room_ids):
        refusals.append("同一考场不能重复安排。")
    found = {room.pk: room for room in Room.objects.filter(pk__in=room_ids)}
    staff_ids = {int(user_id) for entry in rooms for user_id in entry.get("staff_ids") or []}
    memberships = Membership.objects.active().filter(user_id__in=staff_ids, organization=exam_point)
    roles_of: dict[int, set[str]] = {}
    for user_id, role in memberships.values_list("user_id", "role"):
        roles_of.setdefault(user_id, set()).add(role)
    names = dict(
        Membership.objects.filter(user_id__in=staff_ids).values_list("user_id", "user__first_name")
    )
    for entry in rooms:
        room = found.get(int(entry["room_id"]))
        if room is None or room.organization_id != exam_point.pk:
            refusals.append(f"考场（编号 {entry['room_id']}）不是{exam_point.name}的考场。")
            continue
        if room.kind not in STAFF_ROLE:
            refusals.append(f"“{room.name}”是教室，不能用作考场。")
            continue
        wanted = STAFF_ROLE[room.kind]
        staff = []
        for user_id in dict.fromkeys(int(user_id) for user_id in entry.get("staff_ids") or []):
            if wanted not in roles_of.get(user_id, set()):
                who = names.get(user_id) or f"用户（编号 {user_id}）"
                refusals.append(
                    f"{who}不是{exam_point.name}的{STAFF_NAME[wanted]}，不能安排到“{room.name}”。"
                )
            else:
                staff.append(user_id)
        picked.append((room, staff))
    if not refusals and not any(room.kind == Room.Kind.THEORY for room, _ in picked):
        refusals.append("请至少选择一个理论考场（机房）。")
    return picked, refusals


def _series_for(category: PostCategory) -> str:
    if category.code == PostCategory.SPECIAL_OPERATOR:
        return Series.SPECIAL_OPERATOR
    return Series.HIGH_RISK_PRINCIPAL_MANAGER


def _series_refusal(row: ExamSession, category: PostCategory) -> str:
    if row.series == Series.ALL_POSTS or row.series == _series_for(category):
        return ""
    return f"该考试计划是{row.get_series_display()}的考试，不能安排{category.name}。"


@transaction.atomic
def session_schedule(
    *,
    actor: Actor,
    post_category: str,
    exam_type: str,
    registration_deadline: datetime,
    starts_at: datetime,
    rooms: Sequence[Mapping],
    theory_blueprint_id: int | None = None,
    row_id: int | None = None,
    exam_point_id: int | None = None,
    industry: str = "",
    items: Sequence[str] = (),
    practical_blueprint_id: int | None = None,
    plans: Sequence[Mapping] = (),
) -> ExamSession:
    """Publishes a session for applications: a row of the seed timetable (row_id) given its
    category, start and rooms, or a new session at one of the city's exam points.

    A special-operator session of several items gives `plans`, one per item: {item,
    theory_blueprint_id, practical_blueprint_id (optional)}; one item may instead come with the
    pair `theory_blueprint_id`/`practical_blueprint_id`. An industry's session gives the pair."""
    row: ExamSession | None = None
    exam_point: Organization | None
    if row_id is not None:
        row = _locked_session(actor, row_id)
        if row.starts_at is not None:
            raise Conflict("该考试已安排，如需变更请调整考试时间。")
        if row.status != rules.OPEN:
            raise Conflict(rules.SESSION.final.get(row.status, "该考试不能再安排。"))
        exam_point = row.exam_point
    else:
        if not actor.is_exam_center or actor.organization is None:
            raise PermissionDenied("只有考试中心可以安排考试。")
        points = Organization.objects.exam_points().filter(region_id__in=actor.region_codes)
        exam_point = points.filter(pk=exam_point_id).first() if exam_point_id else None
        if exam_point is None:
            raise NotFound("未找到该考试点，或不在您的管辖范围内。")
    entries = _plan_entries(
        post_category=post_category,
        items=items,
        plans=plans,
        theory_blueprint_id=theory_blueprint_id,
        practical_blueprint_id=practical_blueprint_id,
    )
    category, industry_row, item_rows = _subject(
        post_category, industry, [code for code, _, _ in entries if code]
    )
    refusals = []
    if exam_type not in ExamType.values:
        refusals.append("请选择考核类型。")
    now = timezone.now()
    if starts_at <= now:
        refusals.append("开考时间已过，不能安排在过去。")
    if registration_deadline > starts_at:
        refusals.append("报名截止时间不能晚于开考时间。")
    exam_date = timezone.localdate(starts_at)
    if row is not None:
        refusals.append(_series_refusal(row, category))
        if exam_date != row.exam_date:
            refusals.append(f"开考时间须在考试计划的考试日期（{row.exam_date:%Y-%m-%d}）当天。")
    by_code = {item.code: item for item in item_rows}
    chosen = []
    for code, theory_id, practical_id in entries:
        plan, plan_refusals = _plan_refusals(
            by_code.get(code),
            theory_id,
            practical_id,
            category=category,
            industry=industry_row,
            exam_type=exam_type,
        )
        chosen.append(plan)
        refusals += plan_refusals
    picked, room_refusals = _rooms_and_staff(exam_point, rooms)
    refusals += room_refusals
    if any(refusals):
        raise DomainError(*refusals)

    # An industry's session keeps its one pair; a special operators' has a plan per item.
    _, theory, practical = chosen[0] if industry_row else (None, None, None)
    fields = {
        "post_category": category,
        "industry": industry_row,
        "exam_type": exam_type,
        "registration_deadline": registration_deadline,
        "starts_at": starts_at,
        "theory_blueprint": theory,
        "practical_blueprint": practical,
        "seat_capacity": sum(room.seats for room, _ in picked if room.kind == Room.Kind.THEORY),
    }
    subject = "、".join(item.name for item in item_rows) or (
        industry_row.name if industry_row else ""
    )
    if row is None:
        session = ExamSession(
            city_id=exam_center_city(actor),
            exam_point=exam_point,
            year=exam_date.year,
            series=_series_for(category),
            category_text=f"{category.name}（{subject}）",
            training_types=[exam_type],
            exam_date=exam_date,
            **fields,
        )
    else:
        session = row
        for name, value in fields.items():
            setattr(session, name, value)
    with_change_reason(session, "安排考试")
    try:
        with transaction.atomic():
            session.save()
    except IntegrityError:
        raise Conflict(
            f"{exam_point.name}在{exam_date:%Y-%m-%d}已有同类别的考试，不能重复安排。"
        ) from None
    session.items.set(item_rows)
    if item_rows:
        SessionPlan.objects.bulk_create(
            SessionPlan(
                session=session, item=item, theory_blueprint=theory, practical_blueprint=practical
            )
            for item, theory, practical in chosen
        )
    for room, staff in picked:
        session_room = SessionRoom.objects.create(session=session, room=room)
        session_room.staff.set(staff)
    audit_record(
        Action.EXAM_SESSION_SCHEDULED,
        actor=actor,
        target=session,
        detail={
            "row": row_id,
            "post_category": category.code,
            "industry": industry_row.code if industry_row else None,
            "items": [item.code for item in item_rows],
            "exam_type": exam_type,
            "registration_deadline": registration_deadline.isoformat(),
            "starts_at": starts_at.isoformat(),
            "plans": {
                item.code if item else "": {
                    "theory_blueprint": theory.pk if theory else None,
                    "practical_blueprint": practical.pk if practical else None,
                }
                for item, theory, practical in chosen
            },
            "rooms": {room.pk: staff for room, staff in picked},
            "seat_capacity": session.seat_capacity,
        },
    )
    return session


# --- moving and cancelling --------------------------------------------------------------------


def _reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(f"请填写{what}的原因。")
    return reason


@transaction.atomic
def session_move(
    *,
    actor: Actor,
    session_id: int,
    exam_date: date,
    starts_at: datetime,
    deadline: datetime | None,
    reason: str,
) -> ExamSession:
    """Moves the session to another date, start or deadline (module docstring: what may move
    once seated); every applicant of an active application is told what changed and why."""
    session = _locked_session(actor, session_id)
    reason = _reason(reason, "调整考试时间")
    if session.starts_at is None and session.status == rules.OPEN:
        raise Conflict("该考试计划尚未安排，请先安排考试。")
    deadline = deadline if deadline is not None else session.registration_deadline
    before = {
        "exam_date": session.exam_date.isoformat(),
        "starts_at": session.starts_at.isoformat() if session.starts_at else None,
        "registration_deadline": (
            session.registration_deadline.isoformat() if session.registration_deadline else None
        ),
    }
    refusals = rules.move_refusals(
        status=session.status,
        deadline_changed=deadline != session.registration_deadline,
        starts_on_exam_date=timezone.localdate(starts_at) == exam_date,
        starts_in_future=starts_at > timezone.now(),
        deadline_before_start=deadline is None or deadline <= starts_at,
        changed=(exam_date, starts_at, deadline)
        != (session.exam_date, session.starts_at, session.registration_deadline),
    )
    if refusals:
        final = session.status not in (rules.OPEN, rules.SEATED)
        raise Conflict(*refusals) if final else DomainError(*refusals)
    old_start = session.starts_at
    session.exam_date, session.starts_at, session.registration_deadline = (
        exam_date,
        starts_at,
        deadline,
    )
    session.year = exam_date.year
    with_change_reason(session, reason)
    try:
        with transaction.atomic():
            session.save(update_fields=["exam_date", "starts_at", "registration_deadline", "year"])
    except IntegrityError:
        raise Conflict(
            f"{session.exam_point.name}在{exam_date:%Y-%m-%d}已有同类别的考试，不能调整到该日。"
        ) from None
    after = {
        "exam_date": exam_date.isoformat(),
        "starts_at": starts_at.isoformat(),
        "registration_deadline": deadline.isoformat() if deadline else None,
    }
    changes = [f"开考时间由 {_local(old_start)} 调整为 {_local(starts_at)}"] if old_start else []
    if after["registration_deadline"] != before["registration_deadline"] and deadline:
        changes.append(f"报名截止时间调整为 {_local(deadline)}")
    text = (
        f"您报名的{session.exam_point.name}考试（{session.category_text}）"
        f"{'，'.join(changes) or '时间已调整'}。原因：{reason}"
    )
    notified = applicants_notify(
        actor=actor,
        applications=session.applications.filter(status__in=ACTIVE).select_related("person"),
        text=text,
    )
    audit_record(
        Action.EXAM_SESSION_MOVED,
        actor=actor,
        target=session,
        detail={"before": before, "after": after, "reason": reason, "notified": notified},
    )
    return session


@transaction.atomic
def session_cancel(*, actor: Actor, session_id: int, reason: str) -> ExamSession:
    """Cancels the session: every active application is cancelled (the application machine's
    `cancel`), its seat released, and its applicant told why."""
    session = _locked_session(actor, session_id)
    reason = _reason(reason, "取消考试")
    transition_apply(
        session,
        rules.SESSION,
        "cancel",
        actor=actor,
        reason=reason,
        changes={"status_reason": reason},
    )
    applications = list(
        ExamApplication.objects.select_for_update()
        .filter(session=session, status__in=ACTIVE)
        .order_by("pk")
    )
    for application in applications:
        transition_apply(
            application,
            APPLICATION,
            "cancel",
            actor=actor,
            reason=reason,
            changes={"status_reason": reason[:500], "session_room": None, "seat_number": None},
        )
    if applications:
        seat_release(session.pk, len(applications))
    applicants_notify(
        actor=actor,
        applications=applications,
        text=f"您报名的{session.exam_point.name} {session.exam_date:%Y年%m月%d日}考试"
        f"（{session.category_text}）已取消，报名随之取消，请另行报名其他场次。原因：{reason}",
    )
    session.refresh_from_db()
    return session


@transaction.atomic
def session_finish(*, actor: Actor, session_id: int) -> ExamSession:
    """结束考试: the exam center closes a seated session once every seated candidate's theory
    has ended and every practical drawn is signed or absent; refused, with counts, before."""
    session = _locked_session(actor, session_id)
    seated = ExamApplication.objects.filter(session=session, status=APPROVED)
    attempts = Attempt.objects.filter(application__session=session).exclude(
        status__in=(Attempt.Status.VOIDED, Attempt.Status.SCHEDULED)
    )
    ended = attempts.exclude(status__in=attempt_rules.OPEN)
    refusals = (
        rules.finish_refusals(
            started=session.starts_at is not None and session.starts_at <= timezone.now(),
            sitting=attempts.filter(status__in=attempt_rules.OPEN).count(),
            unmarked=seated.exclude(pk__in=attempts.values("application_id")).count(),
            practical_pending=PracticalAssessment.objects.filter(
                application__session=session, status=PracticalAssessment.Status.DRAWN
            ).count(),
        )
        if session.status == rules.SEATED
        else []
    )
    if refusals:
        raise Conflict(*refusals)
    transition_apply(
        session,
        rules.SESSION,
        "finish",
        actor=actor,
        detail={"sat": ended.count(), "seated": seated.count()},
    )
    return session


# --- seating ----------------------------------------------------------------------------------


def _seating_guard(session: ExamSession) -> list[str]:
    refusals = []
    now = timezone.now()
    if session.starts_at is None:
        refusals.append("该考试计划尚未安排，请先安排考试。")
    elif any(plan.theory is None for plan in session_plans(session)):
        refusals.append("该考试还没有理论组卷方案：排考时为每位考生组卷，请先选择组卷方案。")
    if session.registration_deadline is None or now < session.registration_deadline:
        when = _local(session.registration_deadline) if session.registration_deadline else "—"
        refusals.append(f"报名截止（{when}）后才能排考。")
    pending = Counter(
        session.applications.filter(status__in=(SUBMITTED, RETURNED)).values_list(
            "status", flat=True
        )
    )
    if pending[SUBMITTED]:
        refusals.append(f"还有 {pending[SUBMITTED]} 份报名待审核，审核完毕后才能排考。")
    if pending[RETURNED]:
        refusals.append(f"还有 {pending[RETURNED]} 份报名退回修改中，处理完毕后才能排考。")
    return refusals


@transaction.atomic
def session_seat(*, actor: Actor, session_id: int) -> ExamSession:
    """Seats every approved candidate (rooms filled in order, seats from 1), gives each a
    ticket number (rules.sessions: city, day, exam point, sequence) and draws the papers."""
    session = _locked_session(actor, session_id)
    applications = list(
        ExamApplication.objects.select_for_update()
        .filter(session=session, status=APPROVED)
        .order_by("applied_at", "pk")
    )
    rooms = list(
        session.rooms.select_related("room")
        .filter(room__kind=Room.Kind.THEORY)
        .order_by("room__name", "pk")
    )
    seats = sum(entry.room.seats for entry in rooms)

    def guard():
        refusals = _seating_guard(session)
        if not refusals and not applications:
            refusals.append("没有审核通过的报名，无需排考；如不再举行，请取消考试。")
        if len(applications) > seats:
            refusals.append(f"审核通过 {len(applications)} 人，考场只有 {seats} 个座位。")
        return refusals

    # The exam point's row serialises the numbering of its tickets (two sessions of one day).
    Organization.objects.select_for_update().filter(pk=session.exam_point_id).first()
    day = session.exam_date.strftime("%y%m%d")
    prefix = rules.ticket_prefix(session.city_id, day, session.exam_point_id)
    last = ExamApplication.objects.filter(ticket_number__startswith=prefix).aggregate(
        last=Max("ticket_number")
    )["last"]
    last_sequence = int(last[len(prefix) :]) if last and last[len(prefix) :].isdigit() else 0
    plan = rules.seat_plan(
        [(entry.pk, entry.room.seats) for entry in rooms], [a.pk for a in applications]
    )
    numbers = rules.ticket_numbers(prefix, last_sequence, len(plan))
    transition_apply(
        session,
        rules.SESSION,
        "seat",
        actor=actor,
        guard=guard,
        detail={"seated": len(plan), "first_ticket": numbers[0] if numbers else None},
    )
    by_id = {application.pk: application for application in applications}
    for (application_id, room_id, seat), number in zip(plan, numbers, strict=True):
        application = by_id[application_id]
        application.session_room_id = room_id
        application.seat_number = seat
        application.ticket_number = number
    ExamApplication.objects.bulk_update(
        applications, ["session_room", "seat_number", "ticket_number"]
    )
    # The papers are drawn as the seats are given, not at the exam's first minute.
    papers_draw(actor=actor, session=session)
    return session

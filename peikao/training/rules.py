"""Pure policy of training: the state machines of plans and classes, the plan deadline, the
class-filing checks, and hours (学时).

Sources: 运城市通知 五 (开班前1个月上传培训计划); 忻州市通知 三、四 (开班备案, 联网监控,
学时不足取消考试资格); AQ 8011-2023 4.4.4 (学时 length and daily cap, configured as rule values).
"""

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal

from peikao.core.state_machine import StateMachine, Transition
from peikao.people.rules import add_months

# Plans: draft ──submit──▶ submitted ──approve──▶ approved
#                              └──return──▶ returned ──submit──▶ submitted
DRAFT, SUBMITTED, APPROVED, RETURNED = "draft", "submitted", "approved", "returned"
PLAN = StateMachine(
    noun="培训计划",
    states={DRAFT: "草稿", SUBMITTED: "待审核", APPROVED: "已通过", RETURNED: "已退回"},
    transitions=(
        Transition("submit", frozenset({DRAFT, RETURNED}), SUBMITTED, "plan.submitted", "提交"),
        Transition("approve", frozenset({SUBMITTED}), APPROVED, "plan.approved", "审核通过"),
        Transition("return", frozenset({SUBMITTED}), RETURNED, "plan.returned", "退回"),
    ),
)
PLAN_EDITABLE = frozenset({DRAFT, RETURNED})

# Classes: filed ──start──▶ in_progress ──finish──▶ finished ──archive──▶ archived (final);
# the regulator suspends a filed or running class with a reason and may resume it.
FILED, IN_PROGRESS, FINISHED, ARCHIVED, CLASS_SUSPENDED = (
    "filed",
    "in_progress",
    "finished",
    "archived",
    "suspended",
)
CLASS = StateMachine(
    noun="培训班",
    states={
        FILED: "已备案",
        IN_PROGRESS: "培训中",
        FINISHED: "已结业",
        ARCHIVED: "已归档",
        CLASS_SUSPENDED: "已叫停",
    },
    transitions=(
        Transition("start", frozenset({FILED}), IN_PROGRESS, "class.started", "开始培训"),
        Transition("finish", frozenset({IN_PROGRESS}), FINISHED, "class.finished", "结业"),
        Transition("archive", frozenset({FINISHED}), ARCHIVED, "class.archived", "归档"),
        Transition(
            "suspend", frozenset({FILED, IN_PROGRESS}), CLASS_SUSPENDED, "class.suspended", "叫停"
        ),
        Transition("resume", frozenset({CLASS_SUSPENDED}), FILED, "class.resumed", "恢复"),
    ),
    final={ARCHIVED: "该培训班已归档，档案已冻结，不能再变更。"},
)
CLASS_STATUS_NAMES = CLASS.states

# A class archive's ZIP, written after the class is archived:
# building ──build──▶ built (final); building ──fail──▶ failed ──retry──▶ building.
ARCHIVE_BUILDING, ARCHIVE_BUILT, ARCHIVE_FAILED = "building", "built", "failed"
ARCHIVE_BUILD = StateMachine(
    noun="归档包",
    states={ARCHIVE_BUILDING: "生成中", ARCHIVE_BUILT: "已生成", ARCHIVE_FAILED: "生成失败"},
    transitions=(
        Transition(
            "build",
            frozenset({ARCHIVE_BUILDING}),
            ARCHIVE_BUILT,
            "class_archive.built",
            "生成归档包",
        ),
        Transition(
            "fail",
            frozenset({ARCHIVE_BUILDING}),
            ARCHIVE_FAILED,
            "class_archive.failed",
            "归档包生成失败",
        ),
        Transition(
            "retry",
            frozenset({ARCHIVE_FAILED}),
            ARCHIVE_BUILDING,
            "class_archive.retried",
            "重新生成归档包",
        ),
    ),
    final={ARCHIVE_BUILT: "归档包已经生成，不能再变更。"},
)
# What a class accepts in each state: enrolments before it ends, attendance while it runs.
ENROLMENT_OPEN = frozenset({FILED, IN_PROGRESS})
ATTENDANCE_OPEN = frozenset({FILED, IN_PROGRESS})

# Enrolments: enrolled ──withdraw──▶ withdrawn ──reenrol──▶ enrolled; at 结业 each enrolled
# trainee is decided: ──complete──▶ completed or ──fail──▶ not_completed (both final).
ENROLLED, COMPLETED, NOT_COMPLETED, WITHDRAWN = (
    "enrolled",
    "completed",
    "not_completed",
    "withdrawn",
)
ENROLMENT = StateMachine(
    noun="学员",
    states={ENROLLED: "在训", COMPLETED: "已结业", NOT_COMPLETED: "未结业", WITHDRAWN: "已退出"},
    transitions=(
        Transition("withdraw", frozenset({ENROLLED}), WITHDRAWN, "enrolment.withdrawn", "退出"),
        Transition("reenrol", frozenset({WITHDRAWN}), ENROLLED, "enrolment.created", "重新报名"),
        Transition("complete", frozenset({ENROLLED}), COMPLETED, "enrolment.completed", "结业"),
        Transition(
            "fail", frozenset({ENROLLED}), NOT_COMPLETED, "enrolment.not_completed", "未结业"
        ),
    ),
    final={
        COMPLETED: "该学员已结业，不能再变更。",
        NOT_COMPLETED: "该学员未达到结业要求，培训班已结业，不能再变更。",
    },
)


@dataclass(frozen=True)
class Outcome:
    """A trainee's outcome at 结业: the transition to take and what falls short, if anything."""

    transition: str
    shortfalls: tuple[str, ...] = ()


def enrolment_outcome(
    *, hours: Decimal, required_hours: Decimal, missing_documents: list[str]
) -> Outcome:
    """Completed when the hours reach the syllabus and every required document is present;
    otherwise not completed, with what is short (忻州市通知 四: 学时不足取消考试资格)."""
    shortfalls = []
    if hours < required_hours:
        shortfalls.append(
            f"学时不足：已获{show_hours(hours)}学时，大纲规定{show_hours(required_hours)}学时"
        )
    if missing_documents:
        shortfalls.append("缺少材料：" + "、".join(missing_documents))
    return Outcome("fail" if shortfalls else "complete", tuple(shortfalls))


def frozen_class_error(status: str) -> str:
    """'' while the class's roster, documents and attendance may still change."""
    if status == ARCHIVED:
        return "该培训班已归档，档案已冻结，不能再修改。"
    return ""


def show_hours(value: Decimal) -> str:
    """10.00 → "10", 5.30 → "5.3": how a clerk writes 学时."""
    return f"{Decimal(value).normalize():f}"


def hours_of(minutes: int, minutes_per_hour: Decimal) -> Decimal:
    """学时 for a stretch of minutes, rounded down to a tenth (a part 学时 is not rounded up)."""
    return (Decimal(minutes) / minutes_per_hour).quantize(Decimal("0.1"), rounding=ROUND_DOWN)


@dataclass(frozen=True)
class Interval:
    starts_at: datetime
    ends_at: datetime

    def overlap_minutes(self, other: "Interval") -> int:
        start = max(self.starts_at, other.starts_at)
        end = min(self.ends_at, other.ends_at)
        return max(0, int((end - start).total_seconds() // 60))


def plan_deadline(class_start: date, lead_months: int) -> date:
    """The last day a planned class may be submitted: lead_months before it opens."""
    return add_months(class_start, -lead_months)


@dataclass(frozen=True)
class PlannedSession:
    """A timetable session as filed: the ids stand for a teacher and a room."""

    starts_at: datetime
    ends_at: datetime
    teacher_id: int
    room_id: int
    topic: str = ""

    @property
    def interval(self) -> Interval:
        return Interval(self.starts_at, self.ends_at)

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


def timetable_errors(
    sessions: list[PlannedSession],
    *,
    now: datetime,
    minutes_per_hour: Decimal,
    daily_cap: Decimal,
    required_hours: Decimal,
) -> list[str]:
    """What is wrong with a timetable on its own: order, the past, the daily cap, the syllabus
    hours, and a teacher or room booked twice within it."""
    if not sessions:
        return ["课程表为空，请至少安排一次课。"]
    errors = []
    for number, session in enumerate(sessions, start=1):
        if session.ends_at <= session.starts_at:
            errors.append(f"第{number}次课的结束时间须晚于开始时间。")
        elif session.starts_at.date() != session.ends_at.date():
            errors.append(f"第{number}次课不能跨日。")
        if session.starts_at <= now:
            errors.append(f"第{number}次课（{session.starts_at:%Y-%m-%d %H:%M}）的开始时间已过。")
        if not session.topic.strip():
            errors.append(f"第{number}次课未填写授课内容。")
    errors += _daily_cap_errors(sessions, minutes_per_hour, daily_cap)
    total = timetable_hours(sessions, minutes_per_hour)
    if total < required_hours:
        errors.append(
            f"课程表共{show_hours(total)}学时，少于大纲规定的{show_hours(required_hours)}学时。"
        )
    errors += _internal_double_bookings(sessions)
    return errors


def session_hours(session: PlannedSession, minutes_per_hour: Decimal) -> Decimal:
    return hours_of(max(session.minutes, 0), minutes_per_hour)


def timetable_hours(sessions: list[PlannedSession], minutes_per_hour: Decimal) -> Decimal:
    return sum((session_hours(s, minutes_per_hour) for s in sessions), Decimal(0))


def _daily_cap_errors(
    sessions: list[PlannedSession], minutes_per_hour: Decimal, daily_cap: Decimal
) -> list[str]:
    per_day: dict[date, Decimal] = {}
    for session in sessions:
        day = session.starts_at.date()
        per_day[day] = per_day.get(day, Decimal(0)) + session_hours(session, minutes_per_hour)
    return [
        f"{day:%Y-%m-%d}排课{show_hours(hours)}学时，超过每日上限{show_hours(daily_cap)}学时。"
        for day, hours in sorted(per_day.items())
        if hours > daily_cap
    ]


def _internal_double_bookings(sessions: list[PlannedSession]) -> list[str]:
    errors = []
    for i, first in enumerate(sessions):
        for j in range(i + 1, len(sessions)):
            second = sessions[j]
            if first.interval.overlap_minutes(second.interval) <= 0:
                continue
            if first.teacher_id == second.teacher_id:
                errors.append(f"第{i + 1}次课与第{j + 1}次课时间重叠，同一教师不能同时授课。")
            if first.room_id == second.room_id:
                errors.append(f"第{i + 1}次课与第{j + 1}次课时间重叠，同一教室不能同时使用。")
    return errors


def capacity_errors(capacity: int, *, size_limit: int, room_seats: dict[str, int]) -> list[str]:
    """The class may not be larger than the limit, nor than any room it is taught in."""
    if capacity <= 0:
        return ["班级人数须大于0。"]
    errors = []
    if capacity > size_limit:
        errors.append(f"班级人数{capacity}人，超过每班{size_limit}人的上限。")
    for room_name, seats in room_seats.items():
        if capacity > seats:
            errors.append(f"班级人数{capacity}人，超过教室“{room_name}”的{seats}个座位。")
    return errors


# A terminal may record a check-in this long before a session starts and a check-out this long
# after it ends; anything further away belongs to no session.
ATTENDANCE_WINDOW_MINUTES = 30


# A terminal's report: received ──record──▶ recorded, or ──refuse──▶ refused; both final.
RECEIVED, RECORDED, REFUSED = "received", "recorded", "refused"
DEVICE_REPORT = StateMachine(
    noun="终端考勤上报",
    states={RECEIVED: "已接收", RECORDED: "已计入", REFUSED: "已拒绝"},
    transitions=(
        Transition("record", frozenset({RECEIVED}), RECORDED, "attendance.recorded", "计入考勤"),
        Transition("refuse", frozenset({RECEIVED}), REFUSED, "attendance.refused", "拒绝"),
    ),
    final={
        RECORDED: "该上报已计入考勤，不能再变更。",
        REFUSED: "该上报已被拒绝，不能再变更。",
    },
)


def within_attendance_window(occurred_at: datetime, session: Interval) -> bool:
    margin = timedelta(minutes=ATTENDANCE_WINDOW_MINUTES)
    return session.starts_at - margin <= occurred_at <= session.ends_at + margin


def device_report_deadline(session: Interval, late_minutes: int) -> datetime:
    """The last moment a terminal's report of the session is taken: its attendance window's
    close, plus the minutes a terminal may be late sending (offline, queued). A report that
    arrives after this is refused; a clerk may still record the event by hand with a reason."""
    return session.ends_at + timedelta(minutes=ATTENDANCE_WINDOW_MINUTES + late_minutes)


# No day of training keeps a trainee in the classroom longer: a check-in older than this when
# the next event comes was never closed, and a check-out of the next day does not close it.
LONGEST_PRESENCE = timedelta(hours=14)


def presence_intervals(events: list[tuple[datetime, str]]) -> list[Interval]:
    """Presence from each check-in to the next check-out; repeated check-ins keep the first,
    and a check-in never followed by a check-out the same day counts for nothing (the hours
    must be proved at both ends): a missing check-out of one afternoon must not be closed by
    the next morning's, which would count the night."""
    intervals = []
    started: datetime | None = None
    for occurred_at, direction in sorted(events):
        if started is not None and occurred_at - started > LONGEST_PRESENCE:
            started = None
        if direction == "in" and started is None:
            started = occurred_at
        elif direction == "out" and started is not None:
            intervals.append(Interval(started, occurred_at))
            started = None
    return intervals


def attended_minutes(presence: list[Interval], session: Interval) -> int:
    return sum(interval.overlap_minutes(session) for interval in presence)


def attended_minutes_each(presence: list[Interval], sessions: list[Interval]) -> list[int]:
    """attended_minutes for each session, reading only the presence that can overlap it:
    presence as presence_intervals gives it (in order, one interval ending before the next
    starts), for a sheet of a whole class."""
    ends = [interval.ends_at for interval in presence]
    minutes = []
    for session in sessions:
        total = 0
        for interval in presence[bisect_right(ends, session.starts_at) :]:
            if interval.starts_at >= session.ends_at:
                break
            total += interval.overlap_minutes(session)
        minutes.append(total)
    return minutes


def earned_hours(
    sessions: list[tuple[Interval, Decimal]],
    presence: list[Interval],
    *,
    minutes_per_hour: Decimal,
    daily_cap: Decimal,
) -> Decimal:
    """学时 earned: the overlap of presence with each session, never more than the session's
    own hours, with each day capped. Only classroom presence counts: online study never
    replaces offline training."""
    per_day: dict[date, Decimal] = {}
    for interval, session_hours_value in sessions:
        earned = min(
            hours_of(attended_minutes(presence, interval), minutes_per_hour), session_hours_value
        )
        day = interval.starts_at.date()
        per_day[day] = per_day.get(day, Decimal(0)) + earned
    return sum((min(hours, daily_cap) for hours in per_day.values()), Decimal(0))


def presence_overlaps(first: list[Interval], second: list[Interval]) -> bool:
    """Whether a person was present in two places at the same time."""
    return any(a.overlap_minutes(b) > 0 for a in first for b in second)


def days_outside(days: Iterable[date], first: date, last: date) -> list[date]:
    """The days that fall outside [first, last]: a class keeps to the dates of its approved
    plan line (运城市通知 五: the plan approved by the regulator is what the class follows)."""
    return sorted(day for day in set(days) if not first <= day <= last)

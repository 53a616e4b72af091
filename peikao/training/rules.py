"""Pure policy of training: the state machines of plans and classes, the plan deadline, the
class-filing checks, and hours (学时).

Sources: 运城市通知 五 (开班前1个月上传培训计划); 忻州市通知 三、四 (开班备案, 联网监控,
学时不足取消考试资格); AQ 8011-2023 4.4.4 (学时 length and daily cap, configured as rule values).
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_DOWN, Decimal

from peikao.people.rules import add_months

# Plans: draft ──submit──▶ submitted ──approve──▶ approved
#                              └──return──▶ returned ──submit──▶ submitted
DRAFT, SUBMITTED, APPROVED, RETURNED = "draft", "submitted", "approved", "returned"
PLAN_TRANSITIONS = {
    (DRAFT, SUBMITTED): "plan.submitted",
    (RETURNED, SUBMITTED): "plan.submitted",
    (SUBMITTED, APPROVED): "plan.approved",
    (SUBMITTED, RETURNED): "plan.returned",
}
PLAN_STATUS_NAMES = {DRAFT: "草稿", SUBMITTED: "待审核", APPROVED: "已通过", RETURNED: "已退回"}
PLAN_EDITABLE = frozenset({DRAFT, RETURNED})

# Classes: filed ──start──▶ in_progress ──finish──▶ finished ──archive──▶ archived (final);
# the regulator suspends a filed or running class with a reason and may lift the suspension.
FILED, IN_PROGRESS, FINISHED, ARCHIVED, CLASS_SUSPENDED = (
    "filed",
    "in_progress",
    "finished",
    "archived",
    "suspended",
)
CLASS_TRANSITIONS = {
    (FILED, IN_PROGRESS): "class.started",
    (IN_PROGRESS, FINISHED): "class.finished",
    (FINISHED, ARCHIVED): "class.archived",
    (FILED, CLASS_SUSPENDED): "class.suspended",
    (IN_PROGRESS, CLASS_SUSPENDED): "class.suspended",
    (CLASS_SUSPENDED, FILED): "class.resumed",
}
CLASS_STATUS_NAMES = {
    FILED: "已备案",
    IN_PROGRESS: "培训中",
    FINISHED: "已结业",
    ARCHIVED: "已归档",
    CLASS_SUSPENDED: "已叫停",
}
# What a class accepts in each state: enrolments before it ends, attendance while it runs.
ENROLMENT_OPEN = frozenset({FILED, IN_PROGRESS})
ATTENDANCE_OPEN = frozenset({FILED, IN_PROGRESS})


def _transition_error(
    transitions: dict, names: dict[str, str], current: str, target: str, noun: str
) -> str:
    if (current, target) in transitions:
        return ""
    if current == target:
        return f"该{noun}已经是“{names.get(current, current)}”状态。"
    return f"{noun}不能从“{names.get(current, current)}”变为“{names.get(target, target)}”。"


def plan_transition_error(current: str, target: str) -> str:
    """'' when the plan may make this change, else why not, in Chinese."""
    return _transition_error(PLAN_TRANSITIONS, PLAN_STATUS_NAMES, current, target, "培训计划")


def class_transition_error(current: str, target: str) -> str:
    """'' when the class may make this change, else why not, in Chinese."""
    if current == ARCHIVED and target != ARCHIVED:
        return "该培训班已归档，档案已冻结，不能再变更。"
    return _transition_error(CLASS_TRANSITIONS, CLASS_STATUS_NAMES, current, target, "培训班")


def frozen_class_error(status: str) -> str:
    """'' while the class's roster, documents and attendance may still change."""
    if status == ARCHIVED:
        return "该培训班已归档，档案已冻结，不能再修改。"
    return ""


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

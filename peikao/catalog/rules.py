"""Rule values as data: which value applies to a place on a day.

DOMAIN.md: "the most specific rule in force on the day applies" (city over province over nation).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

SCOPE_RANK = {"city": 0, "province": 1, "nation": 2}


@dataclass(frozen=True)
class RuleCandidate:
    scope: str
    region_code: str | None
    effective_from: date
    value: Decimal
    ref: object = None  # whatever the caller needs back, e.g. the row


def applicable_value(
    candidates: list[RuleCandidate],
    *,
    city_code: str | None,
    province_code: str | None,
    on_date: date,
) -> RuleCandidate | None:
    """The candidate of the most specific scope covering the place, latest in force on the day."""
    covering = [
        c
        for c in candidates
        if c.effective_from <= on_date
        and (
            c.scope == "nation"
            or (c.scope == "province" and c.region_code == province_code)
            or (c.scope == "city" and c.region_code == city_code)
        )
    ]
    if not covering:
        return None
    return min(covering, key=lambda c: (SCOPE_RANK[c.scope], -c.effective_from.toordinal()))


# The rules the system knows, with their Chinese names and units. Subjects narrow a rule to a
# population ("principal_manager.high_risk") or a catalogue item ("item:1.2").
RULE_DEFINITIONS: dict[str, tuple[str, str]] = {
    "training_hours_initial": ("初训学时", "学时"),
    "training_hours_refresher": ("复训学时", "学时"),
    "certificate_validity_years": ("证书有效期", "年"),
    "review_interval_years": ("复审周期", "年"),
    "pass_mark": ("合格分数线", "分"),
    "retakes_allowed": ("补考次数", "次"),
    "pass_validity_months": ("考试合格成绩有效期", "月"),
    "class_hour_minutes": ("每学时时长", "分钟"),
    "daily_hour_cap": ("每日学时上限", "学时"),
    "class_size_limit": ("每班人数上限", "人"),
    "archive_retention_years": ("档案保存期限", "年"),
    "plan_lead_months": ("培训计划提前上传月数", "月"),
    "monitoring_heartbeat_window_minutes": ("监控心跳超时", "分钟"),
}


def rule_label(key: str) -> str:
    return RULE_DEFINITIONS.get(key, (key, ""))[0]


def rule_unit(key: str) -> str:
    return RULE_DEFINITIONS.get(key, ("", ""))[1]


# The populations a rule value may be narrowed to (the `subject` of a RuleValue).
RULE_SUBJECT_LABELS = {
    "": "通用",
    "principal_manager": "主要负责人、安全管理人员",
    "principal_manager.general": "一般行业主要负责人、安全管理人员",
    "principal_manager.high_risk": "高危行业主要负责人、安全管理人员",
    "special_operator": "特种作业人员",
    "exam_video": "考试视频",
}
OPERATION_ITEM_SUBJECT_PREFIX = "item:"


def rule_subject_label(subject: str) -> str:
    if subject.startswith(OPERATION_ITEM_SUBJECT_PREFIX):
        return f"特种作业项目 {subject.removeprefix(OPERATION_ITEM_SUBJECT_PREFIX)}"
    return RULE_SUBJECT_LABELS.get(subject, subject)


def rule_subject_choices() -> list[tuple[str, str]]:
    """The named subjects a new rule value may be given (a blank subject means all)."""
    return [(subject, label) for subject, label in RULE_SUBJECT_LABELS.items() if subject]

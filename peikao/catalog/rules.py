"""Rule values as data: which value applies to a place on a day.

DOMAIN.md: "the most specific rule in force on the day applies" (city over province over nation).
"""

from collections.abc import Collection
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


# Which subjects each rule is read for; ITEMS stands for every catalogue item ("item:1.2").
ITEMS = "item"
RULE_SUBJECTS: dict[str, tuple[str, ...]] = {
    "training_hours_initial": (
        "principal_manager.general",
        "principal_manager.high_risk",
        "special_operator",
        ITEMS,
    ),
    "training_hours_refresher": (
        "principal_manager.general",
        "principal_manager.high_risk",
        "special_operator",
        ITEMS,
    ),
    "certificate_validity_years": ("principal_manager", "special_operator"),
    "review_interval_years": ("special_operator",),
    "archive_retention_years": ("principal_manager", "special_operator", "exam_video"),
}


def allowed_subjects(key: str) -> tuple[str, ...]:
    """The subjects a value of this rule may be given; "" (通用) for the rules read for all."""
    return RULE_SUBJECTS.get(key, ("",))


def subject_error(key: str, subject: str, item_codes: Collection[str]) -> str:
    """Why a value of `key` may not be given this subject ('' when it may): a subject the
    system never reads for that rule would be stored and never apply."""
    allowed = allowed_subjects(key)
    if subject.startswith(OPERATION_ITEM_SUBJECT_PREFIX):
        code = subject.removeprefix(OPERATION_ITEM_SUBJECT_PREFIX)
        if ITEMS in allowed and code in item_codes:
            return ""
    elif subject in allowed:
        return ""
    names = ["各特种作业项目" if s == ITEMS else RULE_SUBJECT_LABELS.get(s, s) for s in allowed]
    return f"“{rule_label(key)}”的适用对象只能是：{'、'.join(names)}，请从列表中选择。"

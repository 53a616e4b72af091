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


@dataclass(frozen=True)
class RuleDefinition:
    """A rule the system knows: its Chinese name and unit, and the whole numbers it may take."""

    label: str
    unit: str
    minimum: int
    maximum: int


# The rules the system knows. Subjects narrow a rule to a population
# ("principal_manager.high_risk") or a catalogue item ("item:1.2"). Every value is a whole
# number of its unit; the bounds keep out what no rule of law allows and what would stop the
# system (0 minutes a 学时 is divided by). Where they come from (DOMAIN.md, with its sources):
RULE_DEFINITIONS: dict[str, RuleDefinition] = {
    # No national figure for special operators (the syllabi set them per item): at least one
    # day at the 8-学时 daily cap, as long as a review training (令30号 第23条); at most a month of
    # full days. Principals and managers: see SUBJECT_MINIMUMS.
    "training_hours_initial": RuleDefinition("初训学时", "学时", 8, 240),
    # 令30号 第23条: at least 8 before a review; at most ten full days.
    "training_hours_refresher": RuleDefinition("复训学时", "学时", 8, 80),
    # 6 years (令30号 第19条) and 3 years (暂行办法 第28条); room for a revision, never 0.
    "certificate_validity_years": RuleDefinition("证书有效期", "年", 1, 10),
    # 令30号 第21条: every 3 years, extended to every 6, never beyond the certificate's 6 years.
    "review_interval_years": RuleDefinition("复审周期", "年", 1, 6),
    # 令30号 第22条: a review is applied for in the 60 days before it; 暂行办法 第28条: a
    # competence certificate's renewal 30 days before its end. At most half a year ahead.
    "review_window_days": RuleDefinition("复审（换证）申请提前天数", "天", 1, 180),
    # 令30号 第26条: not reviewed on time, the certificate is invalid. How long the clerks take
    # to confirm it after the date differs by place; at most a quarter.
    "review_grace_days": RuleDefinition("逾期未复审认定失效期限", "天", 0, 90),
    # 暂行办法: 80 of 100 for each exam; a province or city may be stricter, not more lenient.
    "pass_mark": RuleDefinition("合格分数线", "分", 80, 100),
    # 令30号 第13条: one retake; after that, training again.
    "retakes_allowed": RuleDefinition("补考次数", "次", 0, 1),
    # 暂行办法: a pass counts for 12 months, not longer.
    "pass_validity_months": RuleDefinition("考试合格成绩有效期", "月", 1, 12),
    # AQ 8011-2023 4.4.4 as reported (45 minutes, unverified): a class period of 40 to 60
    # minutes; a value outside is a typing error, and 0 is divided by.
    "class_hour_minutes": RuleDefinition("每学时时长", "分钟", 40, 60),
    # 8 by default (AQ 8011-2023 4.4.4, unverified); 12 学时 is already a twelve-hour day.
    "daily_hour_cap": RuleDefinition("每日学时上限", "学时", 1, 12),
    # AQ/T 8011-2016: 60 trainees at once; the historic municipal cap was 100 a class.
    "class_size_limit": RuleDefinition("每班人数上限", "人", 1, 100),
    # At least the certificate's validity (忻应急发〔2024〕26号 四) and 3 years of exam video
    # (暂行办法 第17条); 30 years is the archives' 长期. Special operators: SUBJECT_MINIMUMS.
    "archive_retention_years": RuleDefinition("档案保存期限", "年", 3, 30),
    # The Shanxi system's one month before a class opens (运城市通知 五); at most half a year.
    "plan_lead_months": RuleDefinition("培训计划提前上传月数", "月", 1, 6),
    # A room silent for longer than an hour is not networked monitoring (忻州市通知 三).
    "monitoring_heartbeat_window_minutes": RuleDefinition("监控心跳超时", "分钟", 1, 60),
}

# Minimums the law sets for one population, above the rule's own: 令3号 第9条 for principals
# and managers (32/12 general, 48/16 high-risk), the certificate's 6 years for special
# operators' archives (忻应急发〔2024〕26号 四).
SUBJECT_MINIMUMS: dict[tuple[str, str], int] = {
    ("training_hours_initial", "principal_manager.general"): 32,
    ("training_hours_initial", "principal_manager.high_risk"): 48,
    ("training_hours_refresher", "principal_manager.general"): 12,
    ("training_hours_refresher", "principal_manager.high_risk"): 16,
    ("archive_retention_years", "special_operator"): 6,
}


def correctable(effective_from: date, *, today: date) -> bool:
    """A value may be corrected while no past day has used it: a value in force before today
    has been applied to attendance, hours and exams, and what applied then stays readable."""
    return effective_from >= today


def rule_label(key: str) -> str:
    definition = RULE_DEFINITIONS.get(key)
    return definition.label if definition else key


def rule_unit(key: str) -> str:
    definition = RULE_DEFINITIONS.get(key)
    return definition.unit if definition else ""


def rule_bounds(key: str, subject: str) -> tuple[int, int]:
    """The least and the greatest value of the rule for this subject."""
    definition = RULE_DEFINITIONS[key]
    return SUBJECT_MINIMUMS.get((key, subject), definition.minimum), definition.maximum


def value_error(key: str, subject: str, value: Decimal) -> str:
    """Why `value` may not be a value of the rule ('' when it may, or the rule is unknown)."""
    if key not in RULE_DEFINITIONS:
        return ""
    low, high = rule_bounds(key, subject)
    if value == value.to_integral_value() and low <= value <= high:
        return ""
    shown = f"{value.normalize():f}"
    return (
        f"“{rule_label(key)}”的取值应为{low}至{high}{rule_unit(key)}之间的整数"
        f"（含{low}和{high}），{shown}不在此范围内。"
    )


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
    "review_window_days": ("principal_manager", "special_operator"),
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

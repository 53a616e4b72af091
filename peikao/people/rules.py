"""Eligibility to train and sit the exam (报考条件): pure rules, each refusal with its source.

Sources: 特种作业人员安全技术培训考核管理规定 (令30号) 第四条、第三十条; the 2024 NPC Standing
Committee decision on the statutory retirement age; annex 1 of the Yuncheng notice (the seed's
stricter coal-mine and hazardous-chemical rules).
"""

from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum


class Education(IntEnum):
    """Levels in order; 中专, 技校 and 职高 count as 高中 level (相当于高中)."""

    PRIMARY = 1  # 小学
    JUNIOR_HIGH = 2  # 初中
    SENIOR_HIGH = 3  # 高中、中专、技校、职高
    JUNIOR_COLLEGE = 4  # 大专
    BACHELOR = 5  # 本科
    POSTGRADUATE = 6  # 研究生


EDUCATION_NAMES = {
    Education.PRIMARY: "小学",
    Education.JUNIOR_HIGH: "初中",
    Education.SENIOR_HIGH: "高中（中专、技校、职高）",
    Education.JUNIOR_COLLEGE: "大专",
    Education.BACHELOR: "本科",
    Education.POSTGRADUATE: "研究生",
}


# The 2024 decision: from 2025-01-01 the age rises one month every `step` birth months, from
# the first birth month affected, until `extra_months` are reached.
@dataclass(frozen=True)
class RetirementSchedule:
    base_years: int
    first_birth_month: tuple[int, int]  # (year, month) of the first birth month affected
    step_months: int
    extra_months: int


RETIREMENT_SCHEDULES = {
    "male": RetirementSchedule(60, (1965, 1), 4, 36),
    "female_cadre": RetirementSchedule(55, (1970, 1), 4, 36),
    "female_worker": RetirementSchedule(50, (1975, 1), 2, 60),
}


def retirement_age_months(birth_date: date, sex: str, female_post: str = "worker") -> int:
    """The statutory retirement age in months for this birth date, sex ("M"/"F") and, for
    women, post type ("cadre" or "worker")."""
    key = "male" if sex == "M" else f"female_{female_post}"
    schedule = RETIREMENT_SCHEDULES[key]
    first_year, first_month = schedule.first_birth_month
    months_after = (birth_date.year - first_year) * 12 + (birth_date.month - first_month)
    delay = (
        0
        if months_after < 0
        else min(schedule.extra_months, months_after // schedule.step_months + 1)
    )
    return schedule.base_years * 12 + delay


def add_months(day: date, months: int) -> date:
    """The same day of the month, months later (the last day when the month is shorter).

    民法典 第二百零二条: a period in months or years ends on the corresponding day of the last
    month, or on its last day when it has none; so someone born on 29 February turns 18 on
    28 February of a common year.
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, candidate_day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def retirement_date(birth_date: date, sex: str, female_post: str = "worker") -> date:
    return add_months(birth_date, retirement_age_months(birth_date, sex, female_post))


def eighteenth_birthday(birth_date: date) -> date:
    return add_months(birth_date, 18 * 12)


@dataclass(frozen=True)
class Refusal:
    reason: str  # in Chinese, for the clerk and the applicant
    source: str  # the rule and article behind it


@dataclass(frozen=True)
class Decision:
    refusals: list[Refusal] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return not self.refusals


@dataclass(frozen=True)
class Applicant:
    birth_date: date
    sex: str
    education: Education
    female_post: str = "worker"
    education_related_to_coal: bool = False
    education_chemical: bool = False  # 化工类 education (vocational or higher)
    education_chemistry_or_safety: bool = False  # 化学、化工、安全等相关专业
    chemical_intermediate_title: bool = False  # 化工类中级及以上职称
    coal_mine_work_months: int = 0
    fraud_revocation_date: date | None = None  # certificate revoked for deception or bribery
    open_violations: int = 0  # 三违 records whose special retraining is not finished


@dataclass(frozen=True)
class Target:
    """What the applicant applies for."""

    post: str  # principal, safety_manager or special_operator
    item_code: str = ""  # e.g. "5.9" for special operators
    major_hazard_or_key_process: bool = False  # 重大危险源、重点监管危险化工工艺
    explosive_chemicals: bool = False  # 爆炸危险性化学品
    hazardous_chemical_key_unit: bool = False  # 两重点一重大 units (for principals, managers)


COAL_WORK_MONTHS = {"5.9": 36}  # 防突作业: 3 years; other coal items 2 years
DEFAULT_COAL_WORK_MONTHS = 24
FRAUD_BAN_YEARS = 3
ARTICLE_4 = "令30号 第四条"
SEED_ANNEX_1 = "运城市通知 附件1"


def _category(item_code: str) -> str:
    return item_code.split(".")[0] if item_code else ""


def check_eligibility(applicant: Applicant, target: Target, on_date: date) -> Decision:
    refusals = [
        *_age(applicant, on_date),
        *_education(applicant, target),
        *_history(applicant, on_date),
    ]
    return Decision(refusals)


def _age(applicant: Applicant, on_date: date) -> list[Refusal]:
    if on_date < eighteenth_birthday(applicant.birth_date):
        return [
            Refusal(
                f"未满18周岁（{eighteenth_birthday(applicant.birth_date)}年满18周岁）。",
                f"{ARTICLE_4}第一项",
            )
        ]
    retires = retirement_date(applicant.birth_date, applicant.sex, applicant.female_post)
    if on_date >= retires:
        return [
            Refusal(
                f"已达到法定退休年龄（{retires}）。",
                f"{ARTICLE_4}第一项；全国人大常委会关于实施渐进式延迟法定退休年龄的决定",
            )
        ]
    return []


def _education(applicant: Applicant, target: Target) -> list[Refusal]:
    category = _category(target.item_code)
    level = applicant.education
    refusals = []
    if target.post == "special_operator":
        if level < Education.JUNIOR_HIGH:
            refusals.append(Refusal("文化程度应为初中及以上。", f"{ARTICLE_4}第三项"))
        elif category in {"5", "9"} and level < Education.SENIOR_HIGH:
            refusals.append(
                Refusal(
                    "危险化学品、煤矿特种作业人员应具备高中或者相当于高中及以上文化程度。",
                    f"{ARTICLE_4}第二款",
                )
            )
        if category == "5":
            refusals += _coal(applicant, target)
        if category == "9":
            refusals += _hazardous_chemical_operator(applicant, target)
    elif target.hazardous_chemical_key_unit and not (
        (level >= Education.JUNIOR_COLLEGE and applicant.education_chemistry_or_safety)
        or applicant.chemical_intermediate_title
    ):
        refusals.append(
            Refusal(
                "该危险化学品生产经营单位的主要负责人、分管负责人和安全生产管理人员须具备化学、化工、安全等"
                "相关专业大专及以上学历或化工类中级及以上职称。",
                SEED_ANNEX_1,
            )
        )
    return refusals


def _coal(applicant: Applicant, target: Target) -> list[Refusal]:
    refusals = []
    if not (applicant.education >= Education.SENIOR_HIGH and applicant.education_related_to_coal):
        refusals.append(
            Refusal(
                "煤矿特种作业人员须具备煤矿相关专业中专（含技校、职高）及以上学历。", SEED_ANNEX_1
            )
        )
    needed = COAL_WORK_MONTHS.get(target.item_code, DEFAULT_COAL_WORK_MONTHS)
    worked = applicant.coal_mine_work_months
    if worked < needed:
        refusals.append(
            Refusal(
                f"须具有煤矿{needed // 12}年及以上工作经历（现为{worked}个月）。",
                SEED_ANNEX_1,
            )
        )
    return refusals


def _hazardous_chemical_operator(applicant: Applicant, target: Target) -> list[Refusal]:
    if target.explosive_chemicals and not (
        applicant.education >= Education.JUNIOR_COLLEGE and applicant.education_chemical
    ):
        return [
            Refusal("涉及爆炸危险性化学品的特种作业人员须具备化工类大专及以上学历。", SEED_ANNEX_1)
        ]
    if target.major_hazard_or_key_process and not (
        applicant.education >= Education.SENIOR_HIGH or applicant.education_chemical
    ):
        return [
            Refusal(
                "涉及重大危险源、重点监管危险化工工艺的特种作业人员须具备高中及以上学历"
                "或化工类中等及以上职业教育水平。",
                SEED_ANNEX_1,
            )
        ]
    return []


def _history(applicant: Applicant, on_date: date) -> list[Refusal]:
    refusals = []
    revoked = applicant.fraud_revocation_date
    ban_ends = add_months(revoked, FRAUD_BAN_YEARS * 12) if revoked else None
    if ban_ends and on_date < ban_ends:
        refusals.append(
            Refusal(
                f"因以欺骗、贿赂等不正当手段取得证书被撤销，{ban_ends}前不得再次申请。",
                "令30号 第三十条",
            )
        )
    if applicant.open_violations:
        refusals.append(
            Refusal(
                "有未完成专门培训的“三违”记录，须先完成专门培训并考试合格。",
                "忻应急发〔2024〕26号 二；运城市通知 三",
            )
        )
    return refusals

"""Eligibility to train and sit the exam (报考条件): pure rules, each refusal with its source.

Sources, kept apart because they bind different people:

- 特种作业人员安全技术培训考核管理规定 (令30号), national, for special operators only:
  第四条第一款 (1) age 18 to the statutory retirement age, (3) 初中及以上;
  第四条第二款 危险化学品特种作业人员 高中或者相当于高中及以上 (and 煤矿 likewise), whatever the
  date of hire; 第三十条 three years' ban after a certificate revoked for deception or bribery.
  Principals and safety managers have no age rule here.
- The 2024 NPC Standing Committee decision on the statutory retirement age: men 60 → 63, women
  cadres (女干部) 55 → 58, women workers (女职工) 50 → 55, phased by birth month from 2025-01-01.
  A woman's post type is therefore an input; when it is unknown and it decides the answer,
  the rules ask for it instead of assuming either.
- 运城市通知 附件1 (the seed's stricter rules):
  coal-mine special operators: 煤矿相关专业中专（含技校、职高）及以上学历 and 2 years of coal-mine
  work (3 years for 防突作业, item 5.9), with no hire-date condition;
  hazardous-chemical units with 重点监管的危险化工工艺、重点监管的危险化学品和重大危险源: their
  **新入职** principals, heads of production/equipment/technology/safety and safety
  managers need 化学、化工、安全等相关专业大专及以上学历 or 化工类中级及以上职称; their
  **新入职** special operators on 重大危险源 or 重点监管危险化工工艺 need 高中及以上 or
  化工类中等及以上职业教育, and on 爆炸危险性化学品 化工类大专及以上. These bind new hires
  only: `Applicant.new_hire` says whether the applicant is one, and when it is unknown and
  would decide the answer, the rules ask.

Results: a `Decision` lists `Refusal`s of three kinds. REFUSED: a rule is not met. MISSING: the
rules need an input to decide (a woman's post type, whether a new hire, the item). INVALID: an
input is not one of its choices (an unknown post, item, education level, sex or post type, a
negative month count, a date out of the calendar). Any of them makes the applicant not
eligible, so a caller that only lists the refusals never lets an undecided case through. The
rules never raise on their inputs; the helper functions raise only `EligibilityInputError`, a
DomainError with a Chinese message that callers show as it is.

The operation catalogue is data (the catalog app); the caller passes the codes in use to
`check_eligibility(..., item_codes=...)`. Without them only the form of a code is checked
(`<category>.<number>`, category 1-11 of the 令30号 annex).
"""

import dataclasses
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from enum import IntEnum, StrEnum

from peikao.core.errors import DomainError
from peikao.core.state_machine import StateMachine, Transition


class EligibilityInputError(DomainError):
    """An input the rules cannot work with; the message is in Chinese and can be shown as is."""


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


class Post(StrEnum):
    """The three post categories (三项岗位人员), as catalog.PostCategory codes them."""

    PRINCIPAL = "principal"
    SAFETY_MANAGER = "safety_manager"
    SPECIAL_OPERATOR = "special_operator"


POST_NAMES = {
    Post.PRINCIPAL: "主要负责人",
    Post.SAFETY_MANAGER: "安全生产管理人员",
    Post.SPECIAL_OPERATOR: "特种作业人员",
}


class FemalePost(StrEnum):
    """A woman's post type, which sets her statutory retirement age."""

    WORKER = "worker"  # 女职工 (工人岗位)
    CADRE = "cadre"  # 女干部 (管理和技术岗位)


FEMALE_POST_NAMES = {FemalePost.WORKER: "工人", FemalePost.CADRE: "干部"}
SEXES = ("M", "F")


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

COAL_WORK_MONTHS = {"5.9": 36}  # 防突作业: 3 years; other coal items 2 years
DEFAULT_COAL_WORK_MONTHS = 24
LATEST_RETIREMENT_MONTHS = 63 * 12  # the highest statutory retirement age (men from 1976-09)
FRAUD_BAN_YEARS = 3
ARTICLE_4 = "令30号 第四条"
CATALOGUE_SOURCE = "令30号 附件《特种作业目录》"
RETIREMENT_SOURCE = "全国人大常委会关于实施渐进式延迟法定退休年龄的决定"
SEED_ANNEX_1 = "运城市通知 附件1"
VIOLATION_SOURCE = "忻应急发〔2024〕26号 二；运城市通知 三"
FEMALE_POST_QUESTION = "请选择女性人员的岗位类型（工人或干部）"
ITEM_CODE_FORM = re.compile(r"([1-9][0-9]?)\.[1-9][0-9]?")
CATALOGUE_CATEGORIES = range(1, 12)  # 令30号 annex: 11 作业类别

REFUSED, MISSING, INVALID = "refused", "missing", "invalid"


def _female_post_known(female_post: str | None) -> bool:
    return female_post not in (None, "")


def _unknown_female_post(female_post: object) -> str:
    return f"未知的女性人员岗位类型“{female_post}”，应为工人（worker）或干部（cadre）。"


def _unknown_sex(sex: object) -> str:
    return f"未知的性别“{sex}”，应为男（M）或女（F）。"


def retirement_age_months(birth_date: date, sex: str, female_post: str | None = None) -> int:
    """The statutory retirement age in months for this birth date, sex ("M"/"F") and, for
    women, post type ("cadre" or "worker"). Raises EligibilityInputError for an unknown sex or
    post type, or a woman whose post type is not given."""
    if sex == "M":
        schedule = RETIREMENT_SCHEDULES["male"]
    elif sex != "F":
        raise EligibilityInputError(_unknown_sex(sex))
    elif not _female_post_known(female_post):
        raise EligibilityInputError(f"{FEMALE_POST_QUESTION}。")
    elif female_post not in tuple(FemalePost):
        raise EligibilityInputError(_unknown_female_post(female_post))
    else:
        schedule = RETIREMENT_SCHEDULES[f"female_{female_post}"]
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
    28 February of a common year. Raises EligibilityInputError past the calendar (year 9999).
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if not date.min.year <= year <= date.max.year:
        raise EligibilityInputError(f"日期{day}加{months}个月超出可计算的范围，请检查填写的日期。")
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, candidate_day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def retirement_date(birth_date: date, sex: str, female_post: str | None = None) -> date | None:
    """The day the statutory retirement age is reached, or None for a woman whose post type is
    not known (it differs by years). Raises EligibilityInputError for an unknown value."""
    if sex == "F" and not _female_post_known(female_post):
        return None
    return add_months(birth_date, retirement_age_months(birth_date, sex, female_post))


def eighteenth_birthday(birth_date: date) -> date:
    return add_months(birth_date, 18 * 12)


@dataclass(frozen=True)
class Refusal:
    reason: str  # in Chinese, for the clerk and the applicant
    source: str  # the rule and article behind it
    kind: str = REFUSED  # REFUSED: a rule not met; MISSING: an input needed; INVALID: bad input
    field: str = ""  # the input a MISSING or INVALID entry is about (an Applicant/Target field)


@dataclass(frozen=True)
class Decision:
    refusals: list[Refusal] = dataclasses.field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return not self.refusals

    @property
    def missing(self) -> list[Refusal]:
        """The inputs the rules need before they can decide."""
        return [r for r in self.refusals if r.kind == MISSING]

    @property
    def invalid(self) -> list[Refusal]:
        """The inputs that are not one of their choices."""
        return [r for r in self.refusals if r.kind == INVALID]


@dataclass(frozen=True)
class Applicant:
    birth_date: date
    sex: str  # "M" or "F"
    education: Education
    female_post: str | None = None  # women: "worker" or "cadre"; None or "" when not known
    education_related_to_coal: bool = False
    education_chemical: bool = False  # 化工类 education (vocational or higher)
    education_chemistry_or_safety: bool = False  # 化学、化工、安全等相关专业
    chemical_intermediate_title: bool = False  # 化工类中级及以上职称
    coal_mine_work_months: int = 0
    # A certificate revoked for false information, deception or bribery (令30号 第30条).
    fraud_revocation_date: date | None = None
    open_violations: int = 0  # 三违 records whose special retraining is not finished
    new_hire: bool | None = None  # 新入职 at the employer (annex 1); None when not known


@dataclass(frozen=True)
class Target:
    """What the applicant applies for."""

    post: str  # principal, safety_manager or special_operator (Post)
    item_code: str = ""  # e.g. "5.9" for special operators
    major_hazard_or_key_process: bool = False  # 重大危险源、重点监管危险化工工艺
    explosive_chemicals: bool = False  # 爆炸危险性化学品
    hazardous_chemical_key_unit: bool = False  # 两重点一重大 units (for principals, managers)


def _category(item_code: str) -> str:
    return item_code.split(".")[0] if item_code else ""


def check_eligibility(
    applicant: Applicant,
    target: Target,
    on_date: date,
    *,
    item_codes: Collection[str] | None = None,
) -> Decision:
    """Every refusal, question and input error for this application on this day.

    item_codes: the operation items in the catalogue; a target item not among them is an
    INVALID input. None checks only the form of the code (see the module docstring).
    """
    problems = _input_problems(applicant, target, on_date, item_codes)
    if problems:
        return Decision(problems)
    applicant = dataclasses.replace(applicant, education=Education(applicant.education))
    try:
        refusals = [
            *(_age(applicant, on_date) if target.post == Post.SPECIAL_OPERATOR else []),
            *_education(applicant, target),
            *_history(applicant, on_date),
        ]
    except EligibilityInputError as error:  # a date the checks below have not caught
        refusals = [Refusal(str(error), ARTICLE_4, INVALID)]
    return Decision(refusals)


# --------------------------------------------------------------------------- inputs


def _invalid(field: str, reason: str, source: str) -> Refusal:
    return Refusal(reason, source, INVALID, field)


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _education_level(value: object) -> Education | None:
    if isinstance(value, Education):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and value in tuple(Education):
        return Education(value)
    return None


def _within_calendar(day: date, months: int) -> bool:
    try:
        add_months(day, months)
    except EligibilityInputError:
        return False
    return True


def _item_known(code: str, item_codes: Collection[str] | None) -> bool:
    if item_codes is not None:
        return code in item_codes
    form = ITEM_CODE_FORM.fullmatch(code)
    return form is not None and int(form.group(1)) in CATALOGUE_CATEGORIES


def _input_problems(
    applicant: Applicant, target: Target, on_date: object, item_codes: Collection[str] | None
) -> list[Refusal]:
    problems = []
    if not isinstance(on_date, date):
        problems.append(_invalid("on_date", "审核日期无效。", ARTICLE_4))
    if not (
        isinstance(applicant.birth_date, date)
        and _within_calendar(applicant.birth_date, LATEST_RETIREMENT_MONTHS)
    ):
        problems.append(_invalid("birth_date", "出生日期无效。", f"{ARTICLE_4}第一项"))
    if applicant.sex not in SEXES:
        problems.append(_invalid("sex", _unknown_sex(applicant.sex), RETIREMENT_SOURCE))
    female_post = applicant.female_post
    if _female_post_known(female_post) and female_post not in tuple(FemalePost):
        problems.append(
            _invalid("female_post", _unknown_female_post(female_post), RETIREMENT_SOURCE)
        )
    if _education_level(applicant.education) is None:
        choices = "、".join(EDUCATION_NAMES.values())
        problems.append(
            _invalid(
                "education",
                f"未知的文化程度“{applicant.education}”，可选：{choices}。",
                f"{ARTICLE_4}第三项",
            )
        )
    if target.post not in tuple(Post):
        choices = "、".join(POST_NAMES.values())
        problems.append(
            _invalid("post", f"未知的报考人员类别“{target.post}”，应为{choices}。", SEED_ANNEX_1)
        )
    code = target.item_code
    if code and not (isinstance(code, str) and _item_known(code, item_codes)):
        problems.append(
            _invalid(
                "item_code",
                f"未知的特种作业项目“{code}”，请从特种作业目录中选择。",
                CATALOGUE_SOURCE,
            )
        )
    months = applicant.coal_mine_work_months
    if not _is_count(months):
        problems.append(
            _invalid("coal_mine_work_months", "煤矿工作经历月数应为整数。", SEED_ANNEX_1)
        )
    elif months < 0:
        problems.append(
            _invalid(
                "coal_mine_work_months",
                f"煤矿工作经历月数不能为负数（填写为{months}）。",
                SEED_ANNEX_1,
            )
        )
    violations = applicant.open_violations
    if not _is_count(violations) or violations < 0:
        problems.append(
            _invalid(
                "open_violations",
                f"未完成专门培训的“三违”记录数无效（{violations}）。",
                VIOLATION_SOURCE,
            )
        )
    revoked = applicant.fraud_revocation_date
    if revoked is not None and not (
        isinstance(revoked, date) and _within_calendar(revoked, FRAUD_BAN_YEARS * 12)
    ):
        problems.append(_invalid("fraud_revocation_date", "证书撤销日期无效。", "令30号 第三十条"))
    if applicant.new_hire not in (None, True, False):
        problems.append(_invalid("new_hire", "是否新入职应为是、否或未说明。", SEED_ANNEX_1))
    return problems


# --------------------------------------------------------------------------- the rules


def _age(applicant: Applicant, on_date: date) -> list[Refusal]:
    """令30号 第四条第一项, special operators only: 18 to the statutory retirement age."""
    if on_date < eighteenth_birthday(applicant.birth_date):
        return [
            Refusal(
                f"未满18周岁（{eighteenth_birthday(applicant.birth_date)}年满18周岁）。",
                f"{ARTICLE_4}第一项",
            )
        ]
    source = f"{ARTICLE_4}第一项；{RETIREMENT_SOURCE}"
    if applicant.sex == "F" and not _female_post_known(applicant.female_post):
        worker, cadre = (
            add_months(applicant.birth_date, retirement_age_months(applicant.birth_date, "F", p))
            for p in (FemalePost.WORKER, FemalePost.CADRE)
        )
        if on_date < min(worker, cadre):
            return []
        if on_date >= max(worker, cadre):
            return [
                Refusal(
                    f"已达到法定退休年龄（按工人岗位为{worker}，按干部岗位为{cadre}）。", source
                )
            ]
        return [
            Refusal(
                f"{FEMALE_POST_QUESTION}：按工人岗位已于{worker}达到法定退休年龄，"
                f"按干部岗位为{cadre}。",
                source,
                MISSING,
                "female_post",
            )
        ]
    retires = add_months(
        applicant.birth_date,
        retirement_age_months(applicant.birth_date, applicant.sex, applicant.female_post),
    )
    if on_date >= retires:
        return [Refusal(f"已达到法定退休年龄（{retires}）。", source)]
    return []


def _education(applicant: Applicant, target: Target) -> list[Refusal]:
    category = _category(target.item_code)
    level = applicant.education
    refusals = []
    if target.post == Post.SPECIAL_OPERATOR:
        if not target.item_code:
            refusals.append(Refusal("请选择特种作业项目。", CATALOGUE_SOURCE, MISSING, "item_code"))
        if level < Education.JUNIOR_HIGH:
            refusals.append(Refusal("文化程度应为初中及以上。", f"{ARTICLE_4}第三项"))
        elif category in {"5", "9"} and level < Education.SENIOR_HIGH:
            # National, whatever the date of hire.
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
        refusals += _for_new_hires(
            applicant,
            "危险化学品重点监管单位新入职的主要负责人、分管负责人和安全生产管理人员须具备化学、"
            "化工、安全等相关专业大专及以上学历或化工类中级及以上职称。",
        )
    return refusals


def _for_new_hires(applicant: Applicant, reason: str) -> list[Refusal]:
    """An annex-1 hazardous-chemical requirement the applicant does not meet: it binds new
    hires only, so an incumbent passes and an unknown hire status is asked for."""
    if applicant.new_hire is None:
        return [
            Refusal(
                f"请说明是否为新入职人员：该项要求仅适用于新入职人员（{reason}）",
                SEED_ANNEX_1,
                MISSING,
                "new_hire",
            )
        ]
    return [Refusal(reason, SEED_ANNEX_1)] if applicant.new_hire else []


def _coal(applicant: Applicant, target: Target) -> list[Refusal]:
    """Annex 1, coal-mine special operators, with no hire-date condition."""
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
    """Annex 1, new hires of hazardous-chemical units (the national 高中 rule is apart)."""
    if target.explosive_chemicals and not (
        applicant.education >= Education.JUNIOR_COLLEGE and applicant.education_chemical
    ):
        return _for_new_hires(
            applicant, "新入职的涉及爆炸危险性化学品的特种作业人员须具备化工类大专及以上学历。"
        )
    if target.major_hazard_or_key_process and not (
        applicant.education >= Education.SENIOR_HIGH or applicant.education_chemical
    ):
        return _for_new_hires(
            applicant,
            "新入职的涉及重大危险源、重点监管危险化工工艺的特种作业人员须具备高中及以上学历"
            "或化工类中等及以上职业教育水平。",
        )
    return []


def _history(applicant: Applicant, on_date: date) -> list[Refusal]:
    refusals = []
    revoked = applicant.fraud_revocation_date
    ban_ends = add_months(revoked, FRAUD_BAN_YEARS * 12) if revoked else None
    if ban_ends and on_date < ban_ends:
        refusals.append(
            Refusal(
                f"因证书记载虚假信息或以欺骗、贿赂等不正当手段取得而被撤销，{ban_ends}前不得再次申请。",
                "令30号 第三十条",
            )
        )
    if applicant.open_violations:
        refusals.append(
            Refusal(
                "有未完成专门培训的“三违”记录，须先完成专门培训并考试合格。",
                VIOLATION_SOURCE,
            )
        )
    return refusals


# A 三违 record: open ──close──▶ closed, when the person has finished a special-retraining
# class and passed its test (the people service closes it; training reports the retraining).
VIOLATION_OPEN, VIOLATION_CLOSED = "open", "closed"
VIOLATION = StateMachine(
    noun="三违记录",
    states={VIOLATION_OPEN: "待专项培训", VIOLATION_CLOSED: "已完成专项培训"},
    transitions=(
        Transition(
            "close", frozenset({VIOLATION_OPEN}), VIOLATION_CLOSED, "violation.closed", "关闭"
        ),
    ),
)

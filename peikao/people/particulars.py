"""A person's particulars, declared once: each field's key, label, whether it is required, its
choices and how a loosely typed value (a form string, JSON, an Excel cell) is read and checked.
The enrolment page, the API and the Excel import all read particulars through `parse_person`,
and the import's columns and the page's labels come from `FIELDS`.

Every problem is collected as (label, reason) instead of stopping at the first, so that a clerk
sees all that is wrong with a row at once.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from peikao.core.bounds import EARLIEST_YEAR, LATEST_YEAR, year_within_range
from peikao.core.identifiers import IdentityFacts, identity_from_id_number, validate_credit_code
from peikao.orgs.models import Organization
from peikao.people import rules
from peikao.people.models import Person, WorkHistory

YES_NO = ("是", "否")
EDUCATION_CHOICES = ("小学", "初中", "高中", "中专", "技校", "职高", "大专", "本科", "研究生")
FEMALE_POST_OPTIONS = Person.FemalePost.choices  # (value, label), unknown first, for a page
# What a spreadsheet cell may say; blank is unknown.
FEMALE_POST_CHOICES = tuple(label for value, label in FEMALE_POST_OPTIONS if value)
EDUCATION_BY_NAME = {
    **{name: level for level, name in rules.EDUCATION_NAMES.items()},
    **{str(int(level)): level for level in rules.Education},
    "小学": rules.Education.PRIMARY,
    "初中": rules.Education.JUNIOR_HIGH,
    **dict.fromkeys(("高中", "中专", "技校", "职高", "中技"), rules.Education.SENIOR_HIGH),
    **dict.fromkeys(("大专", "专科", "高职"), rules.Education.JUNIOR_COLLEGE),
    **dict.fromkeys(("本科", "大学本科", "大学"), rules.Education.BACHELOR),
    **dict.fromkeys(("研究生", "硕士", "博士"), rules.Education.POSTGRADUATE),
}
FEMALE_POST_BY_NAME = {
    **{label: value for value, label in Person.FemalePost.choices},
    **{value: value for value in Person.FemalePost.values},
}
YES = frozenset({"是", "y", "yes", "true", "1", "√", "on"})
NO = frozenset({"否", "n", "no", "false", "0", "×"})
PHONE_PATTERN = re.compile(r"\+?[0-9][0-9 -]*")
_BLANK = object()  # a date left blank
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")


@dataclass(frozen=True)
class Field:
    """One input: its key, its label (the spreadsheet's header), and how it is filled in."""

    key: str
    label: str
    required: bool = False
    choices: tuple[str, ...] = ()
    text: bool = False  # kept as text in Excel, so that long numbers keep every digit
    note: str = ""
    example: str = ""


FIELDS = (
    Field("name", "姓名", required=True, note="与身份证一致", example="王五"),
    Field(
        "id_number",
        "身份证号码",
        required=True,
        text=True,
        note="18位，最后一位可为X；性别和出生日期由号码确定",
        example="140802199203150016",
    ),
    Field("phone", "手机号码", text=True, example="13912345678"),
    Field(
        "education",
        "文化程度",
        required=True,
        choices=EDUCATION_CHOICES,
        note="中专、技校、职高按高中层次计",
        example="高中",
    ),
    Field("education_major", "所学专业", example="电气自动化"),
    Field("employer_name", "工作单位", required=True, example="运城市示范化工有限公司"),
    Field(
        "employer_credit_code",
        "统一社会信用代码",
        required=True,
        text=True,
        note="工作单位的18位代码；平台中没有该单位时按填写的单位名称新建",
        example="91140802MA0K123450",
    ),
    Field("post", "岗位", example="电工"),
    Field(
        "female_post",
        "女职工岗位类型",
        choices=FEMALE_POST_CHOICES,
        note="女性填写，决定法定退休年龄；空白为未填写，影响报考条件判断时会要求补填",
    ),
    Field("education_related_to_coal", "煤矿相关专业", choices=YES_NO, example="否"),
    Field("education_chemical", "化工类专业", choices=YES_NO, example="否"),
    Field("education_chemistry_or_safety", "化学、化工或安全类专业", choices=YES_NO),
    Field("chemical_intermediate_title", "化工类中级及以上职称", choices=YES_NO),
)
# One period of work history, as the spreadsheet gives it (a row holds one).
WORK_FIELDS = (
    Field("work_employer_name", "工作经历单位", note="一行填一段工作经历，可不填"),
    Field("work_trade", "工种"),
    Field("work_started_on", "工作起始日期", note="如 2015-03-01"),
    Field("work_ended_on", "工作结束日期", note="至今则留空"),
    Field("work_coal_mine", "煤矿工作", choices=YES_NO, note="煤矿井下或煤矿相关工作填“是”"),
)
LABELS = {field.key: field.label for field in (*FIELDS, *WORK_FIELDS)}
WORK_LABELS = {field.key.removeprefix("work_"): field.label for field in WORK_FIELDS}
OPTIONAL_TEXT_FIELDS = ("phone", "education_major", "post", "female_post")
PERSON_FLAGS = (
    "education_related_to_coal",
    "education_chemical",
    "education_chemistry_or_safety",
    "chemical_intermediate_title",
)
# What an enrolment keeps of what its clerk gave (training.Enrolment has the same fields), and
# what the eligibility rules read of it.
RECORDED_FIELDS = ("education", *OPTIONAL_TEXT_FIELDS, *PERSON_FLAGS)


@dataclass(frozen=True)
class WorkPeriod:
    employer_name: str
    trade: str
    started_on: date
    ended_on: date | None
    coal_mine: bool


@dataclass(frozen=True)
class Particulars:
    """A person's particulars as the clerk gives them, checked. A blank text and a None flag
    mean "not given": the stored value is kept."""

    id_number: str
    name: str
    sex: str
    birth_date: date
    education: int
    employer_name: str
    employer_credit_code: str
    phone: str = ""
    education_major: str = ""
    post: str = ""
    female_post: str = ""
    education_related_to_coal: bool | None = None
    education_chemical: bool | None = None
    education_chemistry_or_safety: bool | None = None
    chemical_intermediate_title: bool | None = None
    work_history: tuple[WorkPeriod, ...] = ()


class Reader:
    """Reads loosely typed values, collecting every problem as (label, reason)."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    def fail(self, label: str, reason: str) -> None:
        self.problems.append((label, reason))

    def text(self, value: Any, label: str, *, max_length: int, required: bool = False) -> str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = "" if value is None else str(value).strip()
        if required and not text:
            self.fail(label, f"请填写{label}。")
        elif len(text) > max_length:
            self.fail(label, f"{label}不能超过{max_length}个字（现为{len(text)}个）。")
        return text

    def id_number(self, value: Any, label: str) -> IdentityFacts | None:
        if isinstance(value, float):
            # Excel keeps 15 significant digits: an ID number typed as a number lost its end.
            self.fail(
                label, "身份证号码被存成了数字，末几位已丢失。请把该列设为文本格式后重新填写。"
            )
            return None
        try:
            return identity_from_id_number("" if value is None else str(value))
        except ValidationError as error:
            self.fail(label, "".join(error.messages))
            return None

    def credit_code(self, value: Any, label: str) -> str:
        try:
            return validate_credit_code("" if value is None else str(value))
        except ValidationError as error:
            self.fail(label, "".join(error.messages))
            return ""

    def education(self, value: Any, label: str) -> int:
        if (
            isinstance(value, int)
            and not isinstance(value, bool)
            and value in EDUCATION_BY_NAME.values()
        ):
            return int(value)
        text = "" if value is None else str(value).strip()
        if not text:
            self.fail(label, f"请填写{label}。")
        elif text not in EDUCATION_BY_NAME:
            self.fail(label, f"无法识别的文化程度“{text}”，可填：{'、'.join(EDUCATION_CHOICES)}。")
        else:
            return int(EDUCATION_BY_NAME[text])
        return 0

    def female_post(self, value: Any, label: str) -> str:
        text = "" if value is None else str(value).strip()
        if text and text not in FEMALE_POST_BY_NAME:
            self.fail(label, f"请填写{'或'.join(FEMALE_POST_CHOICES)}，不知道时留空。")
            return ""
        return FEMALE_POST_BY_NAME.get(text, "")

    def yes_no(self, value: Any, label: str) -> bool | None:
        if value is None or isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if not text:
            return None
        if text in YES or text in NO:
            return text in YES
        self.fail(label, "请填写“是”或“否”。")
        return None

    def day(self, value: Any, label: str, *, required: bool = False) -> date | None:
        day = self._day(value)
        if day is _BLANK:
            if required:
                self.fail(label, f"请填写{label}。")
            return None
        if day is None:
            self.fail(label, f"日期“{str(value).strip()}”无法识别，请按 2020-01-31 的格式填写。")
            return None
        if not year_within_range(day):
            self.fail(label, f"{label}的年份应在{EARLIEST_YEAR}年至{LATEST_YEAR}年之间。")
            return None
        return day

    @staticmethod
    def _day(value: Any) -> Any:
        """The date a value holds, _BLANK for none given, None for one that cannot be read."""
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = "" if value is None else str(value).strip()
        if not text:
            return _BLANK
        for pattern in DATE_FORMATS:
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        return None


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def parse_person(read: Reader, values: Mapping[str, Any]) -> Particulars | None:
    """The checked particulars, or None with every problem added to `read`.

    `values` holds the keys of FIELDS; work history comes as a list of mappings under
    "work_history" (employer_name, trade, started_on, ended_on, coal_mine).
    """
    identity = read.id_number(values.get("id_number"), LABELS["id_number"])
    name = read.text(
        values.get("name"), LABELS["name"], max_length=_max_length(Person, "name"), required=True
    )
    education = read.education(values.get("education"), LABELS["education"])
    employer_name = read.text(
        values.get("employer_name"),
        LABELS["employer_name"],
        max_length=_max_length(Organization, "name"),
        required=True,
    )
    credit_code = read.credit_code(
        values.get("employer_credit_code"), LABELS["employer_credit_code"]
    )

    def optional_text(key: str) -> str:
        return read.text(values.get(key), LABELS[key], max_length=_max_length(Person, key))

    phone, education_major, post = (optional_text(k) for k in ("phone", "education_major", "post"))
    if phone and not PHONE_PATTERN.fullmatch(phone):
        read.fail(LABELS["phone"], f"手机号码“{phone}”只能包含数字、空格和“-”。")
    female_post = read.female_post(values.get("female_post"), LABELS["female_post"])
    coal, chemical, chemistry_or_safety, title = (
        read.yes_no(values.get(key), LABELS[key]) for key in PERSON_FLAGS
    )
    periods = _work_periods(read, values.get("work_history") or [])
    if read.problems or identity is None:
        return None
    return Particulars(
        id_number=identity.id_number,
        name=name,
        sex=identity.sex,
        birth_date=identity.birth_date,
        education=education,
        employer_name=employer_name,
        employer_credit_code=credit_code,
        phone=phone,
        education_major=education_major,
        post=post,
        female_post=female_post,
        education_related_to_coal=coal,
        education_chemical=chemical,
        education_chemistry_or_safety=chemistry_or_safety,
        chemical_intermediate_title=title,
        work_history=tuple(periods),
    )


def _work_periods(read: Reader, entries: Iterable[Mapping[str, Any]]) -> list[WorkPeriod]:
    given = [
        entry
        for entry in entries
        if any(value not in (None, "", False) for value in entry.values())
    ]
    periods = []
    today = timezone.localdate()
    for number, entry in enumerate(given, start=1):
        suffix = f"（第{number}条）" if len(given) > 1 else ""
        labels = {key: label + suffix for key, label in WORK_LABELS.items()}
        employer_name = read.text(
            entry.get("employer_name"),
            labels["employer_name"],
            max_length=_max_length(WorkHistory, "employer_name"),
            required=True,
        )
        trade = read.text(
            entry.get("trade"),
            labels["trade"],
            max_length=_max_length(WorkHistory, "trade"),
            required=True,
        )
        started_on = read.day(entry.get("started_on"), labels["started_on"], required=True)
        ended_on = read.day(entry.get("ended_on"), labels["ended_on"])
        coal_mine = bool(read.yes_no(entry.get("coal_mine"), labels["coal_mine"]))
        if started_on and started_on > today:
            read.fail(labels["started_on"], "起始日期晚于今天。")
        if started_on and ended_on and ended_on < started_on:
            read.fail(labels["ended_on"], "结束日期早于起始日期。")
        if employer_name and trade and started_on:
            periods.append(WorkPeriod(employer_name, trade, started_on, ended_on, coal_mine))
    return periods

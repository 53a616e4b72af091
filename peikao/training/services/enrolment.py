"""Enrolling trainees in a class, one by one or from an Excel file, and withdrawing them.

A person is one row per ID number across the whole system: enrolling someone already known
reuses that row and updates the particulars the clerk gives, but never their name (a different
name for a known ID number is an error to resolve, not an overwrite). Sex and birth date come
from the ID number. The employer is found by its unified social credit code; a code no
organisation has yet creates an enterprise of that name in the institution's region.

One enrolment and one file go through the same checks. A file is refused as a whole, with every
problem named by row and column, and its rows are written with bulk queries.
"""

import dataclasses
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from peikao.accounts.actor import Actor
from peikao.audit.actions import Action
from peikao.audit.services import audit_record
from peikao.audit.transitions import transition_apply, transition_set
from peikao.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from peikao.core.history import with_change_reason
from peikao.core.identifiers import identity_from_id_number, validate_credit_code
from peikao.core.masking import mask_id_number
from peikao.orgs.models import Organization
from peikao.people import rules as people_rules
from peikao.people.models import Person, Violation, WorkHistory
from peikao.people.selectors import applicant_for_person, applicant_from
from peikao.training import imports
from peikao.training import rules as training_rules
from peikao.training.models import Enrolment, TrainingClass
from peikao.training.permissions import INSTITUTION_WRITERS
from peikao.training.selectors.enrolment import eligibility_target, enrolled_count

ENROLLING_ROLES = INSTITUTION_WRITERS
HEADERS = imports.HEADERS
WORK_HEADERS = {
    "employer_name": HEADERS["work_employer_name"],
    "trade": HEADERS["work_trade"],
    "started_on": HEADERS["work_started_on"],
    "ended_on": HEADERS["work_ended_on"],
    "coal_mine": HEADERS["work_coal_mine"],
}
OPTIONAL_TEXT_FIELDS = ("phone", "education_major", "post", "female_post")
PERSON_FLAGS = (
    "education_related_to_coal",
    "education_chemical",
    "education_chemistry_or_safety",
    "chemical_intermediate_title",
)
WORKPLACE_FLAGS = (
    "major_hazard_or_key_process",
    "explosive_chemicals",
    "hazardous_chemical_key_unit",
)
EDUCATION_BY_NAME = {
    **{name: level for level, name in people_rules.EDUCATION_NAMES.items()},
    **{str(int(level)): level for level in people_rules.Education},
    "小学": people_rules.Education.PRIMARY,
    "初中": people_rules.Education.JUNIOR_HIGH,
    **dict.fromkeys(("高中", "中专", "技校", "职高", "中技"), people_rules.Education.SENIOR_HIGH),
    **dict.fromkeys(("大专", "专科", "高职"), people_rules.Education.JUNIOR_COLLEGE),
    **dict.fromkeys(("本科", "大学本科", "大学"), people_rules.Education.BACHELOR),
    **dict.fromkeys(("研究生", "硕士", "博士"), people_rules.Education.POSTGRADUATE),
}
FEMALE_POST_BY_NAME = {
    **{label: value for value, label in Person.FemalePost.choices},
    **{value: value for value in Person.FemalePost.values},
}
YES = frozenset({"是", "y", "yes", "true", "1", "√", "on"})
NO = frozenset({"否", "n", "no", "false", "0", "×"})
PHONE_PATTERN = re.compile(r"\+?[0-9][0-9 -]*")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
ALREADY_ENROLLED = "该学员已在本班报名。"
IMPORT_REASON = "Excel 批量导入报名"
WITHDRAW_REASON_MAX = 100


# --------------------------------------------------------------------------- what is given


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


@dataclass(frozen=True)
class Workplace:
    """Where the applicant works, as the hazardous-chemical eligibility rules ask."""

    major_hazard_or_key_process: bool = False
    explosive_chemicals: bool = False
    hazardous_chemical_key_unit: bool = False


@dataclass(frozen=True)
class Problem:
    """Something wrong with one row (row None: with the request or file as a whole)."""

    row: int | None
    column: str
    reason: str
    conflict: bool = False  # clashes with what is stored (409) rather than bad input (400)

    def __str__(self) -> str:
        if self.row is None:
            return self.reason
        return f"第{self.row}行“{self.column}”：{self.reason}" if self.column else self.reason


class ImportRejected(DomainError):
    """The file is refused as a whole; `problems` says where and why, row by row."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__(*(str(problem) for problem in self.problems))


def _raise_for(problems: Sequence[Problem]) -> None:
    if not problems:
        return
    reasons = [str(problem) for problem in problems]
    if any(problem.conflict for problem in problems):
        raise Conflict(*reasons)
    raise DomainError(*reasons)


# --------------------------------------------------------------------------- reading values


class _Reader:
    """Reads loosely typed values (form strings, JSON, Excel cells), collecting every problem
    as (column label, reason) instead of stopping at the first."""

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

    def id_number(self, value: Any, label: str):
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
            self.fail(
                label, f"无法识别的文化程度“{text}”，可填：{'、'.join(imports.EDUCATION_CHOICES)}。"
            )
        else:
            return int(EDUCATION_BY_NAME[text])
        return 0

    def female_post(self, value: Any, label: str) -> str:
        text = "" if value is None else str(value).strip()
        if text and text not in FEMALE_POST_BY_NAME:
            self.fail(label, f"请填写{'或'.join(imports.FEMALE_POST_CHOICES)}。")
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
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = "" if value is None else str(value).strip()
        if not text:
            if required:
                self.fail(label, f"请填写{label}。")
            return None
        for pattern in DATE_FORMATS:
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        self.fail(label, f"日期“{text}”无法识别，请按 2020-01-31 的格式填写。")
        return None


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def parse_particulars(values: Mapping[str, Any]) -> tuple[Particulars, Workplace] | list:
    """The checked particulars and workplace, or every (column label, reason) that is wrong.

    `values` holds the keys of imports.COLUMNS; work history comes as a list of mappings under
    "work_history" (employer_name, trade, started_on, ended_on, coal_mine).
    """
    read = _Reader()
    identity = read.id_number(values.get("id_number"), HEADERS["id_number"])
    name = read.text(
        values.get("name"), HEADERS["name"], max_length=_max_length(Person, "name"), required=True
    )
    education = read.education(values.get("education"), HEADERS["education"])
    employer_name = read.text(
        values.get("employer_name"),
        HEADERS["employer_name"],
        max_length=_max_length(Organization, "name"),
        required=True,
    )
    credit_code = read.credit_code(
        values.get("employer_credit_code"), HEADERS["employer_credit_code"]
    )

    def optional_text(key: str) -> str:
        return read.text(values.get(key), HEADERS[key], max_length=_max_length(Person, key))

    def flag(key: str) -> bool | None:
        return read.yes_no(values.get(key), HEADERS[key])

    phone, education_major, post = (optional_text(k) for k in ("phone", "education_major", "post"))
    if phone and not PHONE_PATTERN.fullmatch(phone):
        read.fail(HEADERS["phone"], f"手机号码“{phone}”只能包含数字、空格和“-”。")
    female_post = read.female_post(values.get("female_post"), HEADERS["female_post"])
    coal, chemical, chemistry_or_safety, title = (flag(key) for key in PERSON_FLAGS)
    workplace = {key: bool(read.yes_no(values.get(key), HEADERS[key])) for key in WORKPLACE_FLAGS}
    periods = _work_periods(read, values.get("work_history") or [])
    if read.problems or identity is None:
        return read.problems
    particulars = Particulars(
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
    return particulars, Workplace(**workplace)


def _work_periods(read: _Reader, entries: Iterable[Mapping[str, Any]]) -> list[WorkPeriod]:
    given = [
        entry
        for entry in entries
        if any(value not in (None, "", False) for value in entry.values())
    ]
    periods = []
    today = timezone.localdate()
    for number, entry in enumerate(given, start=1):
        suffix = f"（第{number}条）" if len(given) > 1 else ""
        labels = {key: header + suffix for key, header in WORK_HEADERS.items()}
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


# --------------------------------------------------------------------------- the class


def _class_for_enrolment(actor: Actor, class_id: int) -> TrainingClass:
    """The class, locked so that two clerks cannot both take its last place."""
    if actor.role not in ENROLLING_ROLES:
        raise PermissionDenied("只有培训机构的管理员或教务员可以办理报名。")
    visible = TrainingClass.objects.all().visible_to(actor)
    if not visible.filter(pk=class_id).exists():
        raise NotFound("未找到该培训班，或不在您的管辖范围内。")
    return (
        TrainingClass.objects.select_for_update(of=("self",))
        .select_related("organization", "post_category", "item")
        .get(pk=class_id)
    )


def _require_open(training_class: TrainingClass) -> None:
    frozen = training_rules.frozen_class_error(training_class.status)
    if frozen:
        raise Conflict(frozen)
    if training_class.status not in training_rules.ENROLMENT_OPEN:
        status = training_rules.CLASS_STATUS_NAMES.get(training_class.status, training_class.status)
        raise Conflict(f"该培训班当前为“{status}”状态，不接受报名。")
    if not training_class.organization.is_active:
        raise Conflict(
            f"本机构当前为“{training_class.organization.get_status_display()}”状态，不能办理报名。"
        )


def _capacity_problem(training_class: TrainingClass, adding: int) -> Problem | None:
    enrolled = enrolled_count(training_class)
    capacity = training_class.capacity
    if enrolled + adding <= capacity:
        return None
    if enrolled >= capacity:
        reason = f"本班已满（额定{capacity}人，已报名{enrolled}人），不能再报名。"
    else:
        reason = (
            f"本班额定{capacity}人，已报名{enrolled}人，还可报名{capacity - enrolled}人，"
            f"本次报名{adding}人，超出{enrolled + adding - capacity}人。"
        )
    return Problem(None, "", reason, conflict=True)


# --------------------------------------------------------------------------- people


@dataclass
class _Entry:
    """One person to record: what was given, and what it becomes."""

    row: int | None
    particulars: Particulars
    workplace: Workplace = field(default_factory=Workplace)
    person: Person | None = None
    created: bool = False
    changed: set[str] = field(default_factory=set)
    new_work: list[WorkHistory] = field(default_factory=list)
    changed_work: list[WorkHistory] = field(default_factory=list)
    # The coal-mine periods once the given work history is recorded, for the eligibility rules.
    coal_periods: list[tuple[date, date | None]] = field(default_factory=list)


@dataclass
class _People:
    entries: list[_Entry]
    new_employers: list[Organization]
    problems: list[Problem]


def _apply_particulars(person: Person, particulars: Particulars) -> set[str]:
    """Writes what the clerk gave onto the person (in memory); returns the fields changed."""
    updates: dict[str, Any] = {"education": particulars.education}
    for name in OPTIONAL_TEXT_FIELDS:
        if getattr(particulars, name):
            updates[name] = getattr(particulars, name)
    for name in PERSON_FLAGS:
        if getattr(particulars, name) is not None:
            updates[name] = getattr(particulars, name)
    changed = set()
    for name, value in updates.items():
        if getattr(person, name) != value:
            setattr(person, name, value)
            changed.add(name)
    return changed


def _resolve_people(entries: list[_Entry], region_id: str) -> _People:
    """Finds or prepares each person, employer and work-history row, with a query per table
    for all entries together. Nothing is saved."""
    problems: list[Problem] = []
    numbers = [entry.particulars.id_number for entry in entries]
    stored = {person.id_number: person for person in Person.objects.filter(id_number__in=numbers)}
    work: dict[int, dict[tuple[str, date], WorkHistory]] = defaultdict(dict)
    for row in WorkHistory.objects.filter(person__in=stored.values()):
        work[row.person_id][(row.employer_name, row.started_on)] = row
    for entry in entries:
        given = entry.particulars
        person = stored.get(given.id_number)
        if person is None:
            person = Person(
                id_number=given.id_number,
                name=given.name,
                sex=given.sex,
                birth_date=given.birth_date,
            )
            entry.created = True
        elif _same_name(person.name) != _same_name(given.name):
            problems.append(
                Problem(
                    entry.row,
                    HEADERS["name"],
                    f"身份证号码{mask_id_number(given.id_number)}在平台中登记的姓名为“{person.name}”，"
                    f"与填写的“{given.name}”不一致。请核对；确需更正姓名的，请联系监管部门。",
                )
            )
        entry.person = person
        entry.changed = _apply_particulars(person, given)
        _plan_work_history(entry, work[person.pk] if person.pk else {})
    new_employers = _resolve_employers(entries, region_id, problems)
    return _People(entries, new_employers, problems)


def _same_name(name: str) -> str:
    return "".join(name.split())


def _plan_work_history(entry: _Entry, stored: dict[tuple[str, date], WorkHistory]) -> None:
    """A given period with the employer and start of a stored one corrects it; others are new.
    A period given twice counts once."""
    final = dict(stored)
    given: set[tuple[str, date]] = set()
    for period in entry.particulars.work_history:
        key = (period.employer_name, period.started_on)
        if key in given:
            continue
        given.add(key)
        row = stored.get(key)
        if row is None:
            row = WorkHistory(
                person=entry.person,
                employer_name=period.employer_name,
                trade=period.trade,
                started_on=period.started_on,
                ended_on=period.ended_on,
                coal_mine=period.coal_mine,
            )
            entry.new_work.append(row)
        elif (row.trade, row.ended_on, row.coal_mine) != (
            period.trade,
            period.ended_on,
            period.coal_mine,
        ):
            row.trade, row.ended_on, row.coal_mine = period.trade, period.ended_on, period.coal_mine
            entry.changed_work.append(row)
        final[key] = row
    entry.coal_periods = [(row.started_on, row.ended_on) for row in final.values() if row.coal_mine]


def _resolve_employers(entries: list[_Entry], region_id: str, problems: list[Problem]):
    """Each entry's employer by credit code; a code nobody has yet becomes a new enterprise
    (in the institution's region, named as the first row that gives it)."""
    codes = {entry.particulars.employer_credit_code for entry in entries}
    found = {org.credit_code: org for org in Organization.objects.filter(credit_code__in=codes)}
    first_name: dict[str, str] = {}
    for entry in entries:
        code = entry.particulars.employer_credit_code
        if code not in found:
            first_name.setdefault(code, entry.particulars.employer_name)
    taken = {
        org.name: org
        for org in Organization.objects.filter(
            kind=Organization.Kind.ENTERPRISE, name__in=set(first_name.values())
        )
    }
    new: dict[str, Organization] = {}
    code_of_new_name: dict[str, str] = {}
    for entry in entries:
        given = entry.particulars
        code, name = given.employer_credit_code, first_name.get(given.employer_credit_code)
        if code in found:
            employer = found[code]
        elif name in taken:
            registered = taken[name].credit_code or "未登记"
            problems.append(
                Problem(
                    entry.row,
                    HEADERS["employer_credit_code"],
                    f"平台中已有单位“{name}”，其统一社会信用代码为{registered}，与填写的{code}不一致，请核对。",
                )
            )
            continue
        elif code_of_new_name.setdefault(name or "", code) != code:
            problems.append(
                Problem(
                    entry.row,
                    HEADERS["employer_name"],
                    f"与本次其他行的单位“{name}”同名，但统一社会信用代码不同，请核对。",
                )
            )
            continue
        else:
            employer = new.setdefault(
                code,
                Organization(
                    kind=Organization.Kind.ENTERPRISE,
                    name=name or given.employer_name,
                    credit_code=code,
                    region_id=region_id,
                ),
            )
        assert entry.person is not None
        if entry.person.employer_id != employer.pk or employer.pk is None:
            entry.changed.add("employer")
        # Assigned even when unchanged, so that reading it later costs no query per row.
        entry.person.employer = employer
    return list(new.values())


def _save_people(people: _People, *, actor, reason: str) -> None:
    """Writes what _resolve_people prepared, a bulk query per table."""
    history = {"default_user": actor.account, "default_change_reason": reason}
    created = [entry.person for entry in people.entries if entry.created]
    try:
        with transaction.atomic():
            if people.new_employers:
                bulk_create_with_history(people.new_employers, Organization, **history)
            if created:
                bulk_create_with_history(created, Person, **history)
    except IntegrityError:
        # Another clerk registered the same new person or enterprise a moment before.
        raise Conflict("同一人员或单位正由他人同时登记，请稍后重新提交。") from None
    changed = [entry for entry in people.entries if entry.changed and not entry.created]
    if changed:
        fields = sorted({name for entry in changed for name in entry.changed})
        bulk_update_with_history([entry.person for entry in changed], Person, fields, **history)
    new_work = [row for entry in people.entries for row in entry.new_work]
    if new_work:
        WorkHistory.objects.bulk_create(new_work)
    changed_work = [row for entry in people.entries for row in entry.changed_work]
    if changed_work:
        WorkHistory.objects.bulk_update(changed_work, ["trade", "ended_on", "coal_mine"])


def _people_detail(people: _People) -> dict:
    entries = people.entries
    return {
        "persons_created": sum(entry.created for entry in entries),
        "persons_updated": sum(bool(entry.changed) and not entry.created for entry in entries),
        "employers_created": [org.name for org in people.new_employers],
        "work_history_rows": sum(len(e.new_work) + len(e.changed_work) for e in entries),
    }


@transaction.atomic
def person_upsert(*, actor: Actor, **values) -> Person:
    """Records a person's particulars (keys of imports.COLUMNS, plus work_history as a list of
    mappings): creates them, or updates the particulars given of the person with that ID
    number. Audited when anything changed."""
    if actor.role not in ENROLLING_ROLES or actor.organization is None:
        raise PermissionDenied("只有培训机构的管理员或教务员可以登记学员信息。")
    parsed = parse_particulars(values)
    if isinstance(parsed, list):
        raise DomainError(*(reason for _label, reason in parsed))
    entry = _Entry(row=None, particulars=parsed[0], workplace=parsed[1])
    people = _resolve_people([entry], actor.organization.region_id)
    _raise_for(people.problems)
    person = entry.person
    assert person is not None
    if entry.created or entry.changed or entry.new_work or entry.changed_work:
        _save_people(people, actor=actor, reason="报名时登记学员信息")
        audit_record(
            Action.PERSON_RECORDED,
            actor=actor,
            target=person,
            detail={
                "id_number": mask_id_number(person.id_number),
                "created": entry.created,
                "changed": sorted(entry.changed),
                **_people_detail(people),
            },
        )
    return person


# --------------------------------------------------------------------------- eligibility


def _eligibility_reasons(
    applicant: people_rules.Applicant,
    training_class: TrainingClass,
    workplace: Workplace,
    on_date: date,
) -> list[str]:
    if training_class.special_retraining:
        # A 三违 special-retraining class exists to close open violations.
        applicant = dataclasses.replace(applicant, open_violations=0)
    target = eligibility_target(training_class, **dataclasses.asdict(workplace))
    decision = people_rules.check_eligibility(applicant, target, on_date)
    return [
        f"不符合报考条件：{refusal.reason}（{refusal.source}）" for refusal in decision.refusals
    ]


# --------------------------------------------------------------------------- enrolment


def _existing_enrolments(training_class: TrainingClass, persons: Iterable[Person]):
    ids = [person.pk for person in persons if person.pk]
    return {e.person_id: e for e in training_class.enrolments.filter(person_id__in=ids)}


def _enrolment_for(
    training_class: TrainingClass,
    person: Person,
    workplace: Workplace,
    existing: Enrolment | None,
    actor,
) -> Enrolment:
    """A new enrolment, or the withdrawn one taken up again (one row per person and class)."""
    enrolment = existing or Enrolment(training_class=training_class, person=person)
    if existing is not None:
        transition_set(enrolment, training_rules.ENROLMENT, "reenrol")
    enrolment.employer = person.employer
    enrolment.enrolled_by = actor.account
    for name in WORKPLACE_FLAGS:
        setattr(enrolment, name, getattr(workplace, name))
    return enrolment


@transaction.atomic
def enrolment_create(
    *,
    actor: Actor,
    class_id: int,
    major_hazard_or_key_process: bool = False,
    explosive_chemicals: bool = False,
    hazardous_chemical_key_unit: bool = False,
    **particulars,
) -> Enrolment:
    """Enrols one person: records their particulars (person_upsert), then checks that they
    are not already enrolled, that the class has room, and that they are eligible."""
    training_class = _class_for_enrolment(actor, class_id)
    _require_open(training_class)
    person = person_upsert(actor=actor, **particulars)
    existing = _existing_enrolments(training_class, [person]).get(person.pk)
    if existing is not None and existing.status == Enrolment.Status.ENROLLED:
        raise Conflict(ALREADY_ENROLLED)
    _raise_for([p for p in [_capacity_problem(training_class, 1)] if p])
    workplace = Workplace(
        major_hazard_or_key_process=major_hazard_or_key_process,
        explosive_chemicals=explosive_chemicals,
        hazardous_chemical_key_unit=hazardous_chemical_key_unit,
    )
    today = timezone.localdate()
    reasons = _eligibility_reasons(
        applicant_for_person(person, today), training_class, workplace, today
    )
    if reasons:
        raise DomainError(*reasons)
    enrolment = _enrolment_for(training_class, person, workplace, existing, actor)
    with_change_reason(enrolment, "重新报名" if existing else "报名")
    enrolment.save()
    audit_record(
        Action.ENROLMENT_CREATED,
        actor=actor,
        target=enrolment,
        detail={
            "class_id": training_class.pk,
            "id_number": mask_id_number(person.id_number),
            "reinstated": existing is not None,
            **dataclasses.asdict(workplace),
        },
    )
    return enrolment


@transaction.atomic
def enrolment_withdraw(*, actor: Actor, enrolment_id: int, reason: str) -> Enrolment:
    reason = (reason or "").strip()
    if actor.role not in ENROLLING_ROLES:
        raise PermissionDenied("只有培训机构的管理员或教务员可以办理退出。")
    visible = Enrolment.objects.all().visible_to(actor)
    if not visible.filter(pk=enrolment_id).exists():
        raise NotFound("未找到该报名记录，或不在您的管辖范围内。")
    if not reason:
        raise DomainError("请填写退出原因。")
    if len(reason) > WITHDRAW_REASON_MAX:
        # The reason is kept as the history row's change reason, which holds 100 characters.
        raise DomainError(f"退出原因不能超过{WITHDRAW_REASON_MAX}个字（现为{len(reason)}个）。")
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("training_class", "person")
        .get(pk=enrolment_id)
    )
    # At 结业 every trainee is decided, so a closed or archived class refuses through its
    # trainees' states.
    transition_apply(
        enrolment,
        training_rules.ENROLMENT,
        "withdraw",
        actor=actor,
        reason=reason,
        detail={"class_id": enrolment.training_class_id},
    )
    return enrolment


# --------------------------------------------------------------------------- Excel import


@dataclass(frozen=True)
class ImportResult:
    rows: int
    enrolled: int
    reinstated: int
    persons_created: int
    persons_updated: int
    employers_created: int


def _sheet_values(row: imports.SheetRow) -> dict[str, Any]:
    """A spreadsheet row in the shape parse_particulars reads: its one work period as a list."""
    values = dict(row.values)
    period = {
        key.removeprefix("work_"): values.pop(key)
        for key in list(values)
        if key.startswith("work_")
    }
    values["work_history"] = [period]
    return values


def _check_import(
    training_class: TrainingClass, rows: list[imports.SheetRow], region_id: str
) -> tuple[_People, dict[int, Enrolment], list[Problem]]:
    """Every problem of every row, with a query per table for the whole file."""
    problems: list[Problem] = []
    entries: list[_Entry] = []
    first_row: dict[str, int] = {}
    for row in rows:
        parsed = parse_particulars(_sheet_values(row))
        if isinstance(parsed, list):
            problems += [Problem(row.number, label, reason) for label, reason in parsed]
            continue
        particulars, workplace = parsed
        first = first_row.setdefault(particulars.id_number, row.number)
        if first != row.number:
            problems.append(
                Problem(row.number, HEADERS["id_number"], f"与第{first}行的身份证号码重复。")
            )
            continue
        entries.append(_Entry(row=row.number, particulars=particulars, workplace=workplace))
    people = _resolve_people(entries, region_id)
    problems += people.problems
    existing = _existing_enrolments(training_class, [e.person for e in entries if e.person])
    enrolling = []
    for entry in entries:
        assert entry.person is not None
        enrolment = existing.get(entry.person.pk) if entry.person.pk else None
        if enrolment is not None and enrolment.status == Enrolment.Status.ENROLLED:
            problems.append(
                Problem(entry.row, HEADERS["id_number"], ALREADY_ENROLLED, conflict=True)
            )
        else:
            enrolling.append(entry)
    problems += _import_eligibility(training_class, enrolling)
    capacity = _capacity_problem(training_class, len(enrolling))
    if capacity:
        problems.append(capacity)
    problems.sort(key=lambda problem: problem.row or 0)
    return people, existing, problems


def _import_eligibility(training_class: TrainingClass, entries: list[_Entry]) -> list[Problem]:
    stored = [entry.person.pk for entry in entries if entry.person and entry.person.pk]
    open_violations = dict(
        Violation.objects.filter(person_id__in=stored, status=Violation.Status.OPEN)
        .values("person_id")
        .annotate(count=Count("id"))
        .values_list("person_id", "count")
    )
    today = timezone.localdate()
    problems = []
    for entry in entries:
        assert entry.person is not None
        applicant = applicant_from(
            entry.person,
            coal_mine_periods=entry.coal_periods,
            open_violations=open_violations.get(entry.person.pk, 0),
            on_date=today,
        )
        problems += [
            Problem(entry.row, "报考条件", reason)
            for reason in _eligibility_reasons(applicant, training_class, entry.workplace, today)
        ]
    return problems


@transaction.atomic
def enrolment_import(
    *,
    actor: Actor,
    class_id: int,
    file: IO[bytes] | None,
    dry_run: bool = False,
) -> ImportResult:
    """Enrols every row of an Excel file, or none: any bad row refuses the whole file, with
    every problem by row and column (ImportRejected). dry_run checks and writes nothing."""
    training_class = _class_for_enrolment(actor, class_id)
    _require_open(training_class)
    if file is None:
        raise DomainError("请选择要导入的 Excel 文件。")
    rows = imports.read_rows(file)
    region_id = training_class.organization.region_id
    people, existing, problems = _check_import(training_class, rows, region_id)
    if problems:
        raise ImportRejected(problems)
    entries = people.entries
    enrolments = [
        _enrolment_for(
            training_class,
            e.person,
            e.workplace,
            existing.get(e.person.pk) if e.person.pk else None,
            actor,
        )
        for e in entries
        if e.person is not None
    ]
    reinstated = [enrolment for enrolment in enrolments if enrolment.pk]
    detail = _people_detail(people)
    result = ImportResult(
        rows=len(rows),
        enrolled=len(enrolments) - len(reinstated),
        reinstated=len(reinstated),
        persons_created=detail["persons_created"],
        persons_updated=detail["persons_updated"],
        employers_created=len(detail["employers_created"]),
    )
    if dry_run:
        return result
    _save_people(people, actor=actor, reason=IMPORT_REASON)
    history = {"default_user": actor.account, "default_change_reason": IMPORT_REASON}
    new = [enrolment for enrolment in enrolments if not enrolment.pk]
    if new:
        bulk_create_with_history(new, Enrolment, **history)
    if reinstated:
        fields = ["status", "employer", "enrolled_by", *WORKPLACE_FLAGS]
        bulk_update_with_history(reinstated, Enrolment, fields, **history)
    file.seek(0)
    audit_record(
        Action.ENROLMENT_IMPORTED,
        actor=actor,
        target=training_class,
        detail={
            **dataclasses.asdict(result),
            **detail,
            "file_sha256": hashlib.sha256(file.read()).hexdigest(),
        },
    )
    return result

"""Enrolling trainees in a class, one by one or from an Excel file, and withdrawing them.

The person's particulars, their work history and their employer are read and recorded by the
people app (people.particulars, people.services), which finds the employer through orgs; this
module owns what is the application's: the class, its room, the workplace facts and whether the
applicant is a new hire, eligibility, and the enrolment itself, which keeps the particulars and
the employer its clerk gave (what of them reaches the Person, people.services decides).

One enrolment and one file go through the same checks. A file is refused as a whole, with every
problem named by row and column, and its rows are written with bulk queries.
"""

import dataclasses
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import IO, Any, cast

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from peikao.accounts.actor import Actor
from peikao.audit.actions import Action
from peikao.audit.services import audit_record
from peikao.audit.transitions import transition_apply, transition_set
from peikao.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from peikao.core.history import with_change_reason
from peikao.core.masking import mask_id_number
from peikao.core.scoping import get_visible
from peikao.people import rules as people_rules
from peikao.people import services as people_services
from peikao.people.models import Person
from peikao.people.particulars import RECORDED_FIELDS, Particulars, Reader, parse_person
from peikao.people.selectors import (
    applicant_from,
    fraud_revocation_dates,
    open_violation_counts,
)
from peikao.people.services import (
    People,
    PersonEntry,
    Problem,
    raise_for,
)
from peikao.training import imports
from peikao.training import rules as training_rules
from peikao.training.models import Enrolment, TrainingClass
from peikao.training.permissions import INSTITUTION_WRITERS
from peikao.training.selectors.enrolment import eligibility_target, enrolled_count

ENROLLING_ROLES = INSTITUTION_WRITERS
HEADERS = imports.HEADERS
WORKPLACE_FLAGS = (
    "major_hazard_or_key_process",
    "explosive_chemicals",
    "hazardous_chemical_key_unit",
)
# What an enrolment keeps of its application.
APPLICATION_FIELDS = (*WORKPLACE_FLAGS, "new_hire")
ALREADY_ENROLLED = "该学员已在本班报名。"
IMPORT_REASON = "Excel 批量导入报名"
ENROLMENT_REASON = "报名时登记学员信息"
ELIGIBILITY_COLUMN = "报考条件"
WITHDRAW_REASON_MAX = 100


# --------------------------------------------------------------------------- what is given


@dataclass(frozen=True)
class Application:
    """What this application says beyond the person: where the applicant works, as the
    hazardous-chemical eligibility rules ask, and whether they are new there (新入职: the
    annex-1 hazardous-chemical rules bind new hires only; None when not said)."""

    major_hazard_or_key_process: bool = False
    explosive_chemicals: bool = False
    hazardous_chemical_key_unit: bool = False
    new_hire: bool | None = None

    def workplace(self) -> dict[str, bool]:
        return {name: getattr(self, name) for name in WORKPLACE_FLAGS}


class ImportRejected(DomainError):
    """The file is refused as a whole; `problems` says where and why, row by row."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__(*(str(problem) for problem in self.problems))


def parse_particulars(values: Mapping[str, Any]) -> tuple[Particulars, Application] | list:
    """The checked particulars and application, or every (column label, reason) that is
    wrong. `values` holds the keys of imports.COLUMNS, work history as a list of mappings
    under "work_history" (people.particulars.parse_person)."""
    read = Reader()
    particulars = parse_person(read, values)
    workplace = {key: bool(read.yes_no(values.get(key), HEADERS[key])) for key in WORKPLACE_FLAGS}
    new_hire = read.yes_no(values.get("new_hire"), HEADERS["new_hire"])
    if particulars is None or read.problems:
        return read.problems
    return particulars, Application(**workplace, new_hire=new_hire)


# --------------------------------------------------------------------------- the class


def _class_for_enrolment(actor: Actor, class_id: int) -> TrainingClass:
    """The class, locked so that two clerks cannot both take its last place."""
    if actor.role not in ENROLLING_ROLES:
        raise PermissionDenied("只有培训机构的管理员或教务员可以办理报名。")
    classes = TrainingClass.objects.select_related("organization", "post_category", "item")
    return get_visible(classes, actor, class_id, for_update=True)


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
class _Entry(PersonEntry):
    """A person to record, with what their application says."""

    application: Application = dataclasses.field(default_factory=Application)


def _require_enrolling(actor: Actor) -> None:
    if actor.role not in ENROLLING_ROLES or actor.organization is None:
        raise PermissionDenied("只有培训机构的管理员或教务员可以登记学员信息。")


def person_upsert(*, actor: Actor, confirm_employer_name: bool = False, **values) -> Person:
    """Records a person's particulars (keys of imports.COLUMNS, plus work_history as a list of
    mappings) through the people app: creates them, or updates what the actor's institution
    may update of the person with that ID number (people.services). confirm_employer_name:
    the clerk has seen the name registered for the credit code and takes that unit."""
    _require_enrolling(actor)
    assert actor.organization is not None
    parsed = parse_particulars(values)
    if isinstance(parsed, list):
        raise DomainError(*(reason for _label, reason in parsed))
    entry = people_services.person_record(
        actor=actor,
        particulars=parsed[0],
        region_id=actor.organization.region_id,
        reason=ENROLMENT_REASON,
        confirm_employer_name=confirm_employer_name,
    )
    assert entry.person is not None
    return entry.person


# --------------------------------------------------------------------------- eligibility


def _eligibility_problems(
    applicant: people_rules.Applicant,
    training_class: TrainingClass,
    application: Application,
    on_date: date,
    *,
    row: int | None = None,
) -> list[Problem]:
    """Each refusal of the rules as the clerk should read it: a rule not met, a question to
    answer (under the column it is about), or an input to correct."""
    if training_class.special_retraining:
        # A 三违 special-retraining class exists to close open violations.
        applicant = dataclasses.replace(applicant, open_violations=0)
    target = eligibility_target(training_class, **application.workplace())
    decision = people_rules.check_eligibility(applicant, target, on_date)
    problems = []
    for refusal in decision.refusals:
        column = HEADERS.get(refusal.field, ELIGIBILITY_COLUMN)
        if refusal.kind == people_rules.MISSING:
            reason = f"须补充“{column}”后才能审核报考条件：{refusal.reason}"
        elif refusal.kind == people_rules.INVALID:
            reason = f"填写有误，无法审核报考条件：{refusal.reason}"
        else:
            reason = f"不符合报考条件：{refusal.reason}（{refusal.source}）"
        problems.append(Problem(row, column, reason))
    return problems


# --------------------------------------------------------------------------- enrolment


def _existing_enrolments(training_class: TrainingClass, persons: Iterable[Person]):
    ids = [person.pk for person in persons if person.pk]
    return {e.person_id: e for e in training_class.enrolments.filter(person_id__in=ids)}


def _enrolment_for(
    training_class: TrainingClass,
    entry: PersonEntry,
    application: Application,
    existing: Enrolment | None,
    actor,
) -> Enrolment:
    """A new enrolment, or the withdrawn one taken up again (one row per person and class),
    with the particulars and the employer its clerk gave."""
    person = entry.person
    assert person is not None
    enrolment = existing or Enrolment(training_class=training_class, person=person)
    if existing is not None:
        transition_set(enrolment, training_rules.ENROLMENT, "reenrol")
    enrolment.employer = person.employer
    enrolment.enrolled_by = actor.account
    for name in RECORDED_FIELDS:
        setattr(enrolment, name, entry.recorded[name])
    for name in APPLICATION_FIELDS:
        setattr(enrolment, name, getattr(application, name))
    return enrolment


@transaction.atomic
def enrolment_create(
    *, actor: Actor, class_id: int, confirm_employer_name: bool = False, **values
) -> Enrolment:
    """Enrols one person: records their particulars (keys of imports.COLUMNS, through the
    people app), then checks that they are not already enrolled, that the class has room, and
    that they are eligible. confirm_employer_name: see person_upsert."""
    training_class = _class_for_enrolment(actor, class_id)
    _require_open(training_class)
    parsed = parse_particulars(values)
    if isinstance(parsed, list):
        raise DomainError(*(reason for _label, reason in parsed))
    particulars, application = parsed
    entry = people_services.person_record(
        actor=actor,
        particulars=particulars,
        region_id=training_class.organization.region_id,
        reason=ENROLMENT_REASON,
        confirm_employer_name=confirm_employer_name,
    )
    person = entry.person
    assert person is not None
    existing = _existing_enrolments(training_class, [person]).get(person.pk)
    if existing is not None and existing.status == Enrolment.Status.ENROLLED:
        raise Conflict(ALREADY_ENROLLED)
    raise_for([p for p in [_capacity_problem(training_class, 1)] if p])
    today = timezone.localdate()
    applicant = applicant_from(
        person,
        particulars=entry.recorded,
        coal_mine_periods=entry.coal_periods,
        open_violations=open_violation_counts([person.pk]).get(person.pk, 0),
        fraud_revocation_date=fraud_revocation_dates([person.pk]).get(person.pk),
        on_date=today,
        new_hire=application.new_hire,
    )
    raise_for(_eligibility_problems(applicant, training_class, application, today))
    enrolment = _enrolment_for(training_class, entry, application, existing, actor)
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
            **dataclasses.asdict(application),
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
) -> tuple[People, dict[int, Enrolment], list[Problem]]:
    """Every problem of every row, with a query per table for the whole file."""
    problems: list[Problem] = []
    entries: list[_Entry] = []
    first_row: dict[str, int] = {}
    for row in rows:
        parsed = parse_particulars(_sheet_values(row))
        if isinstance(parsed, list):
            problems += [Problem(row.number, label, reason) for label, reason in parsed]
            continue
        particulars, application = parsed
        first = first_row.setdefault(particulars.id_number, row.number)
        if first != row.number:
            problems.append(
                Problem(row.number, HEADERS["id_number"], f"与第{first}行的身份证号码重复。")
            )
            continue
        entries.append(_Entry(row=row.number, particulars=particulars, application=application))
    people = people_services.people_prepare(
        entries, region_id=region_id, recorder=training_class.organization
    )
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
    open_violations = open_violation_counts(stored)
    revoked = fraud_revocation_dates(stored)
    today = timezone.localdate()
    problems = []
    for entry in entries:
        assert entry.person is not None
        applicant = applicant_from(
            entry.person,
            particulars=entry.recorded,
            coal_mine_periods=entry.coal_periods,
            open_violations=open_violations.get(entry.person.pk, 0),
            fraud_revocation_date=revoked.get(entry.person.pk),
            on_date=today,
            new_hire=entry.application.new_hire,
        )
        problems += _eligibility_problems(
            applicant, training_class, entry.application, today, row=entry.row
        )
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
    entries = cast(list[_Entry], people.entries)
    enrolments = [
        _enrolment_for(
            training_class,
            e,
            e.application,
            existing.get(e.person.pk) if e.person.pk else None,
            actor,
        )
        for e in entries
        if e.person is not None
    ]
    reinstated = [enrolment for enrolment in enrolments if enrolment.pk]
    detail = people.detail()
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
    people_services.people_save(people, actor=actor, reason=IMPORT_REASON)
    history = {"default_user": actor.account, "default_change_reason": IMPORT_REASON}
    new = [enrolment for enrolment in enrolments if not enrolment.pk]
    if new:
        bulk_create_with_history(new, Enrolment, **history)
    if reinstated:
        fields = ["status", "employer", "enrolled_by", *RECORDED_FIELDS, *APPLICATION_FIELDS]
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

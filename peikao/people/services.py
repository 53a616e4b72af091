"""Writes about people: their particulars and work history (recorded when a clerk enrols them,
one by one or a whole spreadsheet with a query per table), and 三违 records, recorded by an
enterprise or a regulator and closed by special retraining.

A person is one row per ID number across the whole province, so who may change what is
decided here (docs/decisions/0015-who-changes-a-person.md):
- what a clerk gives is kept on the enrolment (PersonEntry.recorded, training saves it); the
  Person's particulars are filled when it is created, and updated later only by enrolments of
  the unit that registered it (Person.registered_by), never by another institution's;
- a change of employer is a new period of work history, the open one at the old employer
  ending the day before; the current employer follows it;
- the name never changes (a different name for a known ID number is an error to resolve, not
  an overwrite); sex and birth date come from the ID number. The employer is found by its
  unified social credit code (orgs.services).
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from peikao.accounts.actor import Actor
from peikao.accounts.models import Role
from peikao.audit.actions import Action
from peikao.audit.services import audit_record
from peikao.audit.transitions import transition_apply
from peikao.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from peikao.core.identifiers import normalise_id_number
from peikao.core.masking import mask_id_number
from peikao.orgs import services as orgs_services
from peikao.orgs.models import Organization
from peikao.people.models import Person, Violation, WorkHistory
from peikao.people.particulars import (
    LABELS,
    OPTIONAL_TEXT_FIELDS,
    PERSON_FLAGS,
    RECORDED_FIELDS,
    Particulars,
)
from peikao.people.rules import VIOLATION

VIOLATION_RECORDERS = frozenset(
    {Role.ENTERPRISE_SAFETY_OFFICER, Role.REGULATOR_ADMIN, Role.REGULATOR_OFFICER}
)


@transaction.atomic
def violation_record(
    *,
    actor: Actor,
    id_number: str,
    kind: str,
    occurred_on: date,
    description: str,
    confirmed_by: str,
    post: str = "",
) -> tuple[Violation, bool]:
    """An enterprise (for its own staff) or a regulator (for people in its region) records a
    violation; the person is then not cleared to work in the post until special retraining.

    The same person, kind, day and recording unit is one record (a database constraint): a
    repeated request (a double click, a resent POST) answers with the stored record and
    records nothing. Returns the record and whether it was created."""
    recorder = actor.organization
    if actor.role not in VIOLATION_RECORDERS or recorder is None:
        raise PermissionDenied("只有生产经营单位安全管理员或应急管理部门可以登记三违记录。")
    person = (
        Person.objects.all()
        .visible_to(actor)
        .filter(id_number=normalise_id_number(id_number))
        .first()
    )
    if person is None:
        raise NotFound("未找到该身份证号码的人员，或不在您的管辖范围内。")
    errors = []
    if kind not in Violation.Kind.values:
        errors.append("请选择三违类型。")
    if occurred_on is None or occurred_on > timezone.localdate():
        errors.append("发生日期不能晚于今天。")
    if not (description or "").strip():
        errors.append("请填写违章经过。")
    if not (confirmed_by or "").strip():
        errors.append("请填写确认人。")
    if errors:
        raise DomainError(*errors)
    key = {
        "person": person,
        "kind": kind,
        "occurred_on": occurred_on,
        "recorded_by_organization": recorder,
    }
    try:
        with transaction.atomic():
            violation = Violation.objects.create(
                **key,
                description=description.strip(),
                confirmed_by=confirmed_by.strip(),
                post=(post or person.post).strip(),
                recorded_by=actor.account,
            )
    except IntegrityError:
        # Recorded already, perhaps a moment ago by the same click sent twice.
        return Violation.objects.get(**key), False
    audit_record(
        Action.VIOLATION_RECORDED,
        actor=actor,
        target=violation,
        detail={"kind": kind, "occurred_on": occurred_on.isoformat()},
    )
    return violation, True


@transaction.atomic
def violations_close(*, actor: Actor, person_id: int, enrolment) -> int:
    """Closes the person's open 三违 records: they finished the special retraining of this
    enrolment and passed its test (training decides that). Returns how many were closed."""
    open_violations = list(
        Violation.objects.select_for_update().filter(
            person_id=person_id, status=Violation.Status.OPEN
        )
    )
    now = timezone.now()
    for violation in open_violations:
        transition_apply(
            violation,
            VIOLATION,
            "close",
            actor=actor,
            changes={"closed_at": now, "closing_enrolment": enrolment},
            detail={"enrolment": enrolment.pk, "class": enrolment.training_class_id},
        )
    return len(open_violations)


# --------------------------------------------------------------------------- particulars


@dataclass(frozen=True)
class Problem:
    """Something wrong with one row (row None: with the request or file as a whole)."""

    row: int | None
    column: str
    reason: str
    conflict: bool = False  # clashes with what is stored (409) rather than bad input (400)
    registered_employer: str = ""  # the name registered for the credit code typed, to confirm

    def __str__(self) -> str:
        if self.row is None:
            return self.reason
        return f"第{self.row}行“{self.column}”：{self.reason}" if self.column else self.reason


@dataclass
class PersonEntry:
    """One person to record: what was given, and what it becomes."""

    row: int | None
    particulars: Particulars
    person: Person | None = None
    created: bool = False
    # Whether this entry may update the Person's particulars (see people_prepare).
    updates_person: bool = False
    # The particulars this entry records (RECORDED_FIELDS): those given, else the stored
    # ones. Training keeps them on the enrolment, and its eligibility reads them.
    recorded: dict[str, Any] = field(default_factory=dict)
    changed: set[str] = field(default_factory=set)
    new_work: list[WorkHistory] = field(default_factory=list)
    changed_work: list[WorkHistory] = field(default_factory=list)
    # The coal-mine periods once the given work history is recorded, for the eligibility rules.
    coal_periods: list[tuple[date, date | None]] = field(default_factory=list)


@dataclass
class People:
    entries: list[PersonEntry]
    new_employers: list
    problems: list[Problem]

    def detail(self) -> dict:
        """What recording them changes, for the audit record."""
        entries = self.entries
        return {
            "persons_created": sum(entry.created for entry in entries),
            "persons_updated": sum(bool(e.changed) and not e.created for e in entries),
            "employers_created": [org.name for org in self.new_employers],
            "work_history_rows": sum(len(e.new_work) + len(e.changed_work) for e in entries),
        }


def people_prepare(
    entries: Sequence[PersonEntry],
    *,
    region_id: str,
    recorder: Organization | None,
    confirm_employer_names: bool = False,
) -> People:
    """Finds or prepares each person, employer and work-history row, with a query per table
    for all entries together. Nothing is saved; new enterprises go in region_id.

    recorder is the unit whose clerk gives the particulars: a person it creates is registered
    by it, and only its entries update the particulars and correct the stored work history of
    the people it registered (a person registered by nobody yet is taken on by the first)."""
    problems: list[Problem] = []
    numbers = [entry.particulars.id_number for entry in entries]
    stored = {
        person.id_number: person
        for person in Person.objects.filter(id_number__in=numbers).select_related("employer")
    }
    work: dict[int, list[WorkHistory]] = defaultdict(list)
    for row in WorkHistory.objects.filter(person__in=stored.values()):
        work[row.person_id].append(row)
    recorder_id = recorder.pk if recorder else None
    for entry in entries:
        given = entry.particulars
        person = stored.get(given.id_number)
        if person is None:
            person = Person(
                id_number=given.id_number,
                name=given.name,
                sex=given.sex,
                birth_date=given.birth_date,
                registered_by=recorder,
            )
            entry.created = True
        elif orgs_services.same_name(person.name) != orgs_services.same_name(given.name):
            problems.append(
                Problem(
                    entry.row,
                    LABELS["name"],
                    # Never the registered name: any clerk could learn the name behind any
                    # ID number by typing a wrong one.
                    f"身份证号码{mask_id_number(given.id_number)}与填写的姓名“{given.name}”"
                    "不一致。请核对证件；确需更正姓名的，请联系监管部门。",
                )
            )
        elif person.registered_by_id is None and recorder is not None:
            person.registered_by = recorder
            entry.changed.add("registered_by")
        entry.person = person
        entry.updates_person = entry.created or (
            recorder_id is not None and person.registered_by_id == recorder_id
        )
        entry.recorded = _recorded_particulars(person, given)
        if entry.updates_person:
            entry.changed |= _apply_particulars(person, entry.recorded)
        _plan_work_history(entry, work[person.pk] if person.pk else [])
    employers = orgs_services.employers_resolve(
        [(e.particulars.employer_credit_code, e.particulars.employer_name) for e in entries],
        region_id=region_id,
        confirm_names=confirm_employer_names,
    )
    today = timezone.localdate()
    for index, entry in enumerate(entries):
        employer = employers.found[index]
        if index in employers.problems:
            key, reason, conflict = employers.problems[index]
            asked = employers.asked.get(index, "")
            problems.append(Problem(entry.row, LABELS[key], reason, conflict, asked))
        assert entry.person is not None
        if employer is None:
            continue
        _plan_employer(entry, employer, work[entry.person.pk] if entry.person.pk else [], today)
    return People(list(entries), employers.new, problems)


def _recorded_particulars(person: Person, particulars: Particulars) -> dict[str, Any]:
    """What the clerk gave, and the stored value of what they left blank ("not given")."""
    recorded: dict[str, Any] = {"education": particulars.education}
    for name in OPTIONAL_TEXT_FIELDS:
        recorded[name] = getattr(particulars, name) or getattr(person, name)
    for name in PERSON_FLAGS:
        value = getattr(particulars, name)
        recorded[name] = getattr(person, name) if value is None else value
    return recorded


def _apply_particulars(person: Person, recorded: dict[str, Any]) -> set[str]:
    """Writes the recorded particulars onto the person (in memory); returns the fields changed."""
    changed = set()
    for name in RECORDED_FIELDS:
        if getattr(person, name) != recorded[name]:
            setattr(person, name, recorded[name])
            changed.add(name)
    return changed


def _plan_work_history(entry: PersonEntry, stored: list[WorkHistory]) -> None:
    """A given period with the employer and start of a stored one corrects it (when the entry
    may update the person; else the stored one stands); others are new. A period given twice
    counts once."""
    by_key = {(row.employer_name, row.started_on): row for row in stored}
    final = dict(by_key)
    given: set[tuple[str, date]] = set()
    for period in entry.particulars.work_history:
        key = (period.employer_name, period.started_on)
        if key in given:
            continue
        given.add(key)
        row = by_key.get(key)
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
        elif entry.updates_person and (row.trade, row.ended_on, row.coal_mine) != (
            period.trade,
            period.ended_on,
            period.coal_mine,
        ):
            row.trade, row.ended_on, row.coal_mine = period.trade, period.ended_on, period.coal_mine
            entry.changed_work.append(row)
        final[key] = row
    entry.coal_periods = [(row.started_on, row.ended_on) for row in final.values() if row.coal_mine]


def _period_at(row: WorkHistory, employer: Organization) -> bool:
    if row.employer_id is not None and employer.pk is not None:
        return row.employer_id == employer.pk
    return orgs_services.same_name(row.employer_name) == orgs_services.same_name(employer.name)


def _plan_employer(
    entry: PersonEntry, employer: Organization, stored: list[WorkHistory], today: date
) -> None:
    """The employer given becomes the person's current one. The first is simply recorded; a
    change is a new period of work history from today (an open period given at that employer
    is taken as it), and the open period at the old employer ends the day before (a closed one
    from the day the person was registered is recorded when none was)."""
    person = entry.person
    assert person is not None
    old = person.employer if person.employer_id is not None else None
    # Assigned even when unchanged, so that reading it later costs no query per row.
    person.employer = employer
    if old is not None and old.pk == employer.pk:
        return
    entry.changed.add("employer")
    if old is None:
        return
    periods = [*stored, *entry.new_work]
    post = entry.recorded.get("post", "")
    at_old = [row for row in periods if _period_at(row, old)]
    day_before = today - timedelta(days=1)
    for row in at_old:
        if row.ended_on is None:
            row.ended_on = max(row.started_on, day_before)
            row.employer = row.employer or old
            if row.pk and row not in entry.changed_work:
                entry.changed_work.append(row)
    if not at_old:
        known_since = timezone.localdate(person.created_at) if person.created_at else today
        entry.new_work.append(
            WorkHistory(
                person=person,
                employer=old,
                employer_name=old.name,
                trade=person.post,
                started_on=min(known_since, day_before),
                ended_on=day_before,
            )
        )
    current = next((r for r in periods if r.ended_on is None and _period_at(r, employer)), None)
    if current is None:
        entry.new_work.append(
            WorkHistory(
                person=person,
                employer=employer,
                employer_name=employer.name,
                trade=post,
                started_on=today,
            )
        )
    elif current.employer_id is None:
        current.employer = employer
        if current.pk and current not in entry.changed_work:
            entry.changed_work.append(current)


def people_save(people: People, *, actor: Actor, reason: str) -> None:
    """Writes what people_prepare prepared, a bulk query per table."""
    history = {"default_user": actor.account, "default_change_reason": reason}
    created = [entry.person for entry in people.entries if entry.created]
    try:
        with transaction.atomic():
            orgs_services.enterprises_create(people.new_employers, actor=actor, reason=reason)
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
        WorkHistory.objects.bulk_update(
            changed_work, ["trade", "ended_on", "coal_mine", "employer"]
        )


class EmployerNameUnconfirmed(Conflict):
    """The credit code typed is registered under another name: the clerk is asked to confirm
    the registered unit (confirm_employer_name), which is never renamed."""

    def __init__(self, *messages: str, registered_name: str):
        self.registered_name = registered_name
        super().__init__(*messages)


def raise_for(problems: Sequence[Problem]) -> None:
    """Conflict (409) when any problem clashes with what is stored, else DomainError (400)."""
    if not problems:
        return
    reasons = [str(problem) for problem in problems]
    for problem in problems:
        if problem.registered_employer:
            raise EmployerNameUnconfirmed(*reasons, registered_name=problem.registered_employer)
    if any(problem.conflict for problem in problems):
        raise Conflict(*reasons)
    raise DomainError(*reasons)


@transaction.atomic
def person_record(
    *,
    actor: Actor,
    particulars: Particulars,
    region_id: str,
    reason: str,
    confirm_employer_name: bool = False,
) -> PersonEntry:
    """Records one person's particulars as the actor's unit gives them: creates the person, or
    updates what that unit may update of the person with that ID number (people_prepare).
    Audited when anything changed. The caller checks who may; the entry says what it records
    (entry.recorded) for the caller's enrolment."""
    entry = PersonEntry(row=None, particulars=particulars)
    people = people_prepare(
        [entry],
        region_id=region_id,
        recorder=actor.organization,
        confirm_employer_names=confirm_employer_name,
    )
    raise_for(people.problems)
    person = entry.person
    assert person is not None
    if entry.created or entry.changed or entry.new_work or entry.changed_work:
        people_save(people, actor=actor, reason=reason)
        audit_record(
            Action.PERSON_RECORDED,
            actor=actor,
            target=person,
            detail={
                "id_number": mask_id_number(person.id_number),
                "created": entry.created,
                "changed": sorted(entry.changed),
                **people.detail(),
            },
        )
    return entry

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.catalog import selectors as catalog_selectors
from peikao.core.errors import DomainError, NotFound
from peikao.core.identifiers import identity_or_refusal
from peikao.people import rules
from peikao.people.models import Person, Violation
from peikao.people.particulars import RECORDED_FIELDS
from peikao.people.permissions import require_eligibility_checker


def person_list(actor: Actor):
    """People in the actor: by employer region, an enterprise's staff, or oneself."""
    open_violation = Violation.objects.filter(person=OuterRef("pk"), status=Violation.Status.OPEN)
    queryset = Person.objects.select_related("employer__region").annotate(
        cleared_to_work=~Exists(open_violation)
    )
    # In the order of registration: a long list, paged by keyset on the primary key.
    return queryset.visible_to(actor).order_by("id")


def person_detail(actor: Actor, person_id: int) -> Person:
    person = person_list(actor).filter(pk=person_id).first()
    if person is None:
        raise NotFound("未找到该人员，或不在您的管辖范围内。")
    return person


def person_of_trainee(actor: Actor) -> Person:
    if actor.person_id is None:
        raise NotFound("当前角色没有对应的个人档案。")
    return person_detail(actor, actor.person_id)


TARGET_FIELDS = (
    "post",
    "item_code",
    "major_hazard_or_key_process",
    "explosive_chemicals",
    "hazardous_chemical_key_unit",
)


def eligibility_dry_run(
    actor: Actor, *, id_number: str, on_date: date | None, **particulars
) -> dict:
    """The eligibility rules for a would-be applicant, from the ID number and particulars,
    with the open 三违 records and a barring revocation of that ID number among the people the
    actor sees (so that the answer tells nothing about anyone else); stores nothing."""
    require_eligibility_checker(actor)
    identity = identity_or_refusal(id_number)
    target = rules.Target(**{k: particulars.pop(k) for k in TARGET_FIELDS})
    open_violations = open_violation_count(actor, identity.id_number)
    applicant = rules.Applicant(
        birth_date=identity.birth_date,
        sex=identity.sex,
        open_violations=open_violations,
        fraud_revocation_date=fraud_revocation_date_seen(actor, identity.id_number),
        **particulars,
    )
    decision = rules.check_eligibility(
        applicant,
        target,
        on_date or timezone.localdate(),
        item_codes=set(catalog_selectors.operation_items().values_list("code", flat=True)),
    )
    return {
        "eligible": decision.eligible,
        # Only questions and input errors: the rules cannot decide yet.
        "undecided": not decision.eligible
        and all(refusal.kind != rules.REFUSED for refusal in decision.refusals),
        "birth_date": identity.birth_date,
        "sex": identity.sex,
        "retirement_date": rules.retirement_date(
            identity.birth_date, identity.sex, applicant.female_post
        ),
        "refusals": decision.refusals,
    }


def open_violation_count(actor: Actor, id_number: str) -> int:
    """Open 三违 records of the person with this ID number, if the actor may see them."""
    people = Person.objects.all().visible_to(actor).filter(id_number=id_number)
    return Violation.objects.filter(person__in=people, status=Violation.Status.OPEN).count()


def fraud_revocation_date_seen(actor: Actor, id_number: str) -> date | None:
    """The latest barring revocation of the person with this ID number, if the actor may see
    them (as open_violation_count)."""
    people = Person.objects.all().visible_to(actor).filter(id_number=id_number)
    ids = list(people.values_list("pk", flat=True))
    return max(fraud_revocation_dates(ids).values(), default=None)


def fraud_revocation_dates(person_ids: Iterable[int]) -> dict[int, date]:
    """The latest revocation for false information, deception or bribery of each of these
    people (those with none are left out), in one query: 令30号 第三十条 bars a new
    application for 3 years.

    Read from the certificates app, which sits above people (its certificates are held by
    Person): imported here, at the call, so that people never loads it at import time."""
    from peikao.certificates.selectors import fraud_revocation_dates as revocations

    return revocations(person_ids)


def open_violation_counts(person_ids: Iterable[int]) -> dict[int, int]:
    """How many open 三违 records each of these people has (those with none are left out), in
    one query: the enrolment checks of a whole spreadsheet."""
    return dict(
        Violation.objects.filter(person_id__in=list(person_ids), status=Violation.Status.OPEN)
        .values("person_id")
        .annotate(count=Count("id"))
        .values_list("person_id", "count")
    )


def coal_mine_months(periods: Iterable[tuple[date, date | None]], on_date: date) -> int:
    """Whole months of coal-mine work up to on_date, from (start, end or None) periods.

    Periods that overlap (two jobs held at once) count once: the rules ask how long someone
    has worked in coal mines, not how many jobs they held. An end date counts as worked.
    """
    spans = sorted(
        (start, min(end or on_date, on_date) + timedelta(days=1))
        for start, end in periods
        if start <= on_date
    )
    merged: list[tuple[date, date]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return sum(_whole_months(start, end) for start, end in merged)


def _whole_months(start: date, end: date) -> int:
    """Complete months from start up to, not including, end."""
    months = (end.year - start.year) * 12 + end.month - start.month
    while months > 0 and rules.add_months(start, months) > end:
        months -= 1
    return max(months, 0)


def applicant_from(
    person: Person,
    *,
    particulars: Mapping[str, Any] | None = None,
    coal_mine_periods: Iterable[tuple[date, date | None]],
    open_violations: int,
    fraud_revocation_date: date | None,
    on_date: date,
    new_hire: bool | None = None,
) -> rules.Applicant:
    """The eligibility rules' view of a person, from data the caller has already read (the
    Excel import reads every row's history in one query). particulars: those an enrolment
    records (people.particulars.RECORDED_FIELDS), else the person's own. fraud_revocation_date:
    the person's latest barring revocation (fraud_revocation_dates), asked of every caller so
    that none forgets it. new_hire is a fact of the application, not of the person: whether
    they are new at the employer they enrol from."""
    given = particulars if particulars is not None else recorded_of(person)
    if given["education"] is None:
        raise DomainError(f"{person.name}未登记文化程度，无法审核报考条件。")
    return rules.Applicant(
        birth_date=person.birth_date,
        sex=person.sex,
        education=rules.Education(given["education"]),
        female_post=given["female_post"],
        education_related_to_coal=given["education_related_to_coal"],
        education_chemical=given["education_chemical"],
        education_chemistry_or_safety=given["education_chemistry_or_safety"],
        chemical_intermediate_title=given["chemical_intermediate_title"],
        coal_mine_work_months=coal_mine_months(coal_mine_periods, on_date),
        fraud_revocation_date=fraud_revocation_date,
        open_violations=open_violations,
        new_hire=new_hire,
    )


def recorded_of(record) -> dict[str, Any]:
    """The particulars (RECORDED_FIELDS) of a person or of an enrolment, which has the same."""
    return {name: getattr(record, name) for name in RECORDED_FIELDS}


def applicant_for_person(
    person: Person, on_date: date, *, new_hire: bool | None = None
) -> rules.Applicant:
    """The eligibility rules' view of a stored person on a day, from their own particulars."""
    periods = person.work_history.filter(coal_mine=True).values_list("started_on", "ended_on")
    return applicant_from(
        person,
        coal_mine_periods=periods,
        open_violations=open_violation_counts([person.pk]).get(person.pk, 0),
        fraud_revocation_date=fraud_revocation_dates([person.pk]).get(person.pk),
        on_date=on_date,
        new_hire=new_hire,
    )


def violation_list(actor: Actor, *, status: str = ""):
    """三违 records the actor sees (Violation.visible_to), open ones first."""
    violations = Violation.objects.visible_to(actor).select_related(
        "person", "recorded_by_organization", "closing_enrolment__training_class"
    )
    if status:
        violations = violations.filter(status=status)
    return violations.order_by("-status", "-occurred_on", "-id")

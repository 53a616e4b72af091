from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

from peikao.accounts.jurisdiction import Jurisdiction
from peikao.core.errors import DomainError, NotFound
from peikao.core.identifiers import identity_from_id_number
from peikao.people import rules
from peikao.people.models import Person


def person_list(jurisdiction: Jurisdiction):
    """People in the jurisdiction: by employer region, an enterprise's staff, or oneself."""
    queryset = Person.objects.select_related("employer__region")
    return jurisdiction.persons(queryset).order_by("employer_id", "id")


def person_detail(jurisdiction: Jurisdiction, person_id: int) -> Person:
    person = person_list(jurisdiction).filter(pk=person_id).first()
    if person is None:
        raise NotFound("未找到该人员，或不在您的管辖范围内。")
    return person


def person_of_trainee(jurisdiction: Jurisdiction) -> Person:
    if jurisdiction.person_id is None:
        raise NotFound("当前角色没有对应的个人档案。")
    return person_detail(jurisdiction, jurisdiction.person_id)


TARGET_FIELDS = (
    "post",
    "item_code",
    "major_hazard_or_key_process",
    "explosive_chemicals",
    "hazardous_chemical_key_unit",
)


def eligibility_dry_run(*, id_number: str, on_date: date | None, **particulars) -> dict:
    """The eligibility rules for a would-be applicant, from the ID number and particulars;
    reads and stores nothing."""
    try:
        identity = identity_from_id_number(id_number)
    except ValidationError as error:
        raise DomainError(*error.messages) from None
    target = rules.Target(**{k: particulars.pop(k) for k in TARGET_FIELDS})
    applicant = rules.Applicant(birth_date=identity.birth_date, sex=identity.sex, **particulars)
    decision = rules.check_eligibility(applicant, target, on_date or timezone.localdate())
    return {
        "eligible": decision.eligible,
        "birth_date": identity.birth_date,
        "sex": identity.sex,
        "retirement_date": rules.retirement_date(
            identity.birth_date, identity.sex, applicant.female_post
        ),
        "refusals": decision.refusals,
    }

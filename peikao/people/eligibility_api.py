"""POST /api/eligibility/check: the eligibility rules as a dry run, before enrolling anyone."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Router, Schema

from peikao.core.errors import DomainError
from peikao.core.identifiers import identity_from_id_number
from peikao.people import rules

router = Router(tags=["报考条件"])


class EligibilityIn(Schema):
    id_number: str
    education: rules.Education
    post: str  # principal, safety_manager or special_operator
    item_code: str = ""
    female_post: str = "worker"
    education_related_to_coal: bool = False
    education_chemical: bool = False
    education_chemistry_or_safety: bool = False
    chemical_intermediate_title: bool = False
    coal_mine_work_months: int = 0
    major_hazard_or_key_process: bool = False
    explosive_chemicals: bool = False
    hazardous_chemical_key_unit: bool = False
    on_date: date | None = None


class RefusalOut(Schema):
    reason: str
    source: str


class EligibilityOut(Schema):
    eligible: bool
    birth_date: date
    sex: str
    retirement_date: date
    refusals: list[RefusalOut]


@router.post("/check", response=EligibilityOut, summary="报考条件预审（不保存任何数据）")
def eligibility_check(request, payload: EligibilityIn):
    try:
        identity = identity_from_id_number(payload.id_number)
    except ValidationError as error:
        raise DomainError(*error.messages) from None
    applicant = rules.Applicant(
        birth_date=identity.birth_date,
        sex=identity.sex,
        education=payload.education,
        female_post=payload.female_post,
        education_related_to_coal=payload.education_related_to_coal,
        education_chemical=payload.education_chemical,
        education_chemistry_or_safety=payload.education_chemistry_or_safety,
        chemical_intermediate_title=payload.chemical_intermediate_title,
        coal_mine_work_months=payload.coal_mine_work_months,
    )
    target = rules.Target(
        post=payload.post,
        item_code=payload.item_code,
        major_hazard_or_key_process=payload.major_hazard_or_key_process,
        explosive_chemicals=payload.explosive_chemicals,
        hazardous_chemical_key_unit=payload.hazardous_chemical_key_unit,
    )
    decision = rules.check_eligibility(applicant, target, payload.on_date or timezone.localdate())
    return {
        "eligible": decision.eligible,
        "birth_date": identity.birth_date,
        "sex": identity.sex,
        "retirement_date": rules.retirement_date(
            identity.birth_date, identity.sex, payload.female_post
        ),
        "refusals": decision.refusals,
    }

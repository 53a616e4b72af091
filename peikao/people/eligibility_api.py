"""POST /api/eligibility/check: the eligibility rules as a dry run, before enrolling anyone."""

from datetime import date

from ninja import Router, Schema

from peikao.people import rules, selectors

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
    particulars = payload.dict(exclude={"id_number", "on_date"})
    return selectors.eligibility_dry_run(
        id_number=payload.id_number, on_date=payload.on_date, **particulars
    )

from datetime import date

from ninja import Router, Schema
from ninja.pagination import paginate

from peikao.core.masking import mask_id_number, mask_phone
from peikao.people import selectors

router = Router(tags=["人员"])


class PersonOut(Schema):
    """ID and phone numbers are masked: no role of this API needs them whole."""

    id: int
    name: str
    sex: str
    birth_date: date
    id_number: str
    phone: str
    employer_id: int | None
    employer: str | None

    @staticmethod
    def resolve_id_number(obj):
        return mask_id_number(obj.id_number)

    @staticmethod
    def resolve_phone(obj):
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_employer(obj):
        return obj.employer.name if obj.employer else None


@router.get("/", response=list[PersonOut], summary="管辖范围内的人员")
@paginate
def person_list(request):
    return selectors.person_list(request.jurisdiction)


@router.get("/{person_id}", response=PersonOut, summary="人员详情")
def person_detail(request, person_id: int):
    return selectors.person_detail(request.jurisdiction, person_id)

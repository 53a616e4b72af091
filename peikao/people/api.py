from datetime import date
from typing import Annotated

from ninja import Router, Schema, Status
from ninja.pagination import paginate

from peikao.core.api_types import Day, Id, Text, column
from peikao.core.masking import mask_id_number, mask_phone
from peikao.core.pagination import KeysetPagination
from peikao.people import selectors, services

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
    cleared_to_work: bool = True

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
@paginate(KeysetPagination)
def person_list(request):
    return selectors.person_list(request.actor)


@router.get("/{int:person_id}", response=PersonOut, summary="人员详情")
def person_detail(request, person_id: Id):
    return selectors.person_detail(request.actor, person_id)


class ViolationOut(Schema):
    id: int
    person_id: int
    name: str
    id_number: str
    kind: str
    kind_name: str
    occurred_on: date
    description: str
    post: str
    confirmed_by: str
    recorded_by_organization: str
    status: str
    closing_enrolment_id: int | None

    @staticmethod
    def resolve_name(obj):
        return obj.person.name

    @staticmethod
    def resolve_id_number(obj):
        return mask_id_number(obj.person.id_number)

    @staticmethod
    def resolve_kind_name(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_recorded_by_organization(obj):
        return obj.recorded_by_organization.name


class ViolationIn(Schema):
    id_number: Annotated[str, column("people.Person", "id_number")]
    kind: Annotated[str, column("people.Violation", "kind")]
    occurred_on: Day
    description: Annotated[str, column("people.Violation", "description")]
    confirmed_by: Annotated[str, column("people.Violation", "confirmed_by")]
    post: Annotated[str, column("people.Violation", "post")] = ""


@router.get("/violations", response=list[ViolationOut], summary="三违记录（未关闭的在前）")
@paginate(KeysetPagination)
def violation_list(request, status: Text = ""):
    return selectors.violation_list(request.actor, status=status)


@router.post(
    "/violations",
    response={200: ViolationOut, 201: ViolationOut},
    summary="登记三违（企业、监管部门）；同一人员、类型、日期和记录单位已登记的，返回该记录（200）",
)
def violation_record(request, payload: ViolationIn):
    violation, created = services.violation_record(actor=request.actor, **payload.dict())
    return Status(201 if created else 200, violation)

from typing import Annotated, Literal

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from peikao.core.api_types import NO_NUL, Id, Text, column
from peikao.core.pagination import KeysetPagination
from peikao.orgs import selectors, services

# A phone number as written, e.g. 0359-2021234 转 8001 (stored in a JSON list, not a column).
PHONE_MAX = 30

router = Router(tags=["单位"])
public_router = Router(tags=["公开信息"])


class RegionOut(Schema):
    code: str
    name: str
    level: str


class ItemRef(Schema):
    code: str
    name: str


class OrganizationOut(Schema):
    id: int
    kind: str
    kind_name: str
    name: str
    region: RegionOut
    parent_id: int | None
    credit_code: str | None
    address: str
    legal_representative: str
    person_in_charge: str
    phones: list[str]
    status: str
    status_name: str
    status_reason: str
    training_items: list[ItemRef]
    training_posts: list[str]
    training_industries: list[str]

    @staticmethod
    def resolve_training_industries(obj):
        return [industry.name for industry in obj.training_industries.all()]

    @staticmethod
    def resolve_kind_name(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_status_name(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_training_items(obj):
        return [ItemRef(code=i.code, name=i.name) for i in obj.training_items.all()]

    @staticmethod
    def resolve_training_posts(obj):
        return [p.name for p in obj.training_posts.all()]


class StatusChangeIn(Schema):
    target: Literal["active", "suspended", "exited"]
    reason: Annotated[str, column("orgs.Organization", "status_reason")]


class RegistrationChangeIn(Schema):
    reason: Annotated[str, column("orgs.Organization", "status_reason")]
    name: Annotated[str, column("orgs.Organization", "name")] | None = None
    credit_code: Annotated[str, column("orgs.Organization", "credit_code")] | None = None
    address: Annotated[str, column("orgs.Organization", "address")] | None = None
    legal_representative: (
        Annotated[str, column("orgs.Organization", "legal_representative")] | None
    ) = None
    person_in_charge: Annotated[str, column("orgs.Organization", "person_in_charge")] | None = None
    phones: list[Annotated[str, Field(max_length=PHONE_MAX, pattern=NO_NUL)]] | None = None


@router.get("/", response=list[OrganizationOut], summary="管辖范围内的单位")
@paginate(KeysetPagination)
def organization_list(request, kind: Text = "", region: Text = ""):
    return selectors.organization_list(request.actor, kind=kind, region=region)


@router.get("/{organization_id}", response=OrganizationOut, summary="单位详情")
def organization_detail(request, organization_id: Id):
    return selectors.organization_detail(request.actor, organization_id)


@router.post(
    "/{organization_id}/status",
    response=OrganizationOut,
    summary="暂停培训、恢复或退出（需填写原因）",
)
def institution_status(request, organization_id: Id, payload: StatusChangeIn):
    return services.institution_change_status(
        actor=request.actor,
        institution_id=organization_id,
        target=payload.target,
        reason=payload.reason,
    )


@router.post(
    "/{organization_id}/registration",
    response=OrganizationOut,
    summary="变更培训机构登记信息（需填写原因）",
)
def institution_registration(request, organization_id: Id, payload: RegistrationChangeIn):
    changes = payload.dict(exclude={"reason"}, exclude_none=True)
    return services.institution_update_registration(
        actor=request.actor,
        institution_id=organization_id,
        reason=payload.reason,
        changes=changes,
    )


class ExamPointRef(Schema):
    id: int
    name: str
    address: str


class DirectoryEntryOut(Schema):
    id: int
    name: str
    city: str
    address: str
    person_in_charge: str
    phones: list[str]
    status_name: str
    scope_text: str
    training_items: list[ItemRef]
    training_posts: list[str]
    exam_points: list[ExamPointRef]

    @staticmethod
    def resolve_city(obj):
        return obj.region.parent.name if obj.region.parent else obj.region.name

    @staticmethod
    def resolve_status_name(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_training_items(obj):
        return OrganizationOut.resolve_training_items(obj)

    @staticmethod
    def resolve_training_posts(obj):
        return OrganizationOut.resolve_training_posts(obj)

    @staticmethod
    def resolve_exam_points(obj):
        return [ExamPointRef(id=u.id, name=u.name, address=u.address) for u in obj.units.all()]


@public_router.get(
    "/institutions", response=list[DirectoryEntryOut], summary="培训机构名录及咨询电话（公开）"
)
def public_institutions(request, city: Text = ""):
    return list(selectors.public_institution_directory(city=city))


class CityOut(Schema):
    code: str
    name: str


@public_router.get("/cities", response=list[CityOut], summary="市级行政区划")
def public_cities(request):
    return list(selectors.city_list())

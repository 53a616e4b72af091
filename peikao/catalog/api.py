from datetime import date
from decimal import Decimal
from typing import Annotated

from ninja import Field, Router, Schema, Status

from peikao.catalog import rules, selectors, services
from peikao.core.api_types import NO_NUL, Day, Id, column

router = Router(tags=["目录与规则"])


class ItemOut(Schema):
    code: str
    name: str
    issued_by_city: bool
    enabled: bool
    note: str


class CategoryOut(Schema):
    code: str
    name: str
    items: list[ItemOut]

    @staticmethod
    def resolve_items(obj):
        return list(obj.items.all())


class IndustryOut(Schema):
    code: str
    name: str
    high_risk: bool
    assessed_by_emergency_management: bool


class PostCategoryOut(Schema):
    code: str
    name: str


class RuleValueOut(Schema):
    id: int
    key: str
    label: str
    unit: str
    subject: str
    scope: str
    region: str | None
    value: Decimal
    effective_from: date
    source: str

    @staticmethod
    def resolve_label(obj):
        return rules.rule_label(obj.key)

    @staticmethod
    def resolve_unit(obj):
        return rules.rule_unit(obj.key)

    @staticmethod
    def resolve_region(obj):
        return obj.region.name if obj.region else None


class RuleValueIn(Schema):
    key: Annotated[str, column("catalog.RuleValue", "key")]
    subject: Annotated[str, column("catalog.RuleValue", "subject")] = ""
    value: Annotated[Decimal, column("catalog.RuleValue", "value")]
    effective_from: Day
    source: Annotated[str, column("catalog.RuleValue", "source")] = ""


@router.get("/categories", response=list[CategoryOut], summary="特种作业目录")
def categories(request):
    return list(selectors.catalogue())


@router.get("/industries", response=list[IndustryOut], summary="行业")
def industries(request):
    return list(selectors.industries())


@router.get("/post-categories", response=list[PostCategoryOut], summary="人员类别")
def post_categories(request):
    return list(selectors.post_categories())


@router.get("/rules", response=list[RuleValueOut], summary="本辖区适用的规则参数")
def rule_values(request):
    return list(selectors.rule_value_list(request.actor))


@router.post("/rules", response={201: RuleValueOut}, summary="设置规则参数（省、市管理员）")
def rule_value_set(request, payload: RuleValueIn):
    row = services.rule_value_set(
        actor=request.actor,
        key=payload.key,
        subject=payload.subject,
        value=payload.value,
        effective_from=payload.effective_from,
        source=payload.source,
    )
    return Status(201, row)


class RuleValueCorrectionIn(Schema):
    value: Annotated[Decimal, column("catalog.RuleValue", "value")]
    # As long as the page's reason (catalog/forms.py).
    reason: Annotated[str, Field(max_length=200, pattern=NO_NUL)] = ""


@router.post(
    "/rules/{rule_value_id}/correct",
    response=RuleValueOut,
    summary="更正今天或以后生效的规则参数（须填写原因）",
)
def rule_value_correct(request, rule_value_id: Id, payload: RuleValueCorrectionIn):
    return services.rule_value_correct(
        actor=request.actor,
        rule_value_id=rule_value_id,
        value=payload.value,
        reason=payload.reason,
    )

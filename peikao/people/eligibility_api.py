"""POST /api/eligibility/check: the eligibility rules as a dry run, before enrolling anyone."""

from datetime import date
from typing import Annotated, Literal

from ninja import Field, Router, Schema

from peikao.core.api_types import Day, column
from peikao.people import rules, selectors

router = Router(tags=["报考条件"])


class EligibilityIn(Schema):
    id_number: Annotated[str, column("people.Person", "id_number")]
    education: rules.Education = Field(description="文化程度：1 小学 … 6 研究生")
    post: rules.Post = Field(
        description="报考人员类别：principal 主要负责人，safety_manager 安全生产管理人员，"
        "special_operator 特种作业人员"
    )
    item_code: Annotated[str, column("catalog.OperationItem", "code")] = Field(
        "", description="特种作业项目编号（特种作业人员必填），如 1.2"
    )
    female_post: rules.FemalePost | None = Field(
        None,
        description="女性人员的岗位类型：worker 工人，cadre 干部；男性不填。"
        "未填而影响退休年龄判断时，结果中会要求补填（kind 为 missing）。",
    )
    new_hire: bool | None = Field(
        None,
        description="是否新入职。运城市通知附件1的危险化学品学历要求只适用于新入职人员；"
        "未填而影响结论时，结果中会要求补填（kind 为 missing）。",
    )
    education_related_to_coal: bool = False
    education_chemical: bool = False
    education_chemistry_or_safety: bool = False
    chemical_intermediate_title: bool = False
    coal_mine_work_months: int = Field(
        0, ge=0, le=12 * 100, description="煤矿工作经历月数，不能为负数"
    )
    major_hazard_or_key_process: bool = False
    explosive_chemicals: bool = False
    hazardous_chemical_key_unit: bool = False
    on_date: Day | None = None


class EligibilityRefusalOut(Schema):
    reason: str
    source: str
    kind: Literal["refused", "missing", "invalid"] = Field(
        description="refused 不符合条件，missing 需补填后才能判断，invalid 填写的值无效"
    )
    field: str = Field(description="missing、invalid 所指的输入项")


class EligibilityOut(Schema):
    eligible: bool
    birth_date: date
    sex: str
    retirement_date: date | None = Field(description="法定退休日期；女性未填岗位类型时为空")
    refusals: list[EligibilityRefusalOut]


@router.post(
    "/check",
    response=EligibilityOut,
    summary="报考条件预审（不保存任何数据；三违记录只核对本人管辖范围内的人员）",
)
def eligibility_check(request, payload: EligibilityIn):
    particulars = payload.dict(exclude={"id_number", "on_date"})
    return selectors.eligibility_dry_run(
        request.actor, id_number=payload.id_number, on_date=payload.on_date, **particulars
    )

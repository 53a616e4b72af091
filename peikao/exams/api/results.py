"""Results: the candidate's own, an institution's trainees', an enterprise's staff's, and pass
rates for the exam center and the regulators."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Router, Schema
from ninja.pagination import paginate

from peikao.core.api_types import Day, Id, Text
from peikao.core.pagination import KeysetPagination
from peikao.exams.selectors import results as selectors

router = Router()


class ResultOut(Schema):
    id: int
    application_id: int
    candidate: str
    item: str | None
    exam_date: date
    exam_point: str
    theory_score: Decimal | None
    practical_score: Decimal | None
    status: str
    decided_at: datetime | None
    retake: bool
    fee_waived: bool
    advice: str

    @staticmethod
    def resolve_candidate(obj):
        return obj.person.name

    @staticmethod
    def resolve_item(obj):
        return obj.application.item_id

    @staticmethod
    def resolve_exam_date(obj):
        return obj.application.session.exam_date

    @staticmethod
    def resolve_exam_point(obj):
        return obj.application.session.exam_point.name

    @staticmethod
    def resolve_retake(obj):
        return obj.application.retake_of_id is not None

    @staticmethod
    def resolve_fee_waived(obj):
        return obj.application.fee_waived

    @staticmethod
    def resolve_advice(obj):
        return selectors.with_advice([obj])[0].advice


class PassRateOut(Schema):
    name: str
    sat: int
    passed: int
    absent: int
    rate: Decimal | None


class PassRatesOut(Schema):
    institution: list[PassRateOut]
    item: list[PassRateOut]
    exam_point: list[PassRateOut]


@router.get("/results", response=list[ResultOut], summary="考试成绩")
@paginate(KeysetPagination)
def result_list(request, status: Text = ""):
    return selectors.result_list(request.actor, status=status)


@router.get(
    "/results/pass-rates",
    response=PassRatesOut,
    summary="合格率：按培训机构、操作项目、考试点（考试中心、应急管理部门）",
)
def pass_rates(request, start: Day | None = None, end: Day | None = None):
    return selectors.pass_rates(request.actor, start=start, end=end)


@router.get("/results/{result_id}", response=ResultOut, summary="考试成绩详情")
def result_detail(request, result_id: Id):
    return selectors.result_detail(request.actor, result_id)

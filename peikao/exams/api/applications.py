"""Exam applications: apply (one or a batch), read (scoped), review, resubmit, withdraw; and the
fraud cases the regulator sees. Refusals: 400 (a check not met, every reason in `errors`), 403
(the role may not), 404 (missing or out of scope, one answer), 409 (closed, past the deadline,
no seat left, already applied, a state that does not allow it)."""

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from peikao.core.api_types import Id, Text, column
from peikao.core.masking import mask_id_number
from peikao.core.pagination import KeysetPagination
from peikao.exams.selectors import applications as selectors
from peikao.exams.services import applications as services

router = Router()


class ApplicationOut(Schema):
    id: int
    session_id: int
    exam_date: date
    exam_point: str
    person_name: str
    id_number: str
    item: str | None
    institution_id: int | None
    employer_id: int | None
    enrolment_id: int | None
    status: str
    status_label: str
    status_reason: str
    applied_at: datetime
    reviewed_at: datetime | None

    @staticmethod
    def resolve_exam_date(obj):
        return obj.session.exam_date

    @staticmethod
    def resolve_exam_point(obj):
        return obj.session.exam_point.name

    @staticmethod
    def resolve_person_name(obj):
        return obj.person.name

    @staticmethod
    def resolve_id_number(obj, context):
        actor = context["request"].actor
        number = obj.person.id_number
        return number if actor.is_exam_center else mask_id_number(number)

    @staticmethod
    def resolve_item(obj):
        return obj.item_id

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()


class NoticeOut(Schema):
    text: str
    created_at: datetime


class ApplicationDetailOut(ApplicationOut):
    notices: list[NoticeOut]
    hours_certificate: str | None

    @staticmethod
    def resolve_notices(obj):
        return list(selectors.application_notices(obj))

    @staticmethod
    def resolve_hours_certificate(obj):
        certificate = getattr(obj.enrolment, "hours_certificate", None) if obj.enrolment else None
        return certificate.number if certificate else None


class ApplyIn(Schema):
    session_id: Id
    enrolment_id: Id


class BatchIn(Schema):
    session_id: Id
    enrolment_ids: list[Id] = Field(..., max_length=services.BATCH_LIMIT)


class RefusedOut(Schema):
    enrolment_id: int
    name: str
    reasons: list[str]


class BatchOut(Schema):
    accepted: list[ApplicationOut]
    refused: list[RefusedOut]


class ApplicationReasonIn(Schema):
    reason: Annotated[str, column("exams.ExamApplication", "status_reason")]


class FraudCaseOut(Schema):
    id: int
    application_id: int
    person_name: str
    exam_date: date
    exam_point: str
    institution_id: int | None
    reason: str
    recorded_at: datetime

    @staticmethod
    def resolve_person_name(obj):
        return obj.application.person.name

    @staticmethod
    def resolve_exam_date(obj):
        return obj.application.session.exam_date

    @staticmethod
    def resolve_exam_point(obj):
        return obj.application.session.exam_point.name

    @staticmethod
    def resolve_institution_id(obj):
        return obj.application.institution_id


def _detail(request, application_id: int):
    return selectors.application_detail(request.actor, application_id)


@router.get("/applications", response=list[ApplicationOut], summary="考试报名（按调用者管辖范围）")
@paginate(KeysetPagination)
def application_list(request, session_id: Id | None = None, status: Text = ""):
    return selectors.application_list(request.actor, session_id=session_id, status=status)


@router.get(
    "/applications/review-queue",
    response=list[ApplicationOut],
    summary="待审核的考试报名（考试中心，本市）",
)
@paginate(KeysetPagination)
def review_queue(request, session_id: Id | None = None):
    return selectors.review_queue(request.actor, session_id=session_id)


@router.post(
    "/applications",
    response={201: ApplicationDetailOut},
    summary="报名考试（学员本人或其培训机构）",
    description=(
        "拒绝：400 学时、材料、报考条件、项目不符或资料造假记录（errors 列出全部原因）；"
        "403 角色无权；404 未找到培训报名或考试；409 未开放报名、已截止、座位已满、已报名该场考试。"
    ),
)
def application_submit(request, payload: ApplyIn):
    application = services.application_submit(
        actor=request.actor, session_id=payload.session_id, enrolment_id=payload.enrolment_id
    )
    return Status(201, _detail(request, application.pk))


@router.post(
    "/applications/batch",
    response=BatchOut,
    summary="批量报名考试（培训机构）",
    description=(
        "不是全部成功或全部失败：每人单独审查，能报的报上，其余逐人说明原因（refused）。"
        "403 非培训机构；409 考试未开放报名或已截止。"
    ),
)
def applications_submit_batch(request, payload: BatchIn):
    result = services.applications_submit_batch(
        actor=request.actor, session_id=payload.session_id, enrolment_ids=payload.enrolment_ids
    )
    return {"accepted": result.accepted, "refused": result.refused}


@router.get("/applications/{application_id}", response=ApplicationDetailOut, summary="考试报名详情")
def application_detail(request, application_id: Id):
    return _detail(request, application_id)


@router.post(
    "/applications/{application_id}/approve",
    response=ApplicationDetailOut,
    summary="审核通过（考试中心）",
)
def application_approve(request, application_id: Id):
    services.application_approve(actor=request.actor, application_id=application_id)
    return _detail(request, application_id)


@router.post(
    "/applications/{application_id}/return",
    response=ApplicationDetailOut,
    summary="退回修改，须填写原因（考试中心）",
)
def application_return(request, application_id: Id, payload: ApplicationReasonIn):
    services.application_return(
        actor=request.actor, application_id=application_id, reason=payload.reason
    )
    return _detail(request, application_id)


@router.post(
    "/applications/{application_id}/reject",
    response=ApplicationDetailOut,
    summary="认定资料造假，取消本次考核资格，须填写原因（考试中心）",
)
def application_reject(request, application_id: Id, payload: ApplicationReasonIn):
    services.application_reject_as_fraud(
        actor=request.actor, application_id=application_id, reason=payload.reason
    )
    return _detail(request, application_id)


@router.post(
    "/applications/{application_id}/resubmit",
    response=ApplicationDetailOut,
    summary="修改后重新提交（报名人）",
)
def application_resubmit(request, application_id: Id):
    services.application_resubmit(actor=request.actor, application_id=application_id)
    return _detail(request, application_id)


@router.post(
    "/applications/{application_id}/withdraw",
    response=ApplicationDetailOut,
    summary="撤回报名（报名人），释放座位",
)
def application_withdraw(request, application_id: Id):
    services.application_withdraw(actor=request.actor, application_id=application_id)
    return _detail(request, application_id)


@router.get(
    "/fraud-cases", response=list[FraudCaseOut], summary="资料造假记录（应急管理部门、考试中心）"
)
@paginate(KeysetPagination)
def fraud_case_list(request):
    return selectors.fraud_case_list(request.actor)

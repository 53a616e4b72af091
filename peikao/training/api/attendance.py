"""Attendance: terminals post with their own key; clerks record by hand with a reason."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Router, Schema, Status
from ninja.pagination import paginate

from peikao.core.api_types import DateTime, Id, column
from peikao.core.masking import mask_id_number
from peikao.core.pagination import KeysetPagination
from peikao.monitoring.actors import device_actor
from peikao.monitoring.auth import TerminalKeyAuth
from peikao.training.selectors import attendance as selectors
from peikao.training.services import attendance as services
from peikao.training.services import violations

router = Router()


class DeviceEventIn(Schema):
    id_number: Annotated[str, column("training.DeviceReport", "id_number")]
    direction: Literal["in", "out"]
    occurred_at: DateTime
    event_id: Annotated[str, column("training.DeviceReport", "event_id")]
    method: Literal["face", "id_card"]


class DeviceReportOut(Schema):
    event_id: str
    status: str
    status_label: str
    refusal: str
    occurred_at: datetime
    received_at: datetime
    processed_at: datetime | None

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()


class ClerkEventIn(Schema):
    session_id: Id
    direction: Literal["in", "out"]
    occurred_at: DateTime
    reason: Annotated[str, column("training.AttendanceEvent", "reason")]


class EventOut(Schema):
    id: int
    enrolment_id: Id
    session_id: int
    direction: str
    occurred_at: datetime
    source: str
    method: str
    reason: str
    enrolment_hours: Decimal

    @staticmethod
    def resolve_enrolment_hours(obj):
        return obj.enrolment.hours


class SheetRowOut(Schema):
    enrolment_id: Id
    name: str
    id_number: str
    minutes: list[int]
    hours: Decimal
    complete: bool
    overlap_flagged: bool
    hours_certificate: str | None

    @staticmethod
    def resolve_enrolment_id(obj):
        return obj.enrolment.pk

    @staticmethod
    def resolve_name(obj):
        return obj.enrolment.person.name

    @staticmethod
    def resolve_id_number(obj):
        return mask_id_number(obj.enrolment.person.id_number)

    @staticmethod
    def resolve_overlap_flagged(obj):
        return obj.enrolment.overlap_flagged

    @staticmethod
    def resolve_hours_certificate(obj):
        certificate = getattr(obj.enrolment, "hours_certificate", None)
        return certificate.number if certificate else None


class SheetOut(Schema):
    class_id: int
    required_hours: Decimal
    session_ids: list[int]
    rows: list[SheetRowOut]

    @staticmethod
    def resolve_class_id(obj):
        return obj.training_class.pk

    @staticmethod
    def resolve_required_hours(obj):
        return obj.training_class.required_hours

    @staticmethod
    def resolve_session_ids(obj):
        return [session.pk for session in obj.sessions]


class RejectionOut(Schema):
    id: int
    institution: str
    id_number_masked: str
    occurred_at: datetime | None
    reason: str
    received_at: datetime

    @staticmethod
    def resolve_institution(obj):
        return obj.organization.name


@router.post(
    "/attendance/device",
    auth=TerminalKeyAuth(),
    response={200: DeviceReportOut, 202: DeviceReportOut},
    summary="考勤终端上报签到、签退（X-Device-Key）：202 已接收，数秒内计入；重复上报返回原记录",
)
def attendance_from_device(request, payload: DeviceEventIn):
    report, created = services.device_report_receive(
        actor=device_actor(request.auth), **payload.dict()
    )
    return Status(202 if created else 200, report)


@router.get(
    "/attendance/device/{event_id}",
    auth=TerminalKeyAuth(),
    response=DeviceReportOut,
    summary="考勤终端查询一次上报的处理结果：已接收、已计入或已拒绝（附原因）",
)
def device_report(request, event_id: Annotated[str, column("training.DeviceReport", "event_id")]):
    return selectors.device_report_of(device_actor(request.auth), event_id)


@router.post(
    "/enrolments/{enrolment_id}/attendance",
    response={200: EventOut, 201: EventOut},
    summary="人工补录考勤（须填写原因）",
)
def attendance_by_clerk(request, enrolment_id: Id, payload: ClerkEventIn):
    event, created = services.attendance_by_clerk(
        actor=request.actor,
        enrolment_id=enrolment_id,
        **payload.dict(),
    )
    return Status(201 if created else 200, event)


@router.get("/classes/{class_id}/attendance", response=SheetOut, summary="考勤表与学时")
def attendance_sheet(request, class_id: Id):
    return selectors.attendance_sheet(request.actor, class_id)


@router.get("/attendance/rejections", response=list[RejectionOut], summary="被拒绝的考勤")
@paginate(KeysetPagination)
def rejection_list(request):
    return selectors.rejection_list(request.actor)


@router.post(
    "/enrolments/{enrolment_id}/retraining-test",
    response={204: None},
    summary="登记三违专项培训考试合格",
)
def retraining_test_pass(request, enrolment_id: Id):
    violations.retraining_test_pass(actor=request.actor, enrolment_id=enrolment_id)
    return Status(204, None)

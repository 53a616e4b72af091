"""Exam sessions: the scoped list and detail, scheduling, moving, cancelling, seating, the
seating list and the admission ticket (准考证 PDF).

Refusals: 400 for a bad input (the deadline after the start, a start in the past, a room or
staff of another exam point, a blueprint of another bank or item or one the bank cannot fill,
every short part named with its item), 403 for a role that sees the session but may not act
(only the city's exam center acts), 404 for a session missing or out of scope (the same
answer), 409 for a state that forbids the act (cancelled, already seated, applications still
under review)."""

from datetime import date, datetime
from typing import Annotated

from django.http import HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from peikao.core.api_types import DateTime, Day, Id, Text, column
from peikao.core.pagination import KeysetPagination
from peikao.exams import tickets
from peikao.exams.selectors import sessions as selectors
from peikao.exams.services import sessions as services

router = Router()

REFUSALS = (
    "拒绝时：400 输入不符合规则（截止时间晚于开考、开考时间已过、其他考点的考场或人员、"
    "其他题库或其他操作项目的组卷方案、题库不足以组卷，逐条列出并注明操作项目）；"
    "403 只有本市考试中心可以办理；"
    "404 未找到该考试或不在管辖范围内；409 考试所处状态不允许此操作。"
)


class StaffOut(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj):
        return obj.get_full_name() or obj.username


class SessionRoomOut(Schema):
    id: int
    room_id: int
    name: str
    kind: str
    seats: int
    staff: list[StaffOut]

    @staticmethod
    def resolve_name(obj):
        return obj.room.name

    @staticmethod
    def resolve_kind(obj):
        return obj.room.kind

    @staticmethod
    def resolve_seats(obj):
        return obj.room.seats

    @staticmethod
    def resolve_staff(obj):
        return list(obj.staff.all())


class ScheduledSessionOut(Schema):
    id: int
    city: str
    exam_point_id: int
    exam_point: str
    category_text: str
    post_category: str | None
    industry: str | None
    exam_type: str
    exam_date: date
    starts_at: datetime | None
    registration_deadline: datetime | None
    seat_capacity: int
    seats_taken: int
    status: str
    status_reason: str
    applications: dict[str, int]

    @staticmethod
    def resolve_city(obj):
        return obj.city_id

    @staticmethod
    def resolve_exam_point(obj):
        return obj.exam_point.name

    @staticmethod
    def resolve_post_category(obj):
        return obj.post_category_id

    @staticmethod
    def resolve_industry(obj):
        return obj.industry_id

    @staticmethod
    def resolve_applications(obj):
        return {
            status: getattr(obj, f"count_{status}")
            for status in selectors.APPLICATION.states
            if hasattr(obj, f"count_{status}")
        }


class SessionPlanOut(Schema):
    item: str | None = Field(description="操作项目代码；按行业组卷的考试为空")
    item_name: str | None
    theory_blueprint_id: int | None
    theory_blueprint: str | None
    practical_blueprint_id: int | None
    practical_blueprint: str | None

    @staticmethod
    def resolve_item(obj):
        return obj.item.code if obj.item else None

    @staticmethod
    def resolve_item_name(obj):
        return obj.item.name if obj.item else None

    @staticmethod
    def resolve_theory_blueprint_id(obj):
        return obj.theory.pk if obj.theory else None

    @staticmethod
    def resolve_theory_blueprint(obj):
        return str(obj.theory) if obj.theory else None

    @staticmethod
    def resolve_practical_blueprint_id(obj):
        return obj.practical.pk if obj.practical else None

    @staticmethod
    def resolve_practical_blueprint(obj):
        return str(obj.practical) if obj.practical else None


class SessionDetailOut(ScheduledSessionOut):
    items: list[str]
    plans: list[SessionPlanOut] = Field(
        description="各操作项目的理论组卷方案和实操考核方案（按行业组卷的考试为一行）"
    )
    theory_blueprint_id: int | None = Field(description="按行业组卷的考试的理论组卷方案")
    practical_blueprint_id: int | None = Field(description="按行业组卷的考试的实操考核方案")
    rooms: list[SessionRoomOut]

    @staticmethod
    def resolve_items(obj):
        return [item.code for item in obj.items.all()]

    @staticmethod
    def resolve_plans(obj):
        return selectors.session_plans(obj)

    @staticmethod
    def resolve_rooms(obj):
        return obj.visible_rooms


class SeatingRowOut(Schema):
    application_id: int
    room: str
    seat_number: int
    ticket_number: str
    name: str

    @staticmethod
    def resolve_application_id(obj):
        return obj.pk

    @staticmethod
    def resolve_room(obj):
        return obj.session_room.room.name

    @staticmethod
    def resolve_name(obj):
        return obj.person.name


class RoomIn(Schema):
    room_id: Id
    staff_ids: list[Id] = Field(default=[], max_length=50)


class SessionPlanIn(Schema):
    item: Annotated[str, column("catalog.OperationItem", "code")]
    theory_blueprint_id: Id
    practical_blueprint_id: Id | None = None


class ScheduleIn(Schema):
    row_id: Id | None = Field(None, description="排定种子考试计划中的一行；不填则新建考试")
    exam_point_id: Id | None = Field(None, description="新建考试的考试点（本市）")
    post_category: Annotated[str, column("exams.ExamSession", "post_category")]
    industry: Annotated[str, column("exams.ExamSession", "industry")] = ""
    items: list[Annotated[str, column("catalog.OperationItem", "code")]] = Field(
        default=[], max_length=10
    )
    exam_type: Annotated[str, column("exams.ExamSession", "exam_type")]
    registration_deadline: DateTime
    starts_at: DateTime
    theory_blueprint_id: Id | None = Field(
        None, description="按行业组卷的考试，或只考一个操作项目时的理论组卷方案"
    )
    practical_blueprint_id: Id | None = None
    plans: list[SessionPlanIn] = Field(
        default=[],
        max_length=10,
        description="特种作业人员考试的各操作项目及其组卷方案（每个项目一行，实操考核方案可不选）",
    )
    rooms: list[RoomIn] = Field(max_length=50)


class SessionMoveIn(Schema):
    exam_date: Day
    starts_at: DateTime
    registration_deadline: DateTime | None = Field(None, description="不填则不变")
    reason: Annotated[str, column("exams.ExamSession", "status_reason")]


class SessionReasonIn(Schema):
    reason: Annotated[str, column("exams.ExamSession", "status_reason")]


def _detail(actor, session_id: int):
    session = selectors.session_detail(actor, session_id)
    session.visible_rooms = selectors.session_rooms(actor, session)  # type: ignore[attr-defined]
    return session


@router.get(
    "/sessions",
    response=list[ScheduledSessionOut],
    summary="已安排的考试（考试中心为本市，考试点为本考点，监考员、考评员为本人所监考场次）",
)
@paginate(KeysetPagination)
def session_list(request, status: Text = ""):
    return selectors.scheduled_sessions(request.actor, status=status)


@router.post(
    "/sessions",
    response={201: SessionDetailOut},
    summary="安排考试（本市考试中心）",
    description="排定种子考试计划的一行（row_id）或在本市考试点新建考试。" + REFUSALS,
)
def session_schedule(request, payload: ScheduleIn):
    data = payload.dict()
    session = services.session_schedule(actor=request.actor, **data)
    return Status(201, _detail(request.actor, session.pk))


@router.get(
    "/sessions/{session_id}",
    response=SessionDetailOut,
    summary="考试详情（考场与监考安排）",
)
def session_detail(request, session_id: Id):
    return _detail(request.actor, session_id)


@router.post(
    "/sessions/{session_id}/move",
    response=SessionDetailOut,
    summary="调整考试时间（须填写原因，通知每位考生）",
    description="已排考的考试可调整考试日期和开考时间，座位和试卷不变；报名截止时间不再调整。"
    + REFUSALS,
)
def session_move(request, session_id: Id, payload: SessionMoveIn):
    data = payload.dict()
    services.session_move(
        actor=request.actor,
        session_id=session_id,
        exam_date=data["exam_date"],
        starts_at=data["starts_at"],
        deadline=data["registration_deadline"],
        reason=data["reason"],
    )
    return _detail(request.actor, session_id)


@router.post(
    "/sessions/{session_id}/cancel",
    response=SessionDetailOut,
    summary="取消考试（须填写原因；有效报名随之取消并通知考生）",
    description=REFUSALS,
)
def session_cancel(request, session_id: Id, payload: SessionReasonIn):
    services.session_cancel(actor=request.actor, session_id=session_id, reason=payload.reason)
    return _detail(request.actor, session_id)


@router.post(
    "/sessions/{session_id}/finish",
    response=SessionDetailOut,
    summary="结束考试（全部考生考试结束、实操评分签字后）",
    description=REFUSALS,
)
def session_finish(request, session_id: Id):
    services.session_finish(actor=request.actor, session_id=session_id)
    return _detail(request.actor, session_id)


@router.post(
    "/sessions/{session_id}/seat",
    response=SessionDetailOut,
    summary="排考：分配考场、座位和准考证号，并抽取试卷",
    description="报名截止后、所有报名审核完毕后方可排考。" + REFUSALS,
)
def session_seat(request, session_id: Id):
    services.session_seat(actor=request.actor, session_id=session_id)
    return _detail(request.actor, session_id)


@router.get(
    "/sessions/{session_id}/seating",
    response=list[SeatingRowOut],
    summary="座位表（考场、座位号、准考证号、姓名）",
)
def session_seating(request, session_id: Id):
    session = selectors.session_detail(request.actor, session_id)
    return list(selectors.seating_list(request.actor, session))


@router.get(
    "/sessions/applications/{application_id}/ticket",
    summary="准考证 PDF（考生本人、培训机构、工作单位；排考后）",
    openapi_extra={
        "responses": {
            200: {
                "description": "准考证 PDF",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def admission_ticket(request, application_id: Id):
    application = selectors.ticket_application(request.actor, application_id)
    pdf = tickets.admission_ticket_pdf(tickets.ticket_content(application))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="ticket-{application.ticket_number}.pdf"'
    )
    return response

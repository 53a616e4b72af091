"""Class filing and the class's life."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from ninja import Router, Schema, Status
from ninja.pagination import paginate

from peikao.core.api_types import DateTime, Day, Id, Text, column
from peikao.core.pagination import KeysetPagination
from peikao.training import rules
from peikao.training.api.schemas import InstitutionStatusOut, TrainingSubjectOut
from peikao.training.selectors import classes as selectors
from peikao.training.services import classes as services

router = Router()


class ClassOut(InstitutionStatusOut, TrainingSubjectOut):
    id: int
    name: str
    training_type: str
    special_retraining: bool
    room: str
    capacity: int
    enrolled: int
    hours_complete: int
    starts_on: date
    ends_on: date
    required_hours: Decimal
    status_reason: str

    @staticmethod
    def resolve_room(obj):
        return obj.room.name


class SessionOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    topic: str
    teacher: str
    room: str
    hours: Decimal

    @staticmethod
    def resolve_teacher(obj):
        return obj.teacher.name

    @staticmethod
    def resolve_room(obj):
        return obj.room.name


class ClassDetailOut(ClassOut):
    sessions: list[SessionOut]

    @staticmethod
    def resolve_sessions(obj):
        return list(selectors.class_sessions(obj))


class SessionIn(Schema):
    starts_at: DateTime
    ends_at: DateTime
    topic: Annotated[str, column("training.ClassSession", "topic")]
    teacher_id: Id
    room_id: Id


class ClassIn(Schema):
    plan_line_id: Id
    name: Annotated[str, column("training.TrainingClass", "name")]
    capacity: Annotated[int, column("training.TrainingClass", "capacity")]
    room_id: Id
    special_retraining: bool = False
    sessions: list[SessionIn]


class AdvanceIn(Schema):
    target: Annotated[str, column("training.TrainingClass", "status")]


class ReasonIn(Schema):
    reason: Annotated[str, column("training.TrainingClass", "status_reason")]


@router.get("/classes", response=list[ClassOut], summary="培训班（今日在训的在前）")
@paginate(KeysetPagination, rows_shown=selectors.with_trainee_counts)
def class_list(
    request, status: Text = "", institution_id: Id | None = None, on_date: Day | None = None
):
    return selectors.class_list(
        request.actor, status=status, institution_id=institution_id, on_date=on_date
    )


@router.post(
    "/classes", response={201: ClassDetailOut}, summary="开班备案（不符合条件时列出全部原因）"
)
def class_file(request, payload: ClassIn):
    data = payload.dict()
    sessions = [services.SessionInput(**s) for s in data.pop("sessions")]
    training_class = services.class_file(actor=request.actor, sessions=sessions, **data)
    return Status(201, selectors.class_detail(request.actor, training_class.pk))


@router.get("/classes/{class_id}", response=ClassDetailOut, summary="培训班详情与课程表")
def class_detail(request, class_id: Id):
    return selectors.class_detail(request.actor, class_id)


@router.post("/classes/{class_id}/advance", response=ClassOut, summary="开始培训或结业（机构）")
def class_advance(request, class_id: Id, payload: AdvanceIn):
    services.class_advance(
        actor=request.actor,
        class_id=class_id,
        target=payload.target,
    )
    return selectors.class_detail(request.actor, class_id)


@router.post("/classes/{class_id}/suspend", response=ClassOut, summary="叫停培训班（监管部门）")
def class_suspend(request, class_id: Id, payload: ReasonIn):
    return _supervise(request, class_id, rules.CLASS_SUSPENDED, payload.reason)


@router.post("/classes/{class_id}/resume", response=ClassOut, summary="恢复培训班（监管部门）")
def class_resume(request, class_id: Id, payload: ReasonIn):
    return _supervise(request, class_id, rules.FILED, payload.reason)


def _supervise(request, class_id: Id, target: str, reason: str):
    services.class_supervise(
        actor=request.actor,
        class_id=class_id,
        target=target,
        reason=reason,
    )
    return selectors.class_detail(request.actor, class_id)

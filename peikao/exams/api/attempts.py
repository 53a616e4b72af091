"""The computer exam (理论考试): the seat computer's calls (seat cookie + candidate token) and
the proctor's console and acts (a logged-in proctor). docs/decisions/0017.

The seat's page calls, in order: POST /seat/sign-in → token and the attempt;
GET /seat/attempt/status (polled: until authorized, then every few seconds for a pause, a
move or added time; no paper); POST /seat/attempt/start → the paper (GET /seat/attempt after
a reload); POST /seat/attempt/answers for each answer, resending every unacknowledged one;
POST /seat/attempt/submit. Every call sends the seat's cookie (set by
POST /seats, on that computer) and, after sign-in, the token in the X-Exam-Token header.
"""

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from django.http import HttpResponse
from ninja import Router, Schema, Status
from pydantic import BaseModel, ConfigDict, Field

from peikao.core import request_context
from peikao.core.api_types import DateTime, Id, column
from peikao.exams.rules.attempts import LARGEST_EXTENSION_SECONDS
from peikao.exams.seat_auth import ExamSeatCookie, ExamSeatKey, set_seat_cookie
from peikao.exams.selectors import attempts as selectors
from peikao.exams.services import attempts as services
from peikao.monitoring import services as monitoring_services
from peikao.monitoring.actors import device_actor

router = Router()
seat_auth = ExamSeatCookie()
seat_key_auth = ExamSeatKey()

# The candidate token travels in this header, beside the seat's cookie. It is read by the
# handler, not declared as a parameter: it is checked by its signature, never stored.
TOKEN_HEADER = "X-Exam-Token"
Reason = Annotated[str, column("exams.Attempt", "status_reason")]


class SeatIn(Schema):
    room_id: Id
    seat_number: Annotated[int, Field(ge=1, le=999)]
    name: Annotated[str, column("monitoring.Device", "name")]
    serial_number: Annotated[str, column("monitoring.Device", "serial_number")]


class SeatComputerOut(Schema):
    id: int
    name: str
    serial_number: str
    room_id: int
    room: str
    seat_number: int | None
    organization: str

    @staticmethod
    def resolve_room(obj):
        return obj.room.name

    @staticmethod
    def resolve_organization(obj):
        return obj.organization.name


class SignInIn(Schema):
    ticket_number: Annotated[str, column("exams.ExamApplication", "ticket_number")]
    id_number: Annotated[str, column("people.Person", "id_number")]


class PaperQuestionOut(BaseModel):
    """A plain pydantic model, read from the selector's dataclass: ninja's Schema wraps each
    object it validates, and a start answers 100 of them (decision 0020)."""

    model_config = ConfigDict(from_attributes=True)

    position: int
    question_type: str
    stem: str
    options: list[str]
    points: Decimal
    choice: list[int] | None
    sequence: int | None


class AttemptOut(Schema):
    id: int
    status: str
    status_name: str
    candidate: str
    seat_number: int | None
    server_time: datetime
    started_at: datetime | None
    deadline: datetime | None
    seconds_left: int | None
    extra_seconds: int
    submitted_at: datetime | None
    receipt: str | None
    score: Decimal | None
    pass_mark: Decimal
    total: int
    answered: int


class PaperOut(AttemptOut):
    questions: list[PaperQuestionOut]


class SignedInOut(Schema):
    token: str
    attempt: PaperOut


class AnswerIn(Schema):
    position: Annotated[int, column("exams.PaperQuestion", "position")]
    # The positions chosen as shown (0 = A; true/false 0 = 对, 1 = 错); [] clears the answer.
    choice: Annotated[list[Annotated[int, Field(ge=0, le=25)]], Field(max_length=26)]
    # The page's counter: a newer save has a greater number.
    sequence: Annotated[int, Field(ge=1, le=2**62)]
    client_time: DateTime | None = None


class SaveOut(Schema):
    position: int
    choice: list[int]
    sequence: int
    applied: bool
    saved_at: datetime
    server_time: datetime
    deadline: datetime
    seconds_left: int


class SeatHeartbeatOut(Schema):
    received_at: datetime


class ConsoleRowOut(Schema):
    application_id: int
    candidate: str
    ticket_number: str | None
    seat_number: int | None
    attempt_id: int | None
    status: str
    status_name: str
    seat_device_id: int | None
    current_seat_number: int | None
    answered: int
    total: int
    seconds_left: int | None
    deadline: datetime | None
    last_save_at: datetime | None
    last_heartbeat_at: datetime | None
    connected: bool
    score: Decimal | None
    has_photo: bool


class ConsoleSeatOut(Schema):
    id: int
    seat_number: int | None
    name: str


class ConsoleOut(Schema):
    session_room_id: int
    room: str
    session_id: int
    starts_at: datetime | None
    server_time: datetime
    rows: list[ConsoleRowOut]
    seats: list[ConsoleSeatOut]


class AuthorizeIn(Schema):
    # None or [] authorizes every checked-in candidate of the room.
    attempt_ids: Annotated[list[Id], Field(max_length=1000)] = []


class AbsentIn(Schema):
    application_id: Id


class AttemptReasonIn(Schema):
    reason: Reason


class AddTimeIn(Schema):
    minutes: Annotated[int, Field(ge=1, le=LARGEST_EXTENSION_SECONDS // 60)]
    reason: Reason


class AttemptMoveIn(Schema):
    seat_id: Id
    reason: Reason


# --------------------------------------------------------------------------- the seat


def _candidate(request):
    """The candidate acting on this seat and their attempt's id, from the token header."""
    token = request.headers.get(TOKEN_HEADER, "")
    return services.candidate_actor(seat=device_actor(request.auth), token=token)


@router.post(
    "/seats", response={201: SeatComputerOut}, summary="登记考试机（在该考试机上由考务员办理）"
)
def seat_register(request, payload: SeatIn, response: HttpResponse):
    device, key = services.seat_register(actor=request.actor, **payload.dict())
    set_seat_cookie(response, key)
    return Status(201, device)


@router.get("/seat", auth=seat_auth, response=SeatComputerOut, summary="本考试机（考试机认证）")
def seat_detail(request):
    return request.auth


@router.post(
    "/seat/heartbeat", auth=seat_auth, response=SeatHeartbeatOut, summary="考试机心跳（考试机认证）"
)
def seat_heartbeat(request):
    received_at = monitoring_services.device_heartbeat(
        actor=device_actor(request.auth), client_ip=request_context.current().source_ip
    )
    return {"received_at": received_at}


@router.post(
    "/seat/sign-in", auth=seat_auth, response=SignedInOut, summary="考生签到（准考证号+身份证号）"
)
def seat_sign_in(request, payload: SignInIn):
    seat = device_actor(request.auth)
    _attempt, token = services.attempt_sign_in(actor=seat, **payload.dict())
    candidate, attempt_id = services.candidate_actor(seat=seat, token=token)
    return {"token": token, "attempt": selectors.attempt_view(candidate, attempt_id)}


@router.get("/seat/attempt", auth=seat_auth, response=PaperOut, summary="考生的试卷与作答")
def seat_attempt(request):
    candidate, attempt_id = _candidate(request)
    return selectors.attempt_view(candidate, attempt_id)


@router.get(
    "/seat/attempt/status",
    auth=seat_auth,
    response=AttemptOut,
    summary="考生的考试状态与时间（不含试卷，页面轮询）",
)
def seat_attempt_status(request):
    candidate, attempt_id = _candidate(request)
    return selectors.attempt_status(candidate, attempt_id)


@router.post("/seat/attempt/start", auth=seat_auth, response=PaperOut, summary="开始答题")
def seat_attempt_start(request):
    candidate, attempt_id = _candidate(request)
    attempt = services.attempt_start(actor=candidate, attempt_id=attempt_id)
    return selectors.attempt_view_of(attempt)


@router.post(
    "/seat/attempt/answers", auth=seat_key_auth, response=SaveOut, summary="保存一道题的作答"
)
def seat_answer_save(request, payload: AnswerIn):
    candidate, attempt_id = services.candidate_by_token(request.headers.get(TOKEN_HEADER, ""))
    return services.answer_save(
        actor=candidate, seat_key=request.auth, attempt_id=attempt_id, **payload.dict()
    )


@router.post("/seat/attempt/submit", auth=seat_auth, response=AttemptOut, summary="交卷")
def seat_attempt_submit(request):
    candidate, attempt_id = _candidate(request)
    services.attempt_submit(actor=candidate, attempt_id=attempt_id)
    return selectors.attempt_status(candidate, attempt_id)


# --------------------------------------------------------------------------- the proctor


@router.get("/rooms/{session_room_id}/console", response=ConsoleOut, summary="监考台：考场实况")
def room_console(request, session_room_id: Id):
    return selectors.room_console(request.actor, session_room_id)


@router.post(
    "/rooms/{session_room_id}/authorize",
    response=list[AttemptOut],
    summary="核验身份后放行（不指定考生即本考场全部已签到考生）",
)
def room_authorize(request, session_room_id: Id, payload: AuthorizeIn):
    chosen = services.attempt_authorize(
        actor=request.actor, session_room_id=session_room_id, attempt_ids=payload.attempt_ids
    )
    return [selectors.attempt_status(request.actor, attempt.pk) for attempt in chosen]


@router.post("/rooms/{session_room_id}/absent", response=AttemptOut, summary="记为缺考")
def room_mark_absent(request, session_room_id: Id, payload: AbsentIn):
    attempt = services.attempt_mark_absent(
        actor=request.actor, session_room_id=session_room_id, application_id=payload.application_id
    )
    return selectors.attempt_status(request.actor, attempt.pk)


@router.get("/attempts/{attempt_id}", response=AttemptOut, summary="理论考试详情")
def attempt_detail(request, attempt_id: Id):
    return selectors.attempt_status(request.actor, attempt_id)


@router.post("/attempts/{attempt_id}/pause", response=AttemptOut, summary="暂停考试（计时冻结）")
def attempt_pause(request, attempt_id: Id, payload: AttemptReasonIn):
    services.attempt_pause(actor=request.actor, attempt_id=attempt_id, reason=payload.reason)
    return selectors.attempt_status(request.actor, attempt_id)


@router.post("/attempts/{attempt_id}/resume", response=AttemptOut, summary="恢复考试")
def attempt_resume(request, attempt_id: Id):
    services.attempt_resume(actor=request.actor, attempt_id=attempt_id)
    return selectors.attempt_status(request.actor, attempt_id)


@router.post("/attempts/{attempt_id}/add-time", response=AttemptOut, summary="延长考试时间")
def attempt_add_time(request, attempt_id: Id, payload: AddTimeIn):
    services.attempt_add_time(actor=request.actor, attempt_id=attempt_id, **payload.dict())
    return selectors.attempt_status(request.actor, attempt_id)


@router.post("/attempts/{attempt_id}/move", response=AttemptOut, summary="调换座位")
def attempt_move(request, attempt_id: Id, payload: AttemptMoveIn):
    services.attempt_move(actor=request.actor, attempt_id=attempt_id, **payload.dict())
    return selectors.attempt_status(request.actor, attempt_id)


@router.post("/attempts/{attempt_id}/terminate", response=AttemptOut, summary="终止考试（违纪）")
def attempt_terminate(request, attempt_id: Id, payload: AttemptReasonIn):
    services.attempt_terminate(actor=request.actor, attempt_id=attempt_id, reason=payload.reason)
    return selectors.attempt_status(request.actor, attempt_id)


@router.post("/attempts/{attempt_id}/void", response=AttemptOut, summary="作废（考试中心）")
def attempt_void(request, attempt_id: Id, payload: AttemptReasonIn):
    services.attempt_void(actor=request.actor, attempt_id=attempt_id, reason=payload.reason)
    return selectors.attempt_status(request.actor, attempt_id)

"""Pages of the computer exam: the clerk registers a seat computer (on that computer), the
candidate's seat page (the seat's cookie, no login; its script calls /api/exams/seat/…), and
the proctor's console of a room with its acts (docs/decisions/0017)."""

import mimetypes
from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from peikao.core.views import form_checked_action, fragment_login_required
from peikao.exams.attempt_forms import (
    AbsentForm,
    AddTimeForm,
    AttemptForm,
    AttemptMoveForm,
    AttemptReasonForm,
    NoInputForm,
    SeatSetupForm,
)
from peikao.exams.rules import attempts as rules
from peikao.exams.seat_auth import SEAT_COOKIE, set_seat_cookie
from peikao.exams.selectors import attempts as selectors
from peikao.exams.services import attempts as services

# The console's status badges: waiting work stands out, what is over is grey.
STATUS_STYLES = {
    rules.CHECKED_IN: "text-bg-warning",
    rules.AUTHORIZED: "text-bg-info",
    rules.ACTIVE: "text-bg-primary",
    rules.PAUSED: "text-bg-danger",
    rules.SUBMITTED: "text-bg-success",
    rules.SCORED: "text-bg-success",
    rules.TERMINATED: "text-bg-dark",
}


# --------------------------------------------------------------------------- seat computers


@login_required
def seat_setup(request):
    """The clerk, logged in on the seat computer, registers it at a seat of a theory room; the
    answer sets the seat's cookie and says which seat this computer now is."""
    actor = request.actor
    form = SeatSetupForm(request.POST or None)
    made = None
    if request.method == "POST":
        made = form_checked_action(
            request,
            form,
            lambda entered: services.seat_register(actor=actor, **entered),
            lambda made: f"本机已登记为{made[0].room.name} {made[0].seat_number} 号座位考试机。",
        )
    response = render(
        request,
        "exams/seat_setup.html",
        {
            "rooms": selectors.seat_rooms(actor),
            "registered": made[0] if made else None,
            "this_seat": selectors.seat_of_key(request.COOKIES.get(SEAT_COOKIE, "")),
            "form": form,
        },
    )
    if made:
        set_seat_cookie(response, made[1])
    return response


def seat_page(request):
    """The candidate's exam page on a seat computer: no login, the seat's cookie. Everything
    after the first paint is the script's (static/js/seat.js), through the seat API."""
    seat = selectors.seat_of_key(request.COOKIES.get(SEAT_COOKIE, ""))
    return render(request, "exams/seat.html", {"seat": seat})


# --------------------------------------------------------------------------- the console


def _clock(seconds: int | None) -> str:
    if seconds is None:
        return "—"
    hours, rest = divmod(seconds, 3600)
    return (
        f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
        if hours
        else f"{rest // 60:02d}:{rest % 60:02d}"
    )


def _console_context(request, session_room_id: int) -> dict:
    actor = request.actor
    console = selectors.room_console(actor, session_room_id)
    return {
        "console": console,
        "rows": [
            (row, STATUS_STYLES.get(row.status, "text-bg-secondary"), _clock(row.seconds_left))
            for row in console.rows
        ],
        "can_act": selectors.acts_on_console(actor),
        "open_states": rules.OPEN,
        "waiting": sum(1 for row in console.rows if row.status == rules.CHECKED_IN),
    }


@login_required
def console(request, session_room_id: int):
    """The proctor's live console of a room (the exam point's clerk and the regulators who see
    the session read it); the rows refresh themselves every few seconds (htmx)."""
    context = _console_context(request, session_room_id)
    room = selectors.console_room(request.actor, session_room_id)
    return render(request, "exams/console.html", {**context, "room": room})


@fragment_login_required
def console_rows(request, session_room_id: int):
    return render(request, "exams/_console_rows.html", _console_context(request, session_room_id))


@login_required
def console_photo(request, session_room_id: int, application_id: int):
    photo = selectors.console_photo(request.actor, session_room_id, application_id)
    content_type, _encoding = mimetypes.guess_type(photo.name)
    return FileResponse(photo.open("rb"), content_type=content_type or "image/jpeg")


def _act(form_class, run: Callable[..., object], success: str):
    """A proctor's act on the console: the room in scope first (404 otherwise, before any
    input is read), then the form, then the service; back to the console."""

    @login_required
    @require_POST
    def act(request, session_room_id: int):
        selectors.console_room(request.actor, session_room_id)
        form_checked_action(
            request,
            form_class(request.POST),
            lambda entered: run(request.actor, session_room_id, **entered),
            success,
        )
        return redirect("exams:console", session_room_id=session_room_id)

    return act


def _in_room(service: Callable[..., object]) -> Callable[..., object]:
    """A console act on an attempt of that console's room only."""

    def run(actor, room: int, *, attempt_id: int, **entered):
        selectors.console_attempt(actor, room, attempt_id)
        return service(actor=actor, attempt_id=attempt_id, **entered)

    return run


ACTS = {
    "authorize": _act(
        AttemptForm,
        lambda actor, room, attempt_id: services.attempt_authorize(
            actor=actor, session_room_id=room, attempt_ids=[attempt_id]
        ),
        "已核验身份，考生可以开始答题。",
    ),
    "authorize-all": _act(
        NoInputForm,
        lambda actor, room: services.attempt_authorize(actor=actor, session_room_id=room),
        "已核验本考场全部已签到考生。",
    ),
    "absent": _act(
        AbsentForm,
        lambda actor, room, application_id: services.attempt_mark_absent(
            actor=actor, session_room_id=room, application_id=application_id
        ),
        "已记为缺考。",
    ),
    "pause": _act(
        AttemptReasonForm,
        _in_room(services.attempt_pause),
        "已暂停该考生的考试，计时冻结。",
    ),
    "resume": _act(
        AttemptForm,
        _in_room(services.attempt_resume),
        "已恢复该考生的考试。",
    ),
    "add-time": _act(
        AddTimeForm,
        _in_room(services.attempt_add_time),
        "已延长该考生的考试时间。",
    ),
    "move": _act(
        AttemptMoveForm,
        _in_room(services.attempt_move),
        "已调换座位：请考生到新座位重新签到，继续答题。",
    ),
    "terminate": _act(
        AttemptReasonForm,
        _in_room(services.attempt_terminate),
        "已终止该考生的考试。",
    ),
}


urlpatterns = [
    path("exams/seat/", seat_page, name="seat"),
    path("exams/seat/setup/", seat_setup, name="seat_setup"),
    path("exams/rooms/<int:session_room_id>/console/", console, name="console"),
    path("exams/rooms/<int:session_room_id>/console/rows/", console_rows, name="console_rows"),
    path(
        "exams/rooms/<int:session_room_id>/console/photos/<int:application_id>/",
        console_photo,
        name="console_photo",
    ),
    *(
        path(
            f"exams/rooms/<int:session_room_id>/console/{name}/",
            view,
            name=f"console_{name.replace('-', '_')}",
        )
        for name, view in ACTS.items()
    ),
]

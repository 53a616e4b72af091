"""Pages for exam sessions: the exam center's list, schedule form and session page (move,
cancel, seat), the exam point's seating list to print, a proctor's or examiner's own rooms, and
the admission ticket download."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from peikao.catalog import selectors as catalog_selectors
from peikao.core.pagination import keyset_page_of_request
from peikao.core.scoping import id_of
from peikao.core.views import form_action, form_checked_action
from peikao.exams import tickets
from peikao.exams.forms import (
    EXAM_TYPES,
    MORE_ITEM_ROWS,
    POST_CATEGORIES,
    MoveForm,
    ReasonForm,
    ScheduleForm,
)
from peikao.exams.rules import sessions as rules
from peikao.exams.selectors import sessions as selectors
from peikao.exams.services import sessions as services

SESSIONS_PER_PAGE = 50


def _can_act(actor, session) -> bool:
    return actor.is_exam_center and actor.covers_region(session.city_id)


@login_required
def session_list(request):
    actor = request.actor
    status = request.GET.get("status", "")
    page = keyset_page_of_request(
        request, selectors.scheduled_sessions(actor, status=status), size=SESSIONS_PER_PAGE
    )
    for session in page.rows:
        session.counts = [(n, c) for n, c in selectors.application_counts(session) if c]
    return render(
        request,
        "exams/session_list.html",
        {
            "page": page,
            "statuses": selectors.STATUS_CHOICES,
            "status": status,
            "can_schedule": actor.is_exam_center,
        },
    )


@login_required
def session_detail(request, session_id: int):
    actor = request.actor
    session = selectors.session_detail(actor, session_id)
    can_act = _can_act(actor, session)
    return render(
        request,
        "exams/session_detail.html",
        {
            "session": session,
            "plans": selectors.session_plans(session),
            "rooms": selectors.session_rooms(actor, session),
            "seating": list(selectors.seating_list(actor, session)),
            "can_move": can_act and session.status in (rules.OPEN, rules.SEATED),
            "can_cancel": can_act and session.status in (rules.OPEN, rules.SEATED),
            "can_seat": can_act and session.status == rules.OPEN,
            "can_finish": can_act and session.status == rules.SEATED,
            "seated": session.status in (rules.SEATED, rules.FINISHED),
        },
    )


@login_required
def session_seating(request, session_id: int):
    """The seating list (room, seat, ticket number, name), laid out to print."""
    actor = request.actor
    session = selectors.session_detail(actor, session_id)
    return render(
        request,
        "exams/session_seating.html",
        {"session": session, "seating": list(selectors.seating_list(actor, session))},
    )


@login_required
def session_schedule(request):
    """Step one picks a row of the seed timetable or an exam point; step two, with the rooms
    and staff of that point, is the whole form."""
    actor = request.actor
    row = exam_point = None
    row_id = id_of(request.GET.get("row", "") or request.POST.get("row", ""))
    point_id = id_of(request.GET.get("exam_point", "") or request.POST.get("exam_point", ""))
    if row_id is not None:
        row = selectors.schedulable_row(actor, row_id)
        exam_point = row.exam_point
    elif point_id is not None:
        exam_point = selectors.exam_point_of(actor, point_id)
    if request.method == "POST":
        form = ScheduleForm(request.POST)
        session = form_checked_action(
            request,
            form,
            lambda _: services.session_schedule(
                actor=actor, **form.service_arguments(request.POST)
            ),
            "考试已安排，开始接受报名。",
        )
        if session is not None:
            return redirect("exams:session_detail", session_id=session.pk)
    context = {
        "row": row,
        "exam_point": exam_point,
        "rows": selectors.schedulable_rows(actor)[:200],
        "exam_points": selectors.exam_points_of(actor),
        "post_categories": POST_CATEGORIES,
        "exam_types": EXAM_TYPES,
        "items": catalog_selectors.operation_items(),
        "industries": catalog_selectors.industries(),
        "blueprints": selectors.blueprints(),
        "practical_blueprints": selectors.practical_blueprints(),
        "more_item_rows": MORE_ITEM_ROWS,
        "today": timezone.localdate(),
    }
    if exam_point is not None:
        context["rooms"] = selectors.exam_point_rooms_with_staff(exam_point)
    return render(request, "exams/session_schedule.html", context)


@login_required
@require_POST
def session_move(request, session_id: int):
    form = MoveForm(request.POST)
    form_checked_action(
        request,
        form,
        lambda _: services.session_move(
            actor=request.actor, session_id=session_id, **form.service_arguments()
        ),
        "考试时间已调整，已通知每位考生。",
    )
    return redirect("exams:session_detail", session_id=session_id)


@login_required
@require_POST
def session_cancel(request, session_id: int):
    form_checked_action(
        request,
        ReasonForm(request.POST),
        lambda entered: services.session_cancel(
            actor=request.actor, session_id=session_id, reason=entered["reason"]
        ),
        "考试已取消，有效报名随之取消，已通知每位考生。",
    )
    return redirect("exams:session_detail", session_id=session_id)


@login_required
@require_POST
def session_finish(request, session_id: int):
    form_action(
        request,
        lambda: services.session_finish(actor=request.actor, session_id=session_id),
        "考试已结束。",
    )
    return redirect("exams:session_detail", session_id=session_id)


@login_required
@require_POST
def session_seat(request, session_id: int):
    form_action(
        request,
        lambda: services.session_seat(actor=request.actor, session_id=session_id),
        "排考完成：考场、座位和准考证号已分配。",
    )
    return redirect("exams:session_detail", session_id=session_id)


@login_required
def my_rooms(request):
    """A proctor's or examiner's rooms of the sessions they are assigned to."""
    return render(
        request,
        "exams/my_rooms.html",
        {"rooms": selectors.assigned_rooms(request.actor), "today": timezone.localdate()},
    )


@login_required
def admission_ticket(request, application_id: int):
    application = selectors.ticket_application(request.actor, application_id)
    pdf = tickets.admission_ticket_pdf(tickets.ticket_content(application))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="ticket-{application.ticket_number}.pdf"'
    )
    return response


urlpatterns = [
    path("sessions/", session_list, name="sessions"),
    path("sessions/new/", session_schedule, name="session_schedule"),
    path("sessions/mine/", my_rooms, name="my_rooms"),
    path("sessions/<int:session_id>/", session_detail, name="session_detail"),
    path("sessions/<int:session_id>/seating/", session_seating, name="session_seating"),
    path("sessions/<int:session_id>/move/", session_move, name="session_move"),
    path("sessions/<int:session_id>/cancel/", session_cancel, name="session_cancel"),
    path("sessions/<int:session_id>/finish/", session_finish, name="session_finish"),
    path("sessions/<int:session_id>/seat/", session_seat, name="session_seat"),
    path("tickets/<int:application_id>/", admission_ticket, name="admission_ticket"),
]

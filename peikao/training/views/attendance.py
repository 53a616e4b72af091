"""The attendance sheet: minutes per session and hours per trainee, with the clerk's form for
recording an event by hand, and the refused events the regulator watches."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from peikao.core.pagination import keyset_page_of_request
from peikao.core.views import form_action, form_checked_action
from peikao.training.forms import AttendanceByHandForm
from peikao.training.permissions import INSTITUTION_WRITERS
from peikao.training.selectors import attendance as selectors
from peikao.training.services import attendance as services
from peikao.training.services import violations

REJECTIONS_PER_PAGE = 50


@login_required
def attendance_sheet(request, class_id: int):
    sheet = selectors.attendance_sheet(request.actor, class_id)
    return render(
        request,
        "training/attendance_sheet.html",
        {"sheet": sheet, "can_record": request.actor.role in INSTITUTION_WRITERS},
    )


@login_required
@require_POST
def attendance_record(request, class_id: int):
    form = AttendanceByHandForm(request.POST)
    form_checked_action(
        request,
        form,
        lambda entered: services.attendance_by_clerk(
            actor=request.actor,
            enrolment_id=entered["enrolment"],
            session_id=entered["session"],
            direction=entered["direction"],
            occurred_at=form.occurred_at(),
            reason=entered["reason"],
        ),
        "考勤已补录，学时已重新计算。",
    )
    return redirect("training:attendance_sheet", class_id=class_id)


@login_required
@require_POST
def retraining_test_pass(request, class_id: int, enrolment_id: int):
    form_action(
        request,
        lambda: violations.retraining_test_pass(actor=request.actor, enrolment_id=enrolment_id),
        "已登记专项培训考试合格。",
    )
    return redirect("training:attendance_sheet", class_id=class_id)


@login_required
def rejection_list(request):
    rejections = selectors.rejection_list(request.actor)
    page = keyset_page_of_request(request, rejections, size=REJECTIONS_PER_PAGE)
    return render(request, "training/rejection_list.html", {"page": page})


urlpatterns = [
    path("classes/<int:class_id>/attendance/", attendance_sheet, name="attendance_sheet"),
    path("classes/<int:class_id>/attendance/record/", attendance_record, name="attendance_record"),
    path(
        "classes/<int:class_id>/enrolments/<int:enrolment_id>/retraining-test/",
        retraining_test_pass,
        name="retraining_test_pass",
    ),
    path("attendance/rejections/", rejection_list, name="rejections"),
]

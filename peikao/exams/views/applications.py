"""Pages of exam applications: the exam center's review queue and an application's file with
its decisions; an institution's "报名考试" from a class's roster and its applications; a
trainee's "我的考试"; the enterprise's staff applications; the regulator's fraud cases."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from peikao.core.errors import DomainError, NotFound, PermissionDenied
from peikao.core.forms import NamedErrorsForm
from peikao.core.pagination import keyset_page_of_request
from peikao.core.scoping import id_of
from peikao.core.views import form_action, form_checked_action
from peikao.exams.rules.applications import APPLICATION, RETURNED, SUBMITTED
from peikao.exams.selectors import applications as selectors
from peikao.exams.services import applications as services

PER_PAGE = 50
STATUSES = list(APPLICATION.states.items())


class ReasonForm(NamedErrorsForm):
    reason = forms.CharField(label="原因", max_length=500)


class ApplyForm(NamedErrorsForm):
    picked = ("session_id", "enrolment_id")
    session_id = forms.IntegerField(label="考试", min_value=1, max_value=2**63 - 1)
    enrolment_id = forms.IntegerField(label="培训报名", min_value=1, max_value=2**63 - 1)


def _filter_id(request, name: str) -> int | None:
    return id_of(request.GET.get(name, ""))


@login_required
def application_list(request):
    """The applications the actor sees: an institution's, an enterprise's staff, the exam
    center's and regulators' of their cities, an exam point's."""
    actor = request.actor
    if actor.is_trainee:
        return redirect("exams:my_exams")
    status = request.GET.get("status", "")
    status = status if status in APPLICATION.states else ""
    applications = selectors.application_list(
        actor, session_id=_filter_id(request, "session"), status=status
    )
    page = keyset_page_of_request(request, applications, size=PER_PAGE)
    return render(
        request,
        "exams/application_list.html",
        {"page": page, "statuses": STATUSES, "status": status, "full_id": actor.is_exam_center},
    )


@login_required
def review_queue(request):
    actor = request.actor
    selectors.require_reviewer_page(actor)
    session_id = _filter_id(request, "session")
    queue = selectors.review_queue(actor, session_id=session_id)
    page = keyset_page_of_request(request, queue, size=PER_PAGE)
    sessions = [(str(s.pk), str(s)) for s in selectors.review_sessions(actor)]
    return render(
        request,
        "exams/review_queue.html",
        {"page": page, "sessions": sessions, "session": str(session_id or "")},
    )


@login_required
def application_detail(request, application_id: int):
    actor = request.actor
    application = selectors.application_detail(actor, application_id)
    file = selectors.candidate_file(actor, application)
    reviewer = services.may_review(actor, application)
    applicant = services.may_act_as_applicant(actor, application)
    return render(
        request,
        "exams/application_detail.html",
        {
            "application": application,
            "person": application.person,
            "file": file,
            "notices": selectors.application_notices(application),
            "can_review": reviewer and application.status == SUBMITTED,
            "can_reject": reviewer and application.status in (SUBMITTED, RETURNED),
            "can_resubmit": applicant and application.status == RETURNED,
            "can_withdraw": applicant and application.status in APPLICATION["withdraw"].sources,
        },
    )


def _decide(request, application_id: int, call, success: str, *, with_reason: bool = False):
    if with_reason:
        form_checked_action(
            request,
            ReasonForm(request.POST),
            lambda entered: call(
                actor=request.actor, application_id=application_id, reason=entered["reason"]
            ),
            success,
        )
    else:
        form_action(
            request, lambda: call(actor=request.actor, application_id=application_id), success
        )
    return redirect("exams:application_detail", application_id=application_id)


@login_required
@require_POST
def application_approve(request, application_id: int):
    return _decide(request, application_id, services.application_approve, "已审核通过。")


@login_required
@require_POST
def application_return(request, application_id: int):
    return _decide(
        request, application_id, services.application_return, "已退回修改。", with_reason=True
    )


@login_required
@require_POST
def application_reject(request, application_id: int):
    return _decide(
        request,
        application_id,
        services.application_reject_as_fraud,
        "已认定资料造假，取消本次考核资格。",
        with_reason=True,
    )


@login_required
@require_POST
def application_resubmit(request, application_id: int):
    return _decide(request, application_id, services.application_resubmit, "已重新提交审核。")


@login_required
@require_POST
def application_withdraw(request, application_id: int):
    return _decide(request, application_id, services.application_withdraw, "已撤回报名。")


@login_required
def class_apply(request, class_id: int):
    """An institution's "报名考试": the class's trainees with their hours certificate, and a
    batch application for one of the open sessions that fit the class."""
    actor = request.actor
    roster = selectors.exam_roster(actor, class_id)
    result = None
    if request.method == "POST":
        session_id = id_of(request.POST.get("session_id", ""))
        ids = [id_of(value) for value in request.POST.getlist("enrolment_ids")]
        try:
            if session_id is None:
                raise DomainError("请选择考试。")
            result = services.applications_submit_batch(
                actor=actor, session_id=session_id, enrolment_ids=[i for i in ids if i]
            )
        except (NotFound, PermissionDenied):
            raise
        except DomainError as refused:
            for reason in refused.messages:
                messages.error(request, reason)
        else:
            # Nobody accepted is not a success: the page says so in the warning's colour.
            told = messages.success if result.accepted else messages.warning
            told(request, f"已报名{len(result.accepted)}人，未能报名{len(result.refused)}人。")
        roster = selectors.exam_roster(actor, class_id)
    return render(request, "exams/class_apply.html", {"roster": roster, "result": result})


@login_required
def my_exams(request):
    applications, notices, choices = selectors.my_exams(request.actor)
    return render(
        request,
        "exams/my_exams.html",
        {"applications": applications, "notices": notices, "choices": choices},
    )


@login_required
@require_POST
def apply(request):
    """A trainee applies for an open session with a completed training."""
    form_checked_action(
        request,
        ApplyForm(request.POST),
        lambda entered: services.application_submit(actor=request.actor, **entered),
        "已报名，等待考试中心审核。",
    )
    return redirect("exams:my_exams")


@login_required
def fraud_cases(request):
    selectors.require_fraud_case_reader(request.actor)
    cases = selectors.fraud_case_list(request.actor)
    page = keyset_page_of_request(request, cases, size=PER_PAGE)
    return render(request, "exams/fraud_cases.html", {"page": page})


urlpatterns = [
    path("exams/applications/", application_list, name="applications"),
    path("exams/applications/review/", review_queue, name="review_queue"),
    path("exams/applications/<int:application_id>/", application_detail, name="application_detail"),
    path(
        "exams/applications/<int:application_id>/approve/",
        application_approve,
        name="application_approve",
    ),
    path(
        "exams/applications/<int:application_id>/return/",
        application_return,
        name="application_return",
    ),
    path(
        "exams/applications/<int:application_id>/reject/",
        application_reject,
        name="application_reject",
    ),
    path(
        "exams/applications/<int:application_id>/resubmit/",
        application_resubmit,
        name="application_resubmit",
    ),
    path(
        "exams/applications/<int:application_id>/withdraw/",
        application_withdraw,
        name="application_withdraw",
    ),
    path("exams/classes/<int:class_id>/apply/", class_apply, name="class_apply"),
    path("exams/mine/", my_exams, name="my_exams"),
    path("exams/apply/", apply, name="apply"),
    path("exams/fraud-cases/", fraud_cases, name="fraud_cases"),
]

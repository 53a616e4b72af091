"""Pages for plans (the institution's editor, the regulator's review queue) and for teachers
and classrooms."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from peikao.catalog import selectors as catalog_selectors
from peikao.catalog.selectors import rule_value
from peikao.core.pagination import keyset_page_of_request
from peikao.core.views import form_action, form_checked_action
from peikao.training import rules
from peikao.training.forms import (
    EMPLOYMENTS,
    PLAN_STATUSES,
    TRAINING_TYPES,
    ClassroomForm,
    PlanCreateForm,
    PlanLineForm,
    PlanReviewForm,
    TeacherForm,
)
from peikao.training.permissions import (
    INSTITUTION_WRITERS,
    can_review_training,
    is_institution_admin,
)
from peikao.training.selectors import classes as selectors
from peikao.training.services import plans as services
from peikao.training.services import teachers as teacher_services

PLANS_PER_PAGE = 50
PLAN_REVIEWED = {rules.APPROVED: "培训计划已审核通过。", rules.RETURNED: "培训计划已退回。"}


@login_required
def plan_list(request):
    status = request.GET.get("status", "")
    plans = selectors.plan_list(request.actor, status=status)
    page = keyset_page_of_request(request, plans, size=PLANS_PER_PAGE)
    selectors.with_line_counts(page.rows)
    return render(
        request,
        "training/plan_list.html",
        {
            "page": page,
            "statuses": PLAN_STATUSES,
            "status": status,
            "can_write": request.actor.role in INSTITUTION_WRITERS,
        },
    )


@login_required
@require_POST
def plan_create(request):
    plan = form_checked_action(
        request,
        PlanCreateForm(request.POST),
        lambda entered: services.plan_create(actor=request.actor, **entered),
        "培训计划已创建，请逐项增加计划开设的班级。",
    )
    return redirect("training:plan_detail", plan_id=plan.pk) if plan else redirect("training:plans")


@login_required
def plan_detail(request, plan_id: int):
    actor = request.actor
    plan = selectors.plan_detail(actor, plan_id)
    lines = list(selectors.plan_lines(plan))
    lead = int(rule_value("plan_lead_months", region_code=plan.organization.region_id))
    for line in lines:
        line.submit_by = rules.plan_deadline(line.planned_start, lead)
    can_write = actor.role in INSTITUTION_WRITERS
    return render(
        request,
        "training/plan_detail.html",
        {
            "plan": plan,
            "lines": lines,
            "lead_months": lead,
            "today": timezone.localdate(),
            "can_edit": can_write and plan.status in rules.PLAN_EDITABLE,
            "can_review": can_review_training(actor) and plan.status == rules.SUBMITTED,
            "training_types": TRAINING_TYPES,
            "post_categories": catalog_selectors.post_categories(),
            **selectors.training_scope(actor),
        },
    )


@login_required
@require_POST
def plan_line_add(request, plan_id: int):
    form_checked_action(
        request,
        PlanLineForm(request.POST),
        lambda entered: services.plan_line_add(actor=request.actor, plan_id=plan_id, **entered),
        "已增加一个计划开设的班级。",
    )
    return redirect("training:plan_detail", plan_id=plan_id)


@login_required
@require_POST
def plan_line_remove(request, plan_id: int, line_id: int):
    form_action(
        request,
        lambda: services.plan_line_remove(actor=request.actor, line_id=line_id),
        "已删除该计划明细。",
    )
    return redirect("training:plan_detail", plan_id=plan_id)


@login_required
@require_POST
def plan_submit(request, plan_id: int):
    form_action(
        request,
        lambda: services.plan_submit(actor=request.actor, plan_id=plan_id),
        "培训计划已提交，等待应急管理部门审核。",
    )
    return redirect("training:plan_detail", plan_id=plan_id)


@login_required
@require_POST
def plan_review(request, plan_id: int):
    form_checked_action(
        request,
        PlanReviewForm(request.POST),
        lambda entered: services.plan_review(
            actor=request.actor,
            plan_id=plan_id,
            approve=entered["decision"] == "approve",
            note=entered["note"],
        ),
        lambda plan: PLAN_REVIEWED[plan.status],
    )
    return redirect("training:plan_detail", plan_id=plan_id)


@login_required
def staff(request):
    """The institution's teachers and classrooms."""
    return render(
        request,
        "training/staff.html",
        {
            "teachers": selectors.teacher_list(request.actor),
            "classrooms": selectors.classroom_list(request.actor),
            "can_manage": is_institution_admin(request.actor),
            "employments": EMPLOYMENTS,
            "items": selectors.training_scope(request.actor)["items"],
            "post_categories": catalog_selectors.principal_and_manager_categories(),
        },
    )


@login_required
@require_POST
def teacher_add(request):
    form = TeacherForm(request.POST)
    form_checked_action(
        request,
        form,
        lambda _: teacher_services.teacher_save(actor=request.actor, **form.cleaned_with(request)),
        "教师已登记。",
    )
    return redirect("training:staff")


@login_required
@require_POST
def classroom_add(request):
    form_checked_action(
        request,
        ClassroomForm(request.POST),
        lambda entered: teacher_services.classroom_save(actor=request.actor, **entered),
        "教室已登记。",
    )
    return redirect("training:staff")


urlpatterns = [
    path("plans/", plan_list, name="plans"),
    path("plans/new/", plan_create, name="plan_create"),
    path("plans/<int:plan_id>/", plan_detail, name="plan_detail"),
    path("plans/<int:plan_id>/lines/", plan_line_add, name="plan_line_add"),
    path(
        "plans/<int:plan_id>/lines/<int:line_id>/remove/", plan_line_remove, name="plan_line_remove"
    ),
    path("plans/<int:plan_id>/submit/", plan_submit, name="plan_submit"),
    path("plans/<int:plan_id>/review/", plan_review, name="plan_review"),
    path("staff/", staff, name="staff"),
    path("staff/teachers/", teacher_add, name="teacher_add"),
    path("staff/classrooms/", classroom_add, name="classroom_add"),
]

"""Pages of the practical exam: the examiner's candidates and assessments, the score sheet
(enter, sign, absent, correct) and the blueprints."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from peikao.core.views import form_action, form_checked_action
from peikao.exams.practical_forms import CorrectionForm, SubjectScoreForm
from peikao.exams.rules import practical as rules
from peikao.exams.selectors import results as selectors
from peikao.exams.services import practical as services

EXAMINER = "practical_examiner"


@login_required
def practical_list(request):
    actor = request.actor
    status = request.GET.get("status", "")
    return render(
        request,
        "exams/practical_list.html",
        {
            "assessments": selectors.assessment_list(actor, status=status)[:200],
            "candidates": selectors.practical_candidates(actor),
            "statuses": list(rules.PRACTICAL.states.items()),
            "status": status,
        },
    )


@login_required
@require_POST
def practical_draw(request, application_id: int):
    assessment = form_action(
        request,
        lambda: services.practical_draw(actor=request.actor, application_id=application_id),
        "已抽取实操考题。",
    )
    if assessment is None:
        return redirect("exams:practical")
    return redirect("exams:practical_detail", assessment_id=assessment.pk)


@login_required
def practical_detail(request, assessment_id: int):
    actor = request.actor
    assessment = selectors.assessment_detail(actor, assessment_id)
    is_examiner = actor.role == EXAMINER
    return render(
        request,
        "exams/practical_detail.html",
        {
            "assessment": assessment,
            "rows": selectors.assessment_rows(assessment),
            "corrections": selectors.assessment_corrections(assessment),
            "can_score": is_examiner and assessment.status in (rules.DRAWN, rules.SCORED),
            "can_sign": is_examiner and assessment.status == rules.SCORED,
            "can_mark_absent": is_examiner and assessment.status == rules.DRAWN,
            "can_correct": (is_examiner or actor.is_exam_center)
            and assessment.status == rules.SIGNED,
        },
    )


def _score_form(request, form_class, assessment_id: int):
    """The form sized to the subject's drawn task (its steps and veto items)."""
    assessment = selectors.assessment_detail(request.actor, assessment_id)
    code = request.POST.get("subject", "")
    row = next((r for r in selectors.assessment_rows(assessment) if r.subject.code == code), None)
    steps, vetoes = (len(row.task.steps), len(row.task.vetoes)) if row else (0, 0)
    return form_class(request.POST, steps=steps, vetoes=vetoes)


@login_required
@require_POST
def practical_score(request, assessment_id: int):
    form_checked_action(
        request,
        _score_form(request, SubjectScoreForm, assessment_id),
        lambda entered: services.practical_score_enter(
            actor=request.actor,
            assessment_id=assessment_id,
            **SubjectScoreForm.entry_of(entered),
        ),
        "已保存该科目得分。",
    )
    return redirect("exams:practical_detail", assessment_id=assessment_id)


@login_required
@require_POST
def practical_sign(request, assessment_id: int):
    form_action(
        request,
        lambda: services.practical_sign(actor=request.actor, assessment_id=assessment_id),
        "实操成绩已签名确认。",
    )
    return redirect("exams:practical_detail", assessment_id=assessment_id)


@login_required
@require_POST
def practical_absent(request, assessment_id: int):
    form_action(
        request,
        lambda: services.practical_absent(actor=request.actor, assessment_id=assessment_id),
        "已登记该考生实操考试缺考。",
    )
    return redirect("exams:practical_detail", assessment_id=assessment_id)


@login_required
@require_POST
def practical_correct(request, assessment_id: int):
    form_checked_action(
        request,
        _score_form(request, CorrectionForm, assessment_id),
        lambda entered: services.practical_correct(
            actor=request.actor,
            assessment_id=assessment_id,
            reason=entered["reason"],
            **SubjectScoreForm.entry_of(entered),
        ),
        "实操成绩已更正，更正记录已保存。",
    )
    return redirect("exams:practical_detail", assessment_id=assessment_id)


@login_required
def blueprint_list(request):
    return render(
        request,
        "exams/practical_blueprints.html",
        {"blueprints": selectors.blueprint_list(request.actor)},
    )


@login_required
def blueprint_detail(request, practical_blueprint_id: int):
    blueprint = selectors.blueprint_detail(request.actor, practical_blueprint_id)
    return render(
        request,
        "exams/practical_blueprint.html",
        {"blueprint": blueprint, "subjects": selectors.blueprint_subjects(blueprint)},
    )


urlpatterns = [
    path("exams/practical/", practical_list, name="practical"),
    path("exams/practical/draw/<int:application_id>/", practical_draw, name="practical_draw"),
    path("exams/practical/<int:assessment_id>/", practical_detail, name="practical_detail"),
    path("exams/practical/<int:assessment_id>/scores/", practical_score, name="practical_score"),
    path("exams/practical/<int:assessment_id>/sign/", practical_sign, name="practical_sign"),
    path("exams/practical/<int:assessment_id>/absent/", practical_absent, name="practical_absent"),
    path(
        "exams/practical/<int:assessment_id>/corrections/",
        practical_correct,
        name="practical_correct",
    ),
    path("exams/practical/blueprints/", blueprint_list, name="practical_blueprints"),
    path(
        "exams/practical/blueprints/<int:practical_blueprint_id>/",
        blueprint_detail,
        name="practical_blueprint",
    ),
]

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from peikao.catalog import selectors as catalog_selectors
from peikao.core.errors import DomainError
from peikao.core.pagination import keyset_page_of_request
from peikao.core.views import form_action
from peikao.people import rules, selectors, services
from peikao.people.forms import (
    ELIGIBILITY_FLAGS,
    VIOLATION_KINDS,
    VIOLATION_STATUSES,
    EligibilityForm,
    ViolationForm,
    form_errors,
)
from peikao.people.permissions import require_eligibility_checker

PEOPLE_PER_PAGE = 50


@login_required
def person_list(request):
    people = selectors.person_list(request.actor)
    page = keyset_page_of_request(request, people, size=PEOPLE_PER_PAGE)
    return render(request, "people/person_list.html", {"page": page})


@login_required
def my_record(request):
    person = selectors.person_of_trainee(request.actor)
    return render(request, "people/my_record.html", {"person": person})


@login_required
def violation_list(request):
    status = request.GET.get("status", "")
    violations = selectors.violation_list(request.actor, status=status)
    return render(
        request,
        "people/violation_list.html",
        {
            "page": keyset_page_of_request(request, violations, size=PEOPLE_PER_PAGE),
            "statuses": VIOLATION_STATUSES,
            "status": status,
            "kinds": VIOLATION_KINDS,
            "can_record": request.actor.role in services.VIOLATION_RECORDERS,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def violation_record(request):
    form = ViolationForm(request.POST)
    if not form.is_valid():
        for error in form_errors(form):
            messages.error(request, error)
        return redirect("people:violations")
    form_action(
        request,
        lambda: services.violation_record(actor=request.actor, **form.cleaned_data),
        lambda recorded: (
            "三违记录已登记；该人员须完成专项培训并考试合格后方可上岗。"
            if recorded[1]
            else "该三违记录已登记过（同一人员、类型、发生日期和记录单位），未重复登记。"
        ),
    )
    return redirect("people:violations")


@login_required
def eligibility_check(request):
    """The eligibility rules as a dry run, before a clerk enrols anyone; nothing is stored."""
    require_eligibility_checker(request.actor)
    form = EligibilityForm(request.POST if request.method == "POST" else None)
    result, errors = None, list[str]()
    if form.is_bound:
        if form.is_valid():
            particulars = dict(form.cleaned_data)
            try:
                result = selectors.eligibility_dry_run(
                    request.actor,
                    id_number=particulars.pop("id_number"),
                    on_date=None,
                    **particulars,
                )
            except DomainError as refused:
                errors = refused.messages
        else:
            errors = form_errors(form)
    return render(
        request,
        "people/eligibility.html",
        {
            "form": form,
            "values": request.POST,
            "result": result,
            "errors": errors,
            "educations": sorted(rules.EDUCATION_NAMES.items()),
            "items": catalog_selectors.operation_items(),
            "flags": ELIGIBILITY_FLAGS.items(),
        },
        status=400 if errors else 200,
    )

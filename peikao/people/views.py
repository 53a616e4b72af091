from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from peikao.core.views import form_action
from peikao.people import selectors, services
from peikao.people.models import Violation

PEOPLE_PER_PAGE = 50


@login_required
def person_list(request):
    people = selectors.person_list(request.jurisdiction)
    page = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "people/person_list.html", {"page": page})


@login_required
def my_record(request):
    person = selectors.person_of_trainee(request.jurisdiction)
    return render(request, "people/my_record.html", {"person": person})


@login_required
def violation_list(request):
    status = request.GET.get("status", "")
    violations = selectors.violation_list(request.jurisdiction, status=status)
    return render(
        request,
        "people/violation_list.html",
        {
            "page": Paginator(violations, PEOPLE_PER_PAGE).get_page(request.GET.get("page")),
            "statuses": Violation.Status.choices,
            "status": status,
            "kinds": Violation.Kind.choices,
            "can_record": request.jurisdiction.role in services.VIOLATION_RECORDERS,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def violation_record(request):
    try:
        occurred_on = date.fromisoformat(request.POST.get("occurred_on", ""))
    except ValueError:
        messages.error(request, "请填写发生日期。")
        return redirect("people:violations")
    form_action(
        request,
        lambda: services.violation_record(
            actor=request.user,
            jurisdiction=request.jurisdiction,
            id_number=request.POST.get("id_number", ""),
            kind=request.POST.get("kind", ""),
            occurred_on=occurred_on,
            description=request.POST.get("description", ""),
            confirmed_by=request.POST.get("confirmed_by", ""),
            post=request.POST.get("post", ""),
        ),
        "三违记录已登记；该人员须完成专项培训并考试合格后方可上岗。",
    )
    return redirect("people:violations")

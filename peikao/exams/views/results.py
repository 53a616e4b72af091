"""Pages of results: the candidate's own, the institution's trainees', the enterprise's staff's
(one list, scoped by the viewer), and pass rates for the exam center and the regulators."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from peikao.core.pagination import keyset_page_of_request
from peikao.exams.practical_forms import PeriodForm
from peikao.exams.rules import results as rules
from peikao.exams.selectors import results as selectors

RESULTS_PER_PAGE = 50


@login_required
def result_list(request):
    status = request.GET.get("status", "")
    if status not in rules.RESULT.states:
        status = ""
    page = keyset_page_of_request(
        request, selectors.result_list(request.actor, status=status), size=RESULTS_PER_PAGE
    )
    return render(
        request,
        "exams/result_list.html",
        {
            "page": page,
            "results": selectors.with_advice(list(page.rows)),
            "statuses": list(rules.RESULT.states.items()),
            "status": status,
        },
    )


@login_required
def pass_rates(request):
    form = PeriodForm(request.GET)
    period = {}
    if form.is_valid():
        period = {"start": form.cleaned_data["start"], "end": form.cleaned_data["end"]}
    else:
        for message in form.messages():
            messages.error(request, message)
    tables = selectors.pass_rates(request.actor, **period)
    return render(
        request,
        "exams/pass_rates.html",
        {
            "form": form,
            "period": period,
            "tables": [
                ("按培训机构", "培训机构", tables["institution"]),
                ("按操作项目", "操作项目", tables["item"]),
                ("按考试点", "考试点", tables["exam_point"]),
            ],
        },
    )


urlpatterns = [
    path("exams/results/", result_list, name="results"),
    path("exams/results/pass-rates/", pass_rates, name="pass_rates"),
]

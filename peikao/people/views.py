from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from peikao.catalog import selectors as catalog_selectors
from peikao.core.errors import DomainError, PermissionDenied
from peikao.core.views import form_action
from peikao.people import rules, selectors, services
from peikao.people.models import Violation

PEOPLE_PER_PAGE = 50


@login_required
def person_list(request):
    people = selectors.person_list(request.actor)
    page = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
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
            "page": Paginator(violations, PEOPLE_PER_PAGE).get_page(request.GET.get("page")),
            "statuses": Violation.Status.choices,
            "status": status,
            "kinds": Violation.Kind.choices,
            "can_record": request.actor.role in services.VIOLATION_RECORDERS,
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
            actor=request.actor,
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


ELIGIBILITY_FLAGS = [
    ("education_related_to_coal", "煤矿相关专业"),
    ("education_chemical", "化工类专业（职业教育或以上）"),
    ("education_chemistry_or_safety", "化学、化工或安全类专业"),
    ("chemical_intermediate_title", "化工类中级及以上职称"),
    ("major_hazard_or_key_process", "从事重大危险源或重点监管危险化工工艺"),
    ("explosive_chemicals", "涉及爆炸危险性化学品"),
    ("hazardous_chemical_key_unit", "危险化学品重点单位的负责人或安全管理人员"),
]


def _eligibility_particulars(post) -> dict:
    months = post.get("coal_mine_work_months", "0")
    return {
        "education": rules.Education(int(post.get("education") or rules.Education.JUNIOR_HIGH)),
        "post": post.get("post", ""),
        "item_code": post.get("item_code", ""),
        "female_post": post.get("female_post", "worker"),
        "coal_mine_work_months": int(months) if months.isdigit() else 0,
        **{key: post.get(key) == "on" for key, _ in ELIGIBILITY_FLAGS},
    }


@login_required
def eligibility_check(request):
    """The eligibility rules as a dry run, before a clerk enrols anyone; nothing is stored."""
    if request.actor.person_id is not None or not request.actor.role:
        raise PermissionDenied("报考条件预审供培训机构、考试中心、企业和监管部门使用。")
    result, errors = None, list[str]()
    if request.method == "POST":
        try:
            result = selectors.eligibility_dry_run(
                id_number=request.POST.get("id_number", ""),
                on_date=None,
                **_eligibility_particulars(request.POST),
            )
        except (DomainError, ValueError) as refused:
            errors = getattr(refused, "messages", None) or ["请检查填写的内容。"]
    return render(
        request,
        "people/eligibility.html",
        {
            "form": request.POST,
            "result": result,
            "errors": errors,
            "educations": sorted(rules.EDUCATION_NAMES.items()),
            "items": catalog_selectors.operation_items(),
            "flags": ELIGIBILITY_FLAGS,
        },
    )

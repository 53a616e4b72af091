from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from peikao.accounts.permissions import can_supervise_institutions
from peikao.core.pagination import keyset_page_of_request
from peikao.core.views import form_checked_action
from peikao.orgs import selectors, services
from peikao.orgs.forms import InstitutionStatusForm, kind_filter

HISTORY_ROWS = 20
ORGANIZATIONS_PER_PAGE = 50


def directory(request):
    city = request.GET.get("city", "")
    return render(
        request,
        "orgs/directory.html",
        {
            "institutions": selectors.public_institution_directory(city=city),
            "cities": selectors.city_list(),
            "city": city,
        },
    )


@login_required
def organization_list(request):
    kind, kinds, ignored = kind_filter(request.GET)
    for message in ignored:
        messages.warning(request, message)
    organizations = selectors.organization_list(request.actor, kind=kind)
    return render(
        request,
        "orgs/organization_list.html",
        {
            "page": keyset_page_of_request(request, organizations, size=ORGANIZATIONS_PER_PAGE),
            "kinds": kinds,
            "kind": kind,
        },
    )


@login_required
def organization_detail(request, organization_id: int):
    organization = selectors.organization_detail(request.actor, organization_id)
    return render(
        request,
        "orgs/organization_detail.html",
        {
            "organization": organization,
            "can_supervise": can_supervise_institutions(request.actor)
            and organization.is_institution,
            "history": selectors.organization_history(organization, limit=HISTORY_ROWS),
        },
    )


@login_required
@require_POST
def institution_status(request, organization_id: int):
    form_checked_action(
        request,
        InstitutionStatusForm(request.POST),
        lambda entered: services.institution_change_status(
            actor=request.actor, institution_id=organization_id, **entered
        ),
        lambda institution: f"机构状态已变更为“{institution.get_status_display()}”。",
    )
    return redirect("orgs:detail", organization_id=organization_id)

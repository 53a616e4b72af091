from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from peikao.accounts.permissions import can_edit_rules
from peikao.catalog import rules, selectors, services
from peikao.core.errors import DomainError


@login_required
def catalogue(request):
    return render(
        request,
        "catalog/catalogue.html",
        {
            "categories": selectors.catalogue(),
            "industries": selectors.industries(),
        },
    )


@login_required
def rule_list(request):
    actor = request.actor
    if request.method == "POST":
        try:
            effective_from = date.fromisoformat(request.POST.get("effective_from", ""))
        except ValueError:
            messages.error(request, "请填写正确的生效日期。")
        else:
            try:
                services.rule_value_set(
                    actor=request.actor,
                    key=request.POST.get("key", ""),
                    subject=request.POST.get("subject", "").strip(),
                    value=request.POST.get("value", ""),
                    effective_from=effective_from,
                    source=request.POST.get("source", ""),
                )
            except DomainError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, "规则参数已保存，将自生效日期起适用。")
                return redirect("catalog:rules")
    return render(
        request,
        "catalog/rules.html",
        {
            "values": selectors.rule_value_list(actor),
            "definitions": rules.RULE_DEFINITIONS,
            "can_edit": can_edit_rules(actor),
            "subject_choices": selectors.rule_subject_choices(),
            "entered": request.POST,
        },
    )

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from peikao.accounts.permissions import can_edit_rules
from peikao.catalog import rules, selectors, services
from peikao.catalog.forms import RuleValueCorrectionForm, RuleValueForm
from peikao.core.errors import DomainError, NotFound


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
    form = RuleValueForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            for message in form.messages():
                messages.error(request, message)
        else:
            try:
                services.rule_value_set(actor=actor, **form.cleaned_data)
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
            "correctable": selectors.rule_value_ids_correctable_by(actor),
            "subject_choices": selectors.rule_subject_choices(),
            "entered": request.POST,
        },
    )


@login_required
@require_POST
def rule_correct(request, rule_value_id: int):
    form = RuleValueCorrectionForm(request.POST)
    if not form.is_valid():
        for message in form.messages():
            messages.error(request, message)
        return redirect("catalog:rules")
    try:
        services.rule_value_correct(
            actor=request.actor, rule_value_id=rule_value_id, **form.cleaned_data
        )
    except NotFound:
        raise
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "规则取值已更正，原取值保留在修改记录中。")
    return redirect("catalog:rules")

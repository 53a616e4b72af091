from django import forms

from peikao.core.forms import NamedErrorsForm, column_text
from peikao.orgs.models import Organization
from peikao.orgs.rules import INSTITUTION


class OrganizationFilterForm(NamedErrorsForm):
    kind = forms.ChoiceField(label="单位类型", choices=Organization.Kind.choices, required=False)


def kind_filter(params) -> tuple[str, list[tuple[str, str]], list[str]]:
    """The chosen kind ('' for all), the choices to offer, and why a choice was ignored."""
    form = OrganizationFilterForm(params)
    choices = list(Organization.Kind.choices)
    if form.is_valid():
        return form.cleaned_data["kind"], choices, []
    return "", choices, form.messages()


class InstitutionStatusForm(NamedErrorsForm):
    """Suspending, reinstating or exiting an institution: the status it is to have, and why."""

    target = forms.ChoiceField(
        label="变更后的状态", choices=[(t.target, t.label) for t in INSTITUTION.transitions]
    )
    reason = column_text(Organization, "status_reason", label="原因")

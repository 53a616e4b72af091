from django import forms

from peikao.core.forms import NamedErrorsForm
from peikao.orgs.models import Organization


class OrganizationFilterForm(NamedErrorsForm):
    kind = forms.ChoiceField(label="单位类型", choices=Organization.Kind.choices, required=False)


def kind_filter(params) -> tuple[str, list[tuple[str, str]], list[str]]:
    """The chosen kind ('' for all), the choices to offer, and why a choice was ignored."""
    form = OrganizationFilterForm(params)
    choices = list(Organization.Kind.choices)
    if form.is_valid():
        return form.cleaned_data["kind"], choices, []
    return "", choices, form.messages()

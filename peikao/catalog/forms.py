from typing import cast

from django import forms

from peikao.catalog import rules, selectors
from peikao.core.forms import NamedErrorsForm


class RuleValueForm(NamedErrorsForm):
    """A new rule value; which subjects a rule accepts is the service's to check."""

    key = forms.ChoiceField(label="规则参数")
    subject = forms.ChoiceField(label="适用对象", required=False)
    value = forms.DecimalField(label="数值")
    effective_from = forms.DateField(label="生效日期")
    source = forms.CharField(label="依据", required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["key"]).choices = [
            (key, definition.label) for key, definition in rules.RULE_DEFINITIONS.items()
        ]
        cast(forms.ChoiceField, self.fields["subject"]).choices = [
            (value, label)
            for _, group in selectors.rule_subject_choices()
            for value, label in group
        ]


class RuleValueCorrectionForm(NamedErrorsForm):
    """The corrected value of a rule value not yet applied, and why."""

    value = forms.DecimalField(label="更正后的数值")
    reason = forms.CharField(label="更正原因", max_length=200)

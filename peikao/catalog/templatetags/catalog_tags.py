from django import template

from peikao.catalog.rules import rule_label, rule_subject_label, rule_unit, value_error

register = template.Library()

register.filter("rule_label", rule_label)
register.filter("rule_unit", rule_unit)
register.filter("rule_subject_label", rule_subject_label)


@register.filter
def rule_value_refusal(row) -> str:
    """Why a stored value is not used ('' when it is within its rule's bounds)."""
    return value_error(row.key, row.subject, row.value)

from django import template

from peikao.catalog.rules import rule_label, rule_subject_label, rule_unit

register = template.Library()

register.filter("rule_label", rule_label)
register.filter("rule_unit", rule_unit)
register.filter("rule_subject_label", rule_subject_label)

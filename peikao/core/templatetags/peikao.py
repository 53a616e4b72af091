from django import template

from peikao.accounts.models import Role
from peikao.audit.rules import audit_action_label
from peikao.catalog.rules import (
    rule_label,
    rule_subject_choices,
    rule_subject_label,
    rule_unit,
)
from peikao.core.masking import mask_id_number, mask_phone
from peikao.orgs.rules import STATUS_TRANSITIONS

register = template.Library()

register.filter("mask_id", mask_id_number)
register.filter("mask_phone", mask_phone)
register.filter("rule_label", rule_label)
register.filter("rule_unit", rule_unit)

BOOTSTRAP_ALERT_CLASSES = {"debug": "secondary", "error": "danger"}


register.filter("audit_action_label", audit_action_label)
register.filter("rule_subject_label", rule_subject_label)
register.simple_tag(rule_subject_choices)


@register.filter
def role_label(role: str) -> str:
    """The Chinese name of a role code, e.g. as stored in the audit log."""
    return Role(role).label if role in Role.values else role


@register.filter
def status_transitions(current_status: str) -> list[tuple[str, str]]:
    """(target status, action name) of every change the institution's status allows."""
    return [
        (target, audit_action_label(action))
        for (source, target), action in STATUS_TRANSITIONS.items()
        if source == current_status
    ]


@register.filter
def alert_class(message_level_tag: str) -> str:
    """The Bootstrap alert colour for a Django message level."""
    return BOOTSTRAP_ALERT_CLASSES.get(message_level_tag, message_level_tag)


@register.filter
def elided_page_range(page):
    """Page numbers around the current page, with … for the gaps."""
    return page.paginator.get_elided_page_range(page.number)


@register.filter
def is_visible_to(organization, jurisdiction) -> bool:
    """Whether the organisation lies in the jurisdiction, so that a link to it would open."""
    return jurisdiction.covers_organization(organization)

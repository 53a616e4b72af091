from django import template

from peikao.audit.actions import action_label
from peikao.orgs.rules import INSTITUTION

register = template.Library()


@register.filter
def status_transitions(current_status: str) -> list[tuple[str, str]]:
    """(target status, action name) of every change the institution's status allows."""
    return [
        (transition.target, action_label(transition.action))
        for transition in INSTITUTION.available(current_status)
    ]


@register.filter
def is_visible_to(organization, actor) -> bool:
    """Whether the actor sees the organisation, so that a link to it would open."""
    return actor.covers_organization(organization)

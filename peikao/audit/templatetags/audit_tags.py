from django import template

from peikao.accounts.models import Role
from peikao.audit.actions import action_label

register = template.Library()

register.filter("audit_action_label", action_label)


@register.filter
def role_label(role: str) -> str:
    """The Chinese name of a role code as stored in the audit log."""
    return Role(role).label if role in Role.values else role

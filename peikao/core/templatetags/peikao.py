from django import template

from peikao.accounts.models import Role
from peikao.catalog.rules import rule_label, rule_unit
from peikao.core.masking import mask_id_number, mask_phone
from peikao.orgs.rules import STATUS_TRANSITIONS

register = template.Library()

register.filter("mask_id", mask_id_number)
register.filter("mask_phone", mask_phone)
register.filter("rule_label", rule_label)
register.filter("rule_unit", rule_unit)

# What each audited action means to a clerk reading the log.
AUDIT_ACTION_LABELS = {
    "auth.login": "登录",
    "auth.login_failed": "登录失败",
    "auth.locked_out": "账号锁定",
    "auth.logout": "退出登录",
    "auth.role_switched": "切换角色",
    "institution.suspended": "暂停培训",
    "institution.reinstated": "恢复培训",
    "institution.exited": "退出培训市场",
    "institution.registration_changed": "变更登记信息",
    "rule_value.set": "设置规则参数",
}

# The populations a rule value may be narrowed to (the `subject` of a RuleValue).
RULE_SUBJECT_LABELS = {
    "": "通用",
    "principal_manager": "主要负责人、安全管理人员",
    "principal_manager.general": "一般行业主要负责人、安全管理人员",
    "principal_manager.high_risk": "高危行业主要负责人、安全管理人员",
    "special_operator": "特种作业人员",
    "exam_video": "考试视频",
}
OPERATION_ITEM_SUBJECT_PREFIX = "item:"

BOOTSTRAP_ALERT_CLASSES = {"debug": "secondary", "error": "danger"}


@register.filter
def audit_action_label(action: str) -> str:
    return AUDIT_ACTION_LABELS.get(action, action)


@register.filter
def rule_subject_label(subject: str) -> str:
    if subject.startswith(OPERATION_ITEM_SUBJECT_PREFIX):
        return f"特种作业项目 {subject.removeprefix(OPERATION_ITEM_SUBJECT_PREFIX)}"
    return RULE_SUBJECT_LABELS.get(subject, subject)


@register.simple_tag
def rule_subject_choices() -> list[tuple[str, str]]:
    """The named subjects a new rule value may be given (a blank subject means all)."""
    return [(subject, label) for subject, label in RULE_SUBJECT_LABELS.items() if subject]


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

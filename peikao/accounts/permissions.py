"""Who may do what. Plain functions over a Actor, used by services, views and the API."""

from peikao.accounts.actor import Actor
from peikao.accounts.models import Role
from peikao.core.errors import NotFound, PermissionDenied


def require_visible_organization(actor: Actor, organization) -> None:
    """404, not 403, for what lies outside the actor: its existence is not disclosed."""
    if not actor.covers_organization(organization):
        raise NotFound("未找到该单位，或不在您的管辖范围内。")


def can_supervise_institutions(actor: Actor) -> bool:
    # The city bureau registers, suspends and exits institutions (忻应急发〔2024〕26号 三);
    # the province may too. County bureaus inspect but do not change registrations.
    return actor.is_regulator and actor.level in {"province", "city"}


def require_institution_supervisor(actor: Actor, organization) -> None:
    require_visible_organization(actor, organization)
    if not can_supervise_institutions(actor):
        raise PermissionDenied("只有市级及以上应急管理部门可以变更培训机构登记信息或状态。")


def can_edit_rules(actor: Actor) -> bool:
    return actor.role == Role.REGULATOR_ADMIN and actor.level in {"province", "city"}


def require_rule_editor(actor: Actor) -> None:
    if not can_edit_rules(actor):
        raise PermissionDenied("只有省、市应急管理部门管理员可以修改规则参数。")


# Who reads the audit log: the supervisors, and an institution's or exam center's own manager.
AUDIT_READERS = frozenset(
    {Role.REGULATOR_ADMIN, Role.REGULATOR_OFFICER, Role.EXAM_CENTER_OFFICER, Role.INSTITUTION_ADMIN}
)


def can_read_audit(actor: Actor) -> bool:
    return actor.role in AUDIT_READERS


def require_audit_reader(actor: Actor) -> None:
    if not can_read_audit(actor):
        raise PermissionDenied("您的角色无权查看审计日志。")

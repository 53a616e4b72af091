"""Who may do what in training: an institution's own staff write, its regulators review."""

from peikao.accounts.actor import Actor
from peikao.accounts.models import Role
from peikao.core.errors import NotFound, PermissionDenied

INSTITUTION_WRITERS = frozenset({Role.INSTITUTION_ADMIN, Role.INSTITUTION_CLERK})


def require_institution_writer(actor: Actor, organization) -> None:
    """The institution's admin or clerk; anyone else who can see it gets 403, the rest 404."""
    if not actor.covers_organization(organization):
        raise NotFound("未找到该培训机构的记录，或不在您的管辖范围内。")
    if actor.role not in INSTITUTION_WRITERS:
        raise PermissionDenied("只有本培训机构的管理员或教务员可以办理。")


def is_institution_admin(actor: Actor) -> bool:
    return actor.role == Role.INSTITUTION_ADMIN


def require_institution_admin(actor: Actor, organization) -> None:
    require_institution_writer(actor, organization)
    if actor.role != Role.INSTITUTION_ADMIN:
        raise PermissionDenied("只有本培训机构的管理员可以办理。")


def can_review_training(actor: Actor) -> bool:
    """Regulators of the institution's place review plans and may suspend classes."""
    return actor.is_regulator


def require_training_reviewer(actor: Actor, organization) -> None:
    if not actor.covers_organization(organization):
        raise NotFound("未找到该培训机构的记录，或不在您的管辖范围内。")
    if not can_review_training(actor):
        raise PermissionDenied("只有应急管理部门可以审核培训计划或叫停培训班。")


def is_class_writer(actor: Actor, training_class) -> bool:
    """The admin or clerk of the class's own institution: they enrol, see ID numbers in full,
    keep the documents and archive the class."""
    return (
        actor.role in INSTITUTION_WRITERS
        and actor.organization is not None
        and training_class.organization_id == actor.organization.pk
    )

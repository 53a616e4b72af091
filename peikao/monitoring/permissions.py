"""Who registers and manages the devices of a room: the organisation that owns the room."""

from peikao.accounts.actor import Actor
from peikao.accounts.models import Role
from peikao.core.errors import NotFound, PermissionDenied

# An institution's admin for its classrooms, an exam point's clerk for its exam rooms. The
# actor already ties each role to its own kind of organisation.
DEVICE_MANAGER_ROLES = frozenset({Role.INSTITUTION_ADMIN, Role.EXAM_POINT_CLERK})


def can_manage_devices(actor: Actor) -> bool:
    return actor.role in DEVICE_MANAGER_ROLES


def require_device_manager_role(actor: Actor) -> None:
    if not can_manage_devices(actor):
        raise PermissionDenied("只有培训机构管理员或考试点考务员可以管理本单位的监控与考勤设备。")


def require_device_manager(actor: Actor, organization, *, missing: str) -> None:
    """404 (with `missing`) outside one's own organisation, 403 for a role that may not act."""
    if not actor.covers_organization(organization):
        raise NotFound(missing)
    require_device_manager_role(actor)

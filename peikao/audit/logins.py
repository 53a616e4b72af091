"""The audit of sign-in events: logins, failures, lockouts, logouts, role switches and
password changes."""

from peikao.accounts.actor import Actor, ActorKind, actor_of
from peikao.accounts.models import Membership
from peikao.audit.actions import Action
from peikao.audit.models import AuditRecord
from peikao.audit.services import audit_record
from peikao.core.masking import mask_text


def _actor_of(user) -> Actor:
    """The user in their first role: whose log a login event belongs in."""
    if user is None:
        return Actor(kind=ActorKind.USER)
    return actor_of(user, Membership.objects.active().filter(user=user).order_by("id").first())


def login_succeeded(*, user) -> None:
    audit_record(Action.AUTH_LOGIN, actor=_actor_of(user), target=user)


def login_failed(*, login_name: str, user=None) -> None:
    audit_record(
        Action.AUTH_LOGIN_FAILED,
        actor=_actor_of(user),
        result=AuditRecord.Result.FAILURE,
        detail={"login": mask_text(login_name or "")},
    )


def login_locked_out(*, login_name: str, user=None) -> None:
    audit_record(
        Action.AUTH_LOCKED_OUT,
        actor=_actor_of(user),
        result=AuditRecord.Result.DENIED,
        detail={"login": mask_text(login_name or "")},
    )


def logged_out(*, user) -> None:
    audit_record(Action.AUTH_LOGOUT, actor=_actor_of(user), target=user)


def role_switched(*, user, membership: Membership) -> None:
    audit_record(Action.AUTH_ROLE_SWITCHED, actor=actor_of(user, membership), target=membership)


def password_changed(*, user, membership: Membership | None) -> None:
    actor = actor_of(user, membership) if membership else _actor_of(user)
    audit_record(Action.AUTH_PASSWORD_CHANGED, actor=actor, target=user)

"""Account writes and the audit of login events."""

from django.db import transaction

from peikao.accounts.models import Membership
from peikao.accounts.selectors import SESSION_MEMBERSHIP_KEY
from peikao.audit.models import AuditRecord
from peikao.audit.services import audit_record
from peikao.core.errors import DomainError
from peikao.core.masking import mask_text


def _organization_of(user):
    membership = Membership.objects.active().filter(user=user).order_by("id").first()
    return (membership.organization, membership.role) if membership else (None, "")


def login_succeeded(*, user) -> None:
    organization, role = _organization_of(user)
    audit_record("auth.login", actor=user, role=role, organization=organization, obj=user)


def login_failed(*, login_name: str, user=None) -> None:
    organization, role = _organization_of(user) if user else (None, "")
    audit_record(
        "auth.login_failed",
        actor=user,
        role=role,
        organization=organization,
        result=AuditRecord.Result.FAILURE,
        detail={"login": mask_text(login_name or "")},
    )


def login_locked_out(*, login_name: str, user=None) -> None:
    organization, role = _organization_of(user) if user else (None, "")
    audit_record(
        "auth.locked_out",
        actor=user,
        role=role,
        organization=organization,
        result=AuditRecord.Result.DENIED,
        detail={"login": mask_text(login_name or "")},
    )


def logged_out(*, user) -> None:
    organization, role = _organization_of(user)
    audit_record("auth.logout", actor=user, role=role, organization=organization, obj=user)


@transaction.atomic
def membership_switch(*, request, membership_id: int) -> Membership:
    """Acts in another of the user's own roles for the rest of the session."""
    membership = (
        Membership.objects.active()
        .filter(user=request.user, pk=membership_id)
        .select_related("organization")
        .first()
    )
    if membership is None:
        raise DomainError("您没有该角色。")
    request.session[SESSION_MEMBERSHIP_KEY] = membership.pk
    audit_record(
        "auth.role_switched",
        actor=request.user,
        role=membership.role,
        organization=membership.organization,
        obj=membership,
    )
    return membership

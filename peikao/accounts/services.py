"""Account writes."""

from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from peikao.accounts.models import Membership
from peikao.accounts.selectors import SESSION_MEMBERSHIP_KEY
from peikao.accounts.signals import password_changed, role_switched
from peikao.core.errors import DomainError


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
    role_switched.send(sender=Membership, user=request.user, membership=membership)
    return membership


@transaction.atomic
def password_change(
    *, request, old_password: str, new_password: str, new_password_again: str
) -> None:
    """The logged-in user's own password, once they give the old one; the session stays
    logged in (its hash follows the new password), every other session of theirs ends."""
    user = request.user
    if not user.check_password(old_password):
        raise DomainError("原密码不正确。")
    if new_password != new_password_again:
        raise DomainError("两次输入的新密码不一致。")
    if new_password == old_password:
        raise DomainError("新密码不能与原密码相同。")
    try:
        validate_password(new_password, user)
    except ValidationError as refused:
        raise DomainError(*refused.messages) from refused
    user.set_password(new_password)
    user.save(update_fields=["password"])
    update_session_auth_hash(request, user)
    password_changed.send(sender=type(user), user=user, membership=request.membership or None)

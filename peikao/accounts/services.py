"""Account writes."""

from django.db import transaction

from peikao.accounts.models import Membership
from peikao.accounts.selectors import SESSION_MEMBERSHIP_KEY
from peikao.accounts.signals import role_switched
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

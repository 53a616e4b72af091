from peikao.accounts.jurisdiction import Jurisdiction
from peikao.accounts.models import Membership, User

SESSION_MEMBERSHIP_KEY = "membership_id"


def memberships_of(user) -> list[Membership]:
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.active()
        .filter(user=user)
        .select_related("organization__region", "user")
        .order_by("id")
    )


def current_membership(request) -> Membership | None:
    """The role the user acts in now: the one chosen in this session, else the first."""
    memberships = memberships_of(request.user)
    chosen = request.session.get(SESSION_MEMBERSHIP_KEY) if hasattr(request, "session") else None
    for membership in memberships:
        if membership.pk == chosen:
            return membership
    return memberships[0] if memberships else None


def user_list(jurisdiction: Jurisdiction):
    return jurisdiction.users(
        User.objects.filter(is_active=True).prefetch_related("memberships__organization")
    ).order_by("username")

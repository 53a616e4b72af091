from django.db.models import Exists, OuterRef, Prefetch

from peikao.accounts.actor import Actor
from peikao.accounts.models import Membership, User
from peikao.orgs.models import Organization

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
    memberships = getattr(request, "my_memberships", None) or memberships_of(request.user)
    chosen = request.session.get(SESSION_MEMBERSHIP_KEY) if hasattr(request, "session") else None
    for membership in memberships:
        if membership.pk == chosen:
            return membership
    return memberships[0] if memberships else None


def user_list(actor: Actor):
    """Accounts in the actor, each with only the roles held there."""
    return (
        User.objects.filter(is_active=True)
        .visible_to(actor)
        .prefetch_related(Prefetch("memberships", queryset=_visible_memberships(actor)))
        .order_by("username", "id")
    )


def _visible_memberships(actor: Actor):
    memberships = Membership.objects.active().select_related("organization")
    if actor.person_id is not None:
        return memberships.filter(organization__isnull=True)
    # Asked of each membership shown, not of every organisation one sees.
    seen = Organization.objects.visible_to(actor).filter(pk=OuterRef("organization_id"))
    return memberships.filter(Exists(seen))

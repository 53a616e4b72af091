"""Helpers shared by the tests of every app."""

from peikao.accounts.jurisdiction import Jurisdiction, jurisdiction_of
from peikao.accounts.models import Membership, User


def acting_as(username: str) -> tuple[User, Jurisdiction]:
    """A demo account and the jurisdiction of its (single) membership."""
    membership = Membership.objects.select_related("user", "organization__region").get(
        user__username=username
    )
    return membership.user, jurisdiction_of(membership)

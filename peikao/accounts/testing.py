"""Helpers shared by the tests of every app."""

from peikao.accounts.actor import Actor, actor_of_membership
from peikao.accounts.models import Membership


def acting_as(username: str) -> Actor:
    """A demo account acting in its (single) membership."""
    membership = Membership.objects.select_related("user", "organization__region").get(
        user__username=username
    )
    return actor_of_membership(membership)

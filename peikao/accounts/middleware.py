from django.conf import settings
from django.utils.functional import SimpleLazyObject

from peikao.accounts.jurisdiction import jurisdiction_of
from peikao.accounts.models import Role
from peikao.accounts.selectors import current_membership, memberships_of


class IdleSessionMiddleware:
    """Ends idle sessions (30 minutes for staff) and attaches the acting role and jurisdiction."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Read once per request, for the acting role and for the role switcher.
        request.my_memberships = SimpleLazyObject(lambda: memberships_of(request.user))
        request.membership = SimpleLazyObject(lambda: current_membership(request))
        request.jurisdiction = SimpleLazyObject(lambda: jurisdiction_of(request.membership or None))
        response = self.get_response(request)
        if request.user.is_authenticated and hasattr(request, "session"):
            membership = request.membership or None
            trainee = membership is not None and membership.role == Role.TRAINEE
            request.session.set_expiry(
                settings.TRAINEE_IDLE_SECONDS if trainee else settings.STAFF_IDLE_SECONDS
            )
        return response

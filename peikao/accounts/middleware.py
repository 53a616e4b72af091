import time

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from peikao.accounts.actor import actor_of
from peikao.accounts.models import Role
from peikao.accounts.selectors import current_membership, memberships_of

# The idle timeout moves forward at most once a minute: the session row is written then, not on
# every request, and a session may end up to this much before its full idle time.
SESSION_TOUCH_SECONDS = 60
TOUCHED_AT_KEY = "touched_at"


class IdleSessionMiddleware:
    """Ends idle sessions (30 minutes for staff) and attaches the acting role and actor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Read once per request, for the acting role and for the role switcher.
        request.my_memberships = SimpleLazyObject(lambda: memberships_of(request.user))
        request.membership = SimpleLazyObject(lambda: current_membership(request))
        request.actor = SimpleLazyObject(lambda: actor_of(request.user, request.membership or None))
        response = self.get_response(request)
        if request.user.is_authenticated and hasattr(request, "session"):
            self._touch(request)
        return response

    @staticmethod
    def _touch(request) -> None:
        membership = request.membership or None
        trainee = membership is not None and membership.role == Role.TRAINEE
        idle = settings.TRAINEE_IDLE_SECONDS if trainee else settings.STAFF_IDLE_SECONDS
        session, now = request.session, int(time.time())
        fresh = now - session.get(TOUCHED_AT_KEY, 0) < SESSION_TOUCH_SECONDS
        if fresh and session.get("_session_expiry") == idle and not session.modified:
            return
        session.set_expiry(idle)
        session[TOUCHED_AT_KEY] = now

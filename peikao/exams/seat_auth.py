"""The seat computer's authentication: its device key, set by the clerk's registration call
made on that computer, lives in an HttpOnly cookie (docs/decisions/0017). The page's script
never reads it; CSRF is checked on every call, as for a logged-in session."""

from django.conf import settings
from django.http import HttpResponse
from ninja.security import APIKeyCookie

from peikao.core.errors import PermissionDenied
from peikao.monitoring.models import Device
from peikao.monitoring.selectors import device_by_key

SEAT_COOKIE = "peikao_seat"
# A seat keeps its cookie for a year; a new registration or a key rotation replaces it.
SEAT_COOKIE_MAX_AGE = 365 * 24 * 3600


def set_seat_cookie(response: HttpResponse, key: str) -> None:
    """The one way a registration hands the seat its key (the API and the clerk's page): the
    key never reaches the page's script, HttpOnly, this site only."""
    response.set_cookie(
        SEAT_COOKIE,
        key,
        max_age=SEAT_COOKIE_MAX_AGE,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Strict",
        path="/",
    )


class ExamSeatCookie(APIKeyCookie):
    """`request.auth` is the active exam-seat Device; another kind of device gets 403, a
    missing, unknown or deactivated key 401."""

    param_name = SEAT_COOKIE

    def authenticate(self, request, key: str | None) -> Device | None:
        if not key:
            return None
        device = device_by_key(key)
        if device is not None and device.kind != Device.Kind.EXAM_SEAT:
            raise PermissionDenied("只有考试机可以调用此接口。")
        return device


class ExamSeatKey(APIKeyCookie):
    """The answer save's authentication: `request.auth` is the cookie's key, not yet checked;
    services.answer_save checks it in its own locked query (a missing key is 401 here)."""

    param_name = SEAT_COOKIE

    def authenticate(self, request, key: str | None) -> str | None:
        return key or None

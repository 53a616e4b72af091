import ipaddress
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.cache import add_never_cache_headers

from peikao.core import errors, request_context


def client_ip(request) -> str:
    """The peer address; behind a trusted proxy, the hop that proxy appended (the last one).
    Earlier X-Forwarded-For hops are the client's own claim and are not believed."""
    address = request.META.get("REMOTE_ADDR", "")
    if settings.TRUSTED_PROXY_COUNT:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(hops) >= settings.TRUSTED_PROXY_COUNT:
            address = hops[-settings.TRUSTED_PROXY_COUNT]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return ""


class RequestContextMiddleware:
    """Gives each request an id (echoed in X-Request-ID) and records its source IP."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming[:64] if incoming.isprintable() and incoming else uuid.uuid4().hex
        request.request_id = request_id
        token = request_context.activate(
            request_context.RequestContext(request_id=request_id, source_ip=client_ip(request))
        )
        try:
            response = self.get_response(request)
        finally:
            request_context.reset(token)
        response["X-Request-ID"] = request_id
        return response


class DomainErrorPagesMiddleware:
    """A page that reads what the actor hides shows the 404 page; one that asks for a
    forbidden action shows the 403 page. Views need not catch these themselves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, errors.NotFound):
            raise Http404(str(exception)) from exception
        if isinstance(exception, errors.PermissionDenied):
            raise DjangoPermissionDenied(str(exception)) from exception
        return None


class PrivateResponsesNotStoredMiddleware:
    """Nothing shown to a logged-in user, nor any API answer outside /api/public/ (a device's
    calls), is kept by the browser or a proxy: `Cache-Control: no-store, private`. One rule for
    every page, rather than a decorator on each that shows a full ID number, a document or a
    photo. Static files stop at WhiteNoise before this and keep their long cache; the public
    pages of an anonymous visitor stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if self._private(request):
            add_never_cache_headers(response)
        return response

    @staticmethod
    def _private(request) -> bool:
        if request.path.startswith("/api/"):
            return not request.path.startswith("/api/public/")
        # Without a session cookie there is no login to ask the session about.
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return False
        return request.user.is_authenticated

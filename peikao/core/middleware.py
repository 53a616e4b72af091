import ipaddress
import json
import uuid
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponseBadRequest, JsonResponse, QueryDict
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.views.defaults import permission_denied

from peikao.core import errors, request_context
from peikao.core.api_errors import NUL_REFUSED


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
            # Answered here, not raised: Django would log each refusal with its traceback, and
            # a forbidden click is no error of the server's (the response's one line is kept).
            return permission_denied(request, DjangoPermissionDenied(str(exception)))
        return None


NUL = "\x00"


def _strings(value: Any) -> Iterator[str]:
    """Every string in a parsed JSON value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _form(request) -> QueryDict | None:
    """The form of a POST, read from the body kept in memory, so that the view may still read
    the body itself (the API reads JSON from it). None for a body too big to keep (a large
    upload): its view reads it as a stream, and the API's own fields refuse a NUL
    (core/api_types.py)."""
    if request.method != "POST":
        return None
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        return None
    request.body  # noqa: B018 (read and kept before the form is parsed from it)
    return request.POST


def _json_body(request) -> Any:
    content_type = request.content_type or ""
    if not (content_type == "application/json" or content_type.endswith("+json")):
        return None
    try:
        return json.loads(request.body)
    except ValueError:
        return None  # not JSON: the API refuses it itself (json_invalid)


def carries_nul(request) -> bool:
    """Whether the path, the query, a form field, a file's name or a JSON body holds a NUL
    character, which PostgreSQL refuses in any text (SQLite would store it)."""
    texts: list[Any] = [request.path]
    form = _form(request)
    for values in (request.GET, form if form is not None else QueryDict()):
        for key in values:
            texts.append(key)
            texts.extend(values.getlist(key))
    if form is not None:
        texts.extend(upload.name or "" for upload in request.FILES.values())
    texts.extend(_strings(_json_body(request)))
    return any(NUL in text for text in texts)


class NulCharacterMiddleware:
    """Refuses a request whose input holds a NUL character, before any view or query reads it:
    JSON with a Chinese `detail` under /api/, the Chinese 400 page elsewhere."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if carries_nul(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": NUL_REFUSED, "errors": [NUL_REFUSED]}, status=400)
            # Rendered without the request: nobody is signed in yet at this point.
            return HttpResponseBadRequest(render_to_string("400.html", {"reason": NUL_REFUSED}))
        return self.get_response(request)


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

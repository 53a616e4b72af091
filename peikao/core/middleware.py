import uuid

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404

from peikao.core import errors, request_context


def client_ip(request) -> str:
    # Behind the reverse proxy the first X-Forwarded-For hop is the client.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR", "")


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
    """A page that reads what the jurisdiction hides shows the 404 page; one that asks for a
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

"""The JSON API root: one router per app, OpenAPI at /api/docs.

Domain errors become JSON with a Chinese `detail` and every reason in `errors`.
"""

import logging

from django.conf import settings
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.security import django_auth

from config.api_docs import VendoredSwagger, docs_login_unless_public
from peikao.accounts.api import router as accounts_router
from peikao.audit.api import router as audit_router
from peikao.catalog.api import router as catalog_router
from peikao.certificates.api import public_router as certificates_public_router
from peikao.certificates.api import router as certificates_router
from peikao.certificates.api_import import router as certificates_import_router
from peikao.core import request_context
from peikao.core.api_errors import (
    BY_STATUS,
    SERVER_ERROR,
    declare_refusals,
    http_error_message,
    in_path,
    validation_messages,
)
from peikao.core.errors import DomainError
from peikao.exams.api import public_router as exams_public_router
from peikao.exams.api import router as exams_router
from peikao.monitoring.api import router as monitoring_router
from peikao.notifications.api import router as notifications_router
from peikao.orgs.api import public_router as orgs_public_router
from peikao.orgs.api import router as orgs_router
from peikao.people.api import router as people_router
from peikao.people.eligibility_api import router as eligibility_router
from peikao.training.api import router as training_router


class PeikaoAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        # The refusals below, declared on every operation that can answer them.
        return declare_refusals(super().get_openapi_schema(**kwargs))


api = PeikaoAPI(
    title="培考 Peikao API",
    version="1",
    description=(
        "安全生产培训考核监管平台接口。除 /public/ 外均需登录，且只返回调用者管辖范围内的数据。"
    ),
    auth=django_auth,
    urls_namespace="api",
    docs=VendoredSwagger(),
    docs_decorator=docs_login_unless_public,
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError):
    return api.create_response(
        request, {"detail": str(exc), "errors": exc.messages}, status=exc.status_code
    )


def refusal(request: HttpRequest, messages: list[str], status: int):
    return api.create_response(
        request, {"detail": "".join(messages), "errors": messages}, status=status
    )


@api.exception_handler(ValidationError)
def invalid_request(request: HttpRequest, exc: ValidationError):
    if in_path(exc.errors):
        return refusal(request, [BY_STATUS[404]], 404)
    return refusal(request, validation_messages(exc.errors), 422)


# Unauthorized (401) for a missing session or device key, CSRF check Failed (403), …
@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError):
    return refusal(request, [http_error_message(exc.status_code, str(exc))], exc.status_code)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404):
    return refusal(request, [BY_STATUS[404]], 404)


@csrf_exempt
def unknown_route(request: HttpRequest):
    """A path under /api/ that no operation takes (`/api/people/abc` too) is the API's 404, in
    JSON, not the HTML page."""
    return refusal(request, [BY_STATUS[404]], 404)


@api.exception_handler(Exception)
def server_error(request: HttpRequest, exc: Exception):
    """A bug answers JSON in production, with the request id to quote; the trace goes to the
    log as Django's own 500 does. With DEBUG on, Django's debug page shows it."""
    if settings.DEBUG:
        raise exc
    logging.getLogger("django.request").error(
        "Internal Server Error: %s",
        request.path,
        exc_info=exc,
        extra={"status_code": 500, "request": request},
    )
    got_request_exception.send(sender=None, request=request)
    request_id = request_context.current().request_id
    message = SERVER_ERROR.format(request_id=request_id)
    return api.create_response(
        request, {"detail": message, "errors": [message], "request_id": request_id}, status=500
    )


# The exams first: the seats' calls are the most frequent, and the URL patterns are tried in
# this order.
api.add_router("/exams/", exams_router)
api.add_router("/public/", orgs_public_router, auth=None)
api.add_router("/public/", exams_public_router, auth=None)
api.add_router("/public/", certificates_public_router, auth=None)
api.add_router("/accounts/", accounts_router)
api.add_router("/orgs/", orgs_router)
api.add_router("/people/", people_router)
api.add_router("/eligibility/", eligibility_router)
api.add_router("/catalog/", catalog_router)
api.add_router("/audit/", audit_router)
api.add_router("/training/", training_router)
api.add_router("/monitoring/", monitoring_router)
api.add_router("/certificates", certificates_import_router)
api.add_router("/certificates", certificates_router)
api.add_router("/notifications", notifications_router)

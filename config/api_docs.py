"""The API's documentation page: Swagger UI from /static/vendor/swagger-ui/ (the intranet has no
CDN), started by a static script (the Content-Security-Policy allows no inline one), and in
production only for a logged-in user unless PEIKAO_API_DOCS_PUBLIC opens it."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from ninja.openapi.docs import Swagger, _csrf_needed


class VendoredSwagger(Swagger):
    template = "api/docs.html"
    # The validator would send the schema to validator.swagger.io, outside the intranet.
    default_settings = {**Swagger.default_settings, "validatorUrl": None}

    def render_page(self, request, api, **kwargs):
        context = {
            "swagger_settings": {**self.settings, "url": self.get_openapi_url(api, kwargs)},
            "api": api,
            "add_csrf": _csrf_needed(api),
        }
        return render(request, self.template, context)


def docs_login_unless_public(view):
    """/api/docs and /api/openapi.json: open when PEIKAO_API_DOCS_PUBLIC says so (the default
    outside production), else a login first, as for any page."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not settings.PEIKAO_API_DOCS_PUBLIC and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return guarded

"""The site's URLs plus three test-only pages that fail, for tests/test_error_pages.py."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns
from peikao.core.errors import PermissionDenied


def refused(request):
    raise PermissionDenied("只有本机构的教务员可以办理此事项。")


def refused_by_django(request):
    raise DjangoPermissionDenied


def broken(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [
    *site_urlpatterns,
    path("test-only/refused/", refused),
    path("test-only/refused-by-django/", refused_by_django),
    path("test-only/broken/", broken),
]

from django.contrib import admin
from django.urls import include, path, re_path

from config.api import api, unknown_route

urlpatterns = [
    # The API first: the seats' calls (answer saves above all) are the most frequent requests,
    # and Django tries the patterns in order.
    path("api/", api.urls),
    re_path(r"^api/", unknown_route),
    path("", include("peikao.exams.urls")),
    path("", include("peikao.accounts.urls")),
    path("orgs/", include("peikao.orgs.urls")),
    path("catalog/", include("peikao.catalog.urls")),
    path("people/", include("peikao.people.urls")),
    path("audit/", include("peikao.audit.urls")),
    path("training/", include("peikao.training.urls")),
    path("monitoring/", include("peikao.monitoring.urls")),
    path("notifications/", include("peikao.notifications.urls")),
    path("", include("peikao.certificates.urls")),
    path("django-admin/", admin.site.urls),
]

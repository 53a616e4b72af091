"""The project's URLs plus the bare insert of bench/exam_day.py."""

from django.urls import include, path

from bench.bare.views import bare_insert

urlpatterns = [
    path("bench/insert/", bare_insert),
    path("", include("config.urls")),
]

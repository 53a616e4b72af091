from django.urls import path

from peikao.exams import views
from peikao.exams.views import applications, practical, results, sessions

app_name = "exams"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("timetable/", views.timetable, name="timetable"),
    *sessions.urlpatterns,
    *applications.urlpatterns,
    *practical.urlpatterns,
    *results.urlpatterns,
]

from django.urls import path

from peikao.exams import views
from peikao.exams.views import practical, results

app_name = "exams"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("timetable/", views.timetable, name="timetable"),
    *practical.urlpatterns,
    *results.urlpatterns,
]

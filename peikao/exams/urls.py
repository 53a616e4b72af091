from django.urls import path

from peikao.exams import views

app_name = "exams"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("timetable/", views.timetable, name="timetable"),
]

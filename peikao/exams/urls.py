from django.urls import path

from peikao.exams import views
from peikao.exams.views import applications, attempts, practical, results, sessions
from peikao.exams.views import bank as bank_views

app_name = "exams"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("timetable/", views.timetable, name="timetable"),
    *sessions.urlpatterns,
    *applications.urlpatterns,
    *practical.urlpatterns,
    *results.urlpatterns,
    *attempts.urlpatterns,
    path("exams/banks/", bank_views.bank_list, name="banks"),
    path("exams/banks/<int:bank_id>/", bank_views.bank_detail, name="bank_detail"),
    path("exams/banks/<int:bank_id>/new/", bank_views.question_new, name="question_new"),
    path("exams/banks/<int:bank_id>/import/", bank_views.bank_import, name="bank_import"),
    path("exams/banks/<int:bank_id>/export/", bank_views.bank_export, name="bank_export"),
    path("exams/banks/<int:bank_id>/template/", bank_views.bank_template, name="bank_template"),
    path("exams/banks/<int:bank_id>/blueprints/", bank_views.blueprint_list, name="blueprints"),
    path(
        "exams/questions/<int:question_id>/",
        bank_views.question_detail,
        name="question_detail",
    ),
    path(
        "exams/questions/<int:question_id>/retire/",
        bank_views.question_retire,
        name="question_retire",
    ),
]

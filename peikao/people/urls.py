from django.urls import path

from peikao.people import views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="list"),
    path("me/", views.my_record, name="me"),
    path("eligibility/", views.eligibility_check, name="eligibility"),
    path("violations/", views.violation_list, name="violations"),
    path("violations/new/", views.violation_record, name="violation_record"),
]

from django.urls import path

from peikao.people import views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="list"),
    path("me/", views.my_record, name="me"),
]

from django.urls import path

from peikao.catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("rules/", views.rule_list, name="rules"),
    path("rules/<int:rule_value_id>/correct/", views.rule_correct, name="rule_correct"),
]

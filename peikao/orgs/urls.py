from django.urls import path

from peikao.orgs import views

app_name = "orgs"

urlpatterns = [
    path("", views.organization_list, name="list"),
    path("directory/", views.directory, name="directory"),
    path("<int:organization_id>/", views.organization_detail, name="detail"),
    path("<int:organization_id>/status/", views.institution_status, name="status"),
]

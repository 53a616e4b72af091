from django.urls import path

from peikao.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("devices/", views.device_list, name="devices"),
    path("devices/<int:device_id>/rotate-key/", views.device_rotate_key, name="rotate_key"),
    path("devices/<int:device_id>/deactivate/", views.device_deactivate, name="deactivate"),
]

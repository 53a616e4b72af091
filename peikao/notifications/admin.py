from django.contrib import admin

from peikao.core.admin import ReadOnlyAdmin
from peikao.notifications.models import Delivery, Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["subject", "recipient", "kind", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["subject", "recipient__username"]
    list_select_related = ["recipient"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["subject", "channel", "address", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["channel", "status"]
    search_fields = ["subject", "address"]
    raw_id_fields = ["notification", "person", "user"]

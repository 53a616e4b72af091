from django.contrib import admin

from peikao.core.admin import ReadOnlyAdmin
from peikao.monitoring.models import Device


@admin.register(Device)
class DeviceAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "organization", "room", "active", "last_heartbeat_at"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "serial_number", "organization__name"]
    exclude = ["key_digest"]

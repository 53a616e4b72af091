from django.contrib import admin

from peikao.audit.models import AuditRecord


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    """Read only: the log is append-only."""

    list_display = ["created_at", "actor_name", "role", "organization", "action", "result"]
    list_filter = ["result", "action"]
    search_fields = ["action", "object_repr", "request_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

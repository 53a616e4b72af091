from django.contrib import admin

from peikao.audit.actions import Action
from peikao.audit.models import AuditRecord
from peikao.audit.services import audit_record
from peikao.core.admin import ReadOnlyAdmin


class AuditedAdminMixin:
    """Operators' edits in the Django admin are audited like any service write, in the same
    transaction (the admin wraps each save in one)."""

    def _audit(self, request, obj, action: Action, changed: list[str] | None = None) -> None:
        audit_record(
            action,
            actor=request.actor,
            target=obj,
            detail={"model": obj._meta.label, "changed": sorted(changed or [])},
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        self._audit(
            request, obj, Action.ADMIN_CHANGED if change else Action.ADMIN_ADDED, form.changed_data
        )

    def delete_model(self, request, obj):
        self._audit(request, obj, Action.ADMIN_DELETED)
        super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request, queryset):
        """The list page's "delete selected": each row audited as a single delete would be."""
        for obj in queryset:
            self._audit(request, obj, Action.ADMIN_DELETED)
        super().delete_queryset(request, queryset)  # type: ignore[misc]

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for deleted in formset.deleted_objects:
            self._audit(request, deleted, Action.ADMIN_DELETED)
            deleted.delete()
        for instance in instances:
            is_new = instance.pk is None
            instance.save()
            self._audit(request, instance, Action.ADMIN_ADDED if is_new else Action.ADMIN_CHANGED)
        formset.save_m2m()


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdmin):
    """Read only: the log is append-only."""

    list_display = ["created_at", "actor_name", "role", "organization", "action", "result"]
    list_filter = ["result", "action"]
    search_fields = ["action", "object_repr", "request_id"]

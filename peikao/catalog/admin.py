from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from peikao.catalog.models import (
    DocumentRequirement,
    Industry,
    OperationCategory,
    OperationItem,
    PostCategory,
    RuleValue,
)


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "high_risk", "assessed_by_emergency_management"]


@admin.register(PostCategory)
class PostCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


class OperationItemInline(admin.TabularInline):
    model = OperationItem
    extra = 0


@admin.register(OperationCategory)
class OperationCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    inlines = [OperationItemInline]


@admin.register(RuleValue)
class RuleValueAdmin(SimpleHistoryAdmin):
    """Read only: values are set on the rules page, from a date on, and audited there."""

    list_display = ["key", "subject", "scope", "region", "value", "effective_from", "source"]
    list_filter = ["key", "scope"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DocumentRequirement)
class DocumentRequirementAdmin(admin.ModelAdmin):
    list_display = ["group", "seq", "name", "renewal_only"]
    list_filter = ["group"]

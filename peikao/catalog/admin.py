from django.contrib import admin

from peikao.catalog.models import (
    DocumentRequirement,
    Industry,
    OperationCategory,
    OperationItem,
    PostCategory,
    RuleValue,
)
from peikao.core.admin import HistoryAdmin, ReadOnlyAdmin, ReadOnlyInline

# Reference data, read only here even for a superuser: the catalogue and the checklist change
# through the seed files (`manage.py seed`), rule values on the rules page, where each value
# is checked against its bounds and audited.


@admin.register(Industry)
class IndustryAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "high_risk", "assessed_by_emergency_management"]


@admin.register(PostCategory)
class PostCategoryAdmin(ReadOnlyAdmin):
    list_display = ["code", "name"]


class OperationItemInline(ReadOnlyInline):
    model = OperationItem


@admin.register(OperationCategory)
class OperationCategoryAdmin(ReadOnlyAdmin):
    list_display = ["code", "name"]
    inlines = [OperationItemInline]


@admin.register(RuleValue)
class RuleValueAdmin(ReadOnlyAdmin, HistoryAdmin):
    list_display = ["key", "subject", "scope", "region", "value", "effective_from", "source"]
    list_filter = ["key", "scope"]


@admin.register(DocumentRequirement)
class DocumentRequirementAdmin(ReadOnlyAdmin):
    list_display = ["group", "seq", "name", "renewal_only"]
    list_filter = ["group"]

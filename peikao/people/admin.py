from django.contrib import admin

from peikao.core.admin import ReadOnlyAdmin
from peikao.people.models import Violation


@admin.register(Violation)
class ViolationAdmin(ReadOnlyAdmin):
    list_display = ["person", "kind", "occurred_on", "recorded_by_organization", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["person__name"]

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from peikao.orgs.models import Organization, Region, Room


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "official_code"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "region", "status", "credit_code"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "credit_code"]
    autocomplete_fields = ["region", "parent"]
    filter_horizontal = ["training_items", "training_posts", "training_industries"]
    # Status changes go through the services, with a reason and an audit record.
    readonly_fields = ["status", "status_reason"]
    inlines = [RoomInline]

from django.contrib import admin

from peikao.audit.admin import AuditedAdminMixin
from peikao.core.admin import HistoryAdmin, ReadOnlyAdmin
from peikao.orgs.models import Organization, Region, Room
from peikao.orgs.services import REGISTERED_FIELDS


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    """Read only, even for a superuser: a region's parent decides whose regulator sees its
    organisations, and the regions change only with the seed files (GB/T 2260)."""

    list_display = ["code", "name", "level", "parent", "official_code"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(AuditedAdminMixin, HistoryAdmin):
    list_display = ["name", "kind", "region", "status", "credit_code"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "credit_code"]
    autocomplete_fields = ["region", "parent"]
    filter_horizontal = ["training_items", "training_posts", "training_industries"]

    def get_readonly_fields(self, request, obj=None):
        # Registration and status of an existing organisation change only through the
        # services, with a reason; the admin creates organisations and sets their scope.
        if obj is None:
            return ["status", "status_reason"]
        return ["kind", *REGISTERED_FIELDS, "status", "status_reason"]

    inlines = [RoomInline]

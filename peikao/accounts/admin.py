from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from peikao.accounts.models import Membership, User
from peikao.audit.admin import AuditedAdminMixin


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    fieldsets = (*(DjangoUserAdmin.fieldsets or ()), ("培考", {"fields": ("mobile", "person")}))
    list_display = ["username", "last_name", "first_name", "mobile", "is_active"]
    search_fields = ["username", "last_name", "first_name", "mobile"]
    raw_id_fields = ["person"]
    inlines = [MembershipInline]

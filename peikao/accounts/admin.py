from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group

from peikao.accounts.models import Membership, User
from peikao.audit.admin import AuditedAdminMixin
from peikao.core.admin import ReadOnlyAdmin


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


# Django's and axes' own models, as the operators use them: groups of admin permissions are
# edited and audited; deleting a login attempt unlocks the account (audited); the access
# logs are evidence, read only.
for model in (Group, AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(Group)
class GroupAdmin(AuditedAdminMixin, DjangoGroupAdmin):
    pass


@admin.register(AccessAttempt)
class LoginAttemptAdmin(AuditedAdminMixin, AccessAttemptAdmin):
    pass


@admin.register(AccessLog)
class LoginLogAdmin(ReadOnlyAdmin, AccessLogAdmin):
    pass


@admin.register(AccessFailureLog)
class LoginFailureLogAdmin(ReadOnlyAdmin, AccessFailureLogAdmin):
    pass

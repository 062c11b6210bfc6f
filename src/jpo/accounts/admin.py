from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from jpo.accounts.access import is_superuser
from jpo.accounts.models import AuditEvent, User


class SuperusersOnly:
    """Accounts, groups, permissions and passwords are managed by superusers alone, whatever permissions a
    group was given: a staff member who could edit users could make themself a superuser."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_superuser(request.user)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_superuser(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_superuser(request.user)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_superuser(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_superuser(request.user)


@admin.register(User)
class UserAdmin(SuperusersOnly, BaseUserAdmin):
    list_display = ["username", "email", "role", "organization", "ministry", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    list_select_related = ["organization", "ministry"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Role and scope"), {"fields": ["role", "organization", "ministry", "preferred_language"]}),
    )


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(SuperusersOnly, BaseGroupAdmin):
    pass


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "target_type", "target_id"]
    list_filter = ["action", "target_type"]
    list_select_related = ["actor"]
    readonly_fields = ["at", "actor", "action", "target_type", "target_id", "data"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from jpo.applications.models import Applicant, Application, Preference, StatusChange


class PreferenceInline(admin.TabularInline):
    model = Preference
    extra = 0


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "at", "actor", "reason"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Applicant)
class ApplicantAdmin(SimpleHistoryAdmin):
    list_display = ["family_name", "given_name", "birth_date", "email", "is_synthetic"]
    search_fields = ["family_name", "given_name", "email"]
    list_filter = ["is_synthetic", "sex"]


@admin.register(Application)
class ApplicationAdmin(SimpleHistoryAdmin):
    list_display = ["applicant", "cycle", "track", "status", "receipt_number", "is_civil_servant"]
    list_filter = ["cycle", "status", "is_civil_servant", "track__kind"]
    list_select_related = ["applicant", "cycle", "track", "track__cycle"]
    search_fields = ["applicant__family_name", "applicant__given_name", "receipt_number"]
    # Status moves only through the workflow (application_transition), never by editing the field.
    readonly_fields = ["status", "submitted_at", "version"]
    inlines = [PreferenceInline, StatusChangeInline]

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin

from jpo.applications.models import (
    Applicant,
    Application,
    Document,
    DuplicateFlag,
    EligibilityCheck,
    EndorsementRequest,
    PersonalDataAccess,
    Preference,
    StatusChange,
    Submission,
)
from jpo.applications.services import personal_data_read


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

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        applicant = self.get_object(request, object_id)
        if applicant is not None and response.status_code == 200:
            personal_data_read(
                actor=request.user,  # type: ignore[arg-type]
                applicant_id=applicant.pk,
                what="applicant",
                target=applicant,
                path=request.path,
            )
        return response


@admin.register(Application)
class ApplicationAdmin(SimpleHistoryAdmin):
    list_display = ["applicant", "cycle", "track", "status", "receipt_number", "is_civil_servant"]
    list_filter = ["cycle", "status", "is_civil_servant", "track__kind"]
    list_select_related = ["applicant", "cycle", "track", "track__cycle"]
    search_fields = ["applicant__family_name", "applicant__given_name", "receipt_number"]
    # Status moves only through the workflow (application_transition), never by editing the field.
    readonly_fields = ["status", "submitted_at", "version"]
    inlines = [PreferenceInline, StatusChangeInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by the portal's services: officers read them here, never edit them."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ["receipt_number", "application", "submitted_at", "snapshot_sha256"]
    list_select_related = ["application", "application__applicant", "application__cycle"]
    search_fields = ["receipt_number", "application__applicant__family_name"]


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ["application", "kind", "original_name", "size", "pages", "sha256", "uploaded_at"]
    list_select_related = ["application", "application__applicant", "application__cycle"]
    exclude = ["file"]  # downloads go through the permission-checked portal view only


@admin.register(EligibilityCheck)
class EligibilityCheckAdmin(ReadOnlyAdmin):
    list_display = ["application", "kind", "at", "eligible", "needs_review", "reviewed_at"]
    list_filter = ["kind", "eligible", "needs_review"]
    list_select_related = ["application", "application__applicant", "application__cycle"]


@admin.register(DuplicateFlag)
class DuplicateFlagAdmin(ReadOnlyAdmin):
    list_display = ["applicant", "other", "reason", "flagged_at", "resolved_at"]
    list_filter = ["reason"]
    list_select_related = ["applicant", "other"]


@admin.register(EndorsementRequest)
class EndorsementRequestAdmin(ReadOnlyAdmin):
    list_display = ["application", "ministry", "status", "requested_at", "decided_at"]
    list_filter = ["status", "ministry"]
    list_select_related = ["application", "application__applicant", "application__cycle", "ministry"]


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    """Who read which applicant's personal data, and when: a log nobody edits."""

    list_display = ["at", "actor", "applicant", "what", "path"]
    list_filter = ["what"]
    list_select_related = ["actor", "applicant"]
    search_fields = ["applicant__family_name", "applicant__given_name", "actor__username"]
    readonly_fields = ["at", "actor", "applicant", "what", "target_type", "target_id", "path"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

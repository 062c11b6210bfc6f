from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from jpo.placement.models import (
    AlumniRecord,
    CostTable,
    Dispatch,
    DutyStationAllowance,
    MatchRun,
    Milestone,
    Offer,
    Outcome,
    Reminder,
    SalaryRate,
    Secondment,
)


class SecondmentInline(admin.StackedInline):
    model = Secondment
    extra = 0


class OutcomeInline(admin.StackedInline):
    model = Outcome
    extra = 0


@admin.register(Dispatch)
class DispatchAdmin(SimpleHistoryAdmin):
    list_display = ["application", "post", "start_date", "planned_end_date", "end_date"]
    list_select_related = ["application__applicant", "post__organization"]
    inlines = [SecondmentInline, OutcomeInline]


@admin.register(Secondment)
class SecondmentAdmin(SimpleHistoryAdmin):
    list_display = ["dispatch", "ministry", "planned_return_date", "returned_on"]
    list_select_related = ["ministry", "dispatch__application__applicant", "dispatch__post__organization"]


@admin.register(Outcome)
class OutcomeAdmin(SimpleHistoryAdmin):
    list_display = ["dispatch", "kind", "organization", "grade", "recorded_on"]
    list_filter = ["kind"]
    list_select_related = ["organization", "dispatch__application__applicant", "dispatch__post__organization"]


class SalaryRateInline(admin.TabularInline):
    model = SalaryRate
    extra = 0


class DutyStationAllowanceInline(admin.TabularInline):
    model = DutyStationAllowance
    extra = 0


@admin.register(CostTable)
class CostTableAdmin(SimpleHistoryAdmin):
    """The editable cost table: no real rates ship with the project (no public source gives them)."""

    list_display = ["fiscal_year", "is_illustrative", "source"]
    inlines = [SalaryRateInline, DutyStationAllowanceInline]


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    list_display = ["cycle", "status", "objective", "solver", "created_at"]
    list_select_related = ["cycle"]


@admin.register(Offer)
class OfferAdmin(SimpleHistoryAdmin):
    list_display = ["application", "post", "status", "sent_at", "respond_by"]
    list_filter = ["status"]
    list_select_related = ["application__applicant", "post__organization"]


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["dispatch", "kind", "due_on", "done_on"]
    list_filter = ["kind"]
    list_select_related = ["dispatch__application__applicant", "dispatch__post__organization"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["subject", "email", "created_at"]


@admin.register(AlumniRecord)
class AlumniRecordAdmin(admin.ModelAdmin):
    list_display = ["__str__", "cohort_fiscal_year", "organization", "outcome", "applicant"]
    list_filter = ["cohort_fiscal_year", "outcome"]
    list_select_related = ["organization", "applicant"]
    search_fields = ["family_name", "given_name", "applicant__family_name", "applicant__given_name"]
    # linking a roster row the import could not link: the applicant by its number
    raw_id_fields = ["applicant", "dispatch", "batch"]

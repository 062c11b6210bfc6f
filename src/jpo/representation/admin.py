from django.contrib import admin
from django.http import HttpRequest

from jpo.representation.models import (
    AssessmentRate,
    DataLoad,
    MemberState,
    Population,
    PublishedStatusCount,
    ReferenceLoad,
    StaffCount,
)


@admin.register(MemberState)
class MemberStateAdmin(admin.ModelAdmin):
    list_display = ["iso3", "name", "m49", "admission_date"]
    search_fields = ["iso3", "name"]


@admin.register(AssessmentRate)
class AssessmentRateAdmin(admin.ModelAdmin):
    list_display = ["state", "period", "rate_pct"]
    list_filter = ["period"]
    search_fields = ["state__iso3", "state__name"]
    list_select_related = ["state"]


@admin.register(Population)
class PopulationAdmin(admin.ModelAdmin):
    list_display = ["state", "year", "population"]
    list_filter = ["year"]
    search_fields = ["state__iso3", "state__name"]
    list_select_related = ["state"]


@admin.register(StaffCount)
class StaffCountAdmin(admin.ModelAdmin):
    list_display = ["state", "as_of", "as_of_label", "staff", "published_range", "source"]
    list_select_related = ["state"]


@admin.register(PublishedStatusCount)
class PublishedStatusCountAdmin(admin.ModelAdmin):
    list_display = ["as_of", "status", "count", "source"]


@admin.register(DataLoad)
class DataLoadAdmin(admin.ModelAdmin):
    list_display = ["at", "dataset", "file_name", "rows_read", "rows_created", "rows_updated", "rows_skipped"]
    readonly_fields = [f.name for f in DataLoad._meta.fields]


@admin.register(ReferenceLoad)
class ReferenceLoadAdmin(admin.ModelAdmin):
    """Read-only: a record of each load of the reference data and how it ended."""

    list_display = ["created_at", "status", "finished_at", "actor", "error"]
    readonly_fields = [f.name for f in ReferenceLoad._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

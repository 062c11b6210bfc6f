from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from jpo.programme.models import Agreement, Cycle, Ministry, Organization, Post, Track


class AgreementInline(admin.TabularInline):
    model = Agreement
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_ja", "kind", "headquarters"]
    list_filter = ["kind"]
    search_fields = ["code", "name_en", "name_ja"]
    inlines = [AgreementInline]


@admin.register(Ministry)
class MinistryAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_ja"]
    search_fields = ["code", "name_en", "name_ja"]


class TrackInline(admin.TabularInline):
    model = Track
    extra = 0
    filter_horizontal = ["organizations"]


@admin.register(Cycle)
class CycleAdmin(SimpleHistoryAdmin):
    list_display = ["code", "reference_date", "applications_open", "applications_close", "slots"]
    inlines = [TrackInline]


@admin.register(Post)
class PostAdmin(SimpleHistoryAdmin):
    list_display = ["title", "organization", "cycle", "duty_station", "grade", "status"]
    list_filter = ["cycle", "status", "grade", "organization"]
    list_select_related = ["organization", "cycle"]
    search_fields = ["title", "duty_station"]

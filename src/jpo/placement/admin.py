from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from jpo.placement.models import Dispatch, Outcome, Secondment


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

from django.contrib import admin

from jpo.workforce.models import CensusImport, CensusRow, FormerJpoFigure, Target


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "headcount",
        "deadline",
        "baseline_headcount",
        "baseline_date",
        "source",
        "is_active",
    ]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(CensusImport)
class CensusImportAdmin(admin.ModelAdmin):
    list_display = ["file_name", "source", "status", "row_count", "imported_by", "created_at"]
    list_filter = ["source", "status", "is_reference"]
    readonly_fields = [f.name for f in CensusImport._meta.fields if f.name != "content"]
    exclude = ["content"]

    def has_add_permission(self, request):
        return False


@admin.register(CensusRow)
class CensusRowAdmin(admin.ModelAdmin):
    list_display = [
        "source",
        "reference_date",
        "org_code",
        "nationality",
        "category",
        "grade",
        "sex",
        "variant",
        "headcount",
    ]
    list_filter = ["source", "category", "grade", "sex"]
    search_fields = ["org_code", "nationality", "citation"]
    raw_id_fields = ["organization", "census_import"]
    show_full_result_count = False


@admin.register(FormerJpoFigure)
class FormerJpoFigureAdmin(admin.ModelAdmin):
    list_display = ["reference_label", "organization", "senior_only", "former_jpos", "of_staff", "statement"]

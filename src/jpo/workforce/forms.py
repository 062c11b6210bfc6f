from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jpo.workforce.models import CensusSource

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class CensusUploadForm(forms.Form):
    source = forms.ChoiceField(label=_("Source of the figures"), choices=CensusSource.choices)
    file = forms.FileField(
        label=_("File (CSV in UTF-8 or XLSX)"),
        help_text=_(
            # Column names are codes, shown as code (the form renders help text as HTML).
            "Header: <code>reference_date, organization, nationality, category, grade, sex, headcount</code>; optional: <code>entity, variant, reference_label, published_rank, citation, note</code>."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not (name.endswith(".csv") or name.endswith(".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 200 MB."))
        return upload

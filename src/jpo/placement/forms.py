"""Input forms of the placement pages (validation at the edge; the rules are in the services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jpo.placement.models import OfferStatus, OutcomeKind
from jpo.programme.models import Grade
from jpo.programme.selectors import outcome_organizations, partner_organizations
from jpo.safety.numbers import MAX_ID


class DateInput(forms.DateInput):
    input_type = "date"


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Attach a service's ValidationError to the form: to the named field when it has one."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


class OrganizationField(forms.ModelChoiceField):
    """An organization shown by its code and its name in the reader's language."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} — {obj.name}"


class PostForm(forms.Form):
    organization = OrganizationField(label=_("Organization"), queryset=partner_organizations())
    title = forms.CharField(label=_("Title"), max_length=200)
    duty_station = forms.CharField(label=_("Duty station"), max_length=100)
    country_iso3 = forms.CharField(label=_("Country (ISO 3166 alpha-3)"), max_length=3, required=False)
    field = forms.CharField(label=_("Field"), max_length=100, required=False)
    grade = forms.ChoiceField(label=_("Grade"), choices=Grade.choices, initial=Grade.P2)
    danger_level = forms.IntegerField(
        label=_("MOFA danger level of the duty station"), min_value=0, max_value=4, required=False
    )
    terms_of_reference = forms.CharField(label=_("Terms of reference"), widget=forms.Textarea, required=False)


def _id_field(**kwargs: Any) -> forms.IntegerField:
    """An object's id in a form: a 30-digit number would overflow the database lookup (a 500)."""
    return forms.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class RatingForm(forms.Form):
    """One rating for the candidates ticked on the list (their ids come as `ids`)."""

    organization = OrganizationField(label=_("Organization"), queryset=partner_organizations())
    score = forms.TypedChoiceField(label=_("Rating"), choices=[(i, str(i)) for i in range(1, 6)], coerce=int)
    note = forms.CharField(label=_("Note"), required=False)


class MatchRunForm(forms.Form):
    preference_weight = forms.IntegerField(
        label=_("Weight of the candidate's preference (%)"),
        min_value=0,
        max_value=100,
        initial=50,
        help_text=_("The organization's rating gets the rest."),
    )
    budget_yen = forms.IntegerField(
        label=_("Budget constraint (yen)"),
        min_value=0,
        max_value=MAX_ID,  # the column's range (a 64-bit integer)
        required=False,
        help_text=_("Leave empty to match without a budget constraint."),
    )


class AdjustForm(forms.Form):
    application = _id_field(widget=forms.HiddenInput)
    post = _id_field(label=_("Post"), required=False)


class OfferWithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason for withdrawing the offer.")},
    )


class OfferResponseForm(forms.Form):
    response = forms.ChoiceField(
        label=_("Response"),
        choices=[
            (status.value, status.label)
            for status in (
                OfferStatus.ACCEPTED,
                OfferStatus.DECLINED,
                OfferStatus.CONFIRMED,
                OfferStatus.REFUSED,
                OfferStatus.WITHDRAWN,
            )
        ],
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Saying no to someone is explained: the candidate may decline without giving a reason.
        if data.get("response") in (OfferStatus.REFUSED, OfferStatus.WITHDRAWN) and not data.get("reason"):
            self.add_error("reason", _("Give the reason for refusing or withdrawing the offer."))
        return data


class OfferTermsForm(forms.Form):
    """What the letters of a recommendation state besides the post: start, length, deadline to answer."""

    respond_by = forms.DateField(label=_("Answer by"), widget=DateInput)
    start_date = forms.DateField(label=_("Expected start"), widget=DateInput, required=False)
    length_months = forms.IntegerField(label=_("Length (months)"), min_value=1, max_value=60, required=False)


class DispatchForm(forms.Form):
    start_date = forms.DateField(label=_("Start"), widget=DateInput)
    planned_end_date = forms.DateField(
        label=_("Planned end"),
        widget=DateInput,
        required=False,
        help_text=_("Leave empty to use the policy's dispatch length."),
    )
    duty_station = forms.CharField(label=_("Duty station"), max_length=100, required=False)
    consent_recorded_on = forms.DateField(
        label=_("Employee's consent recorded on (civil servants)"),
        widget=DateInput,
        required=False,
        help_text=_("Dispatch Act, Art. 2(2): dispatch only with consent."),
    )
    planned_return_date = forms.DateField(
        label=_("Planned return (civil servants)"), widget=DateInput, required=False
    )


class ExtensionForm(forms.Form):
    new_planned_end = forms.DateField(label=_("New planned end"), widget=DateInput)
    reason = forms.CharField(
        label=_("Reason for extension"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class EndForm(forms.Form):
    end_date = forms.DateField(label=_("Actual end"), widget=DateInput)


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Outcome"),
        choices=[c for c in OutcomeKind.choices if c[0] != OutcomeKind.RETURNED_TO_MINISTRY],
    )
    organization = OrganizationField(
        label=_("Organization"), queryset=outcome_organizations(), required=False
    )
    grade = forms.CharField(label=_("Grade"), max_length=8, required=False)
    contract_type = forms.CharField(label=_("Contract type"), max_length=50, required=False)
    recorded_on = forms.DateField(label=_("Recorded on"), widget=DateInput)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class FollowUpForm(forms.Form):
    recorded_on = forms.DateField(label=_("As of"), widget=DateInput)
    organization = OrganizationField(
        label=_("Organization"), queryset=outcome_organizations(), required=False
    )
    grade = forms.CharField(label=_("Grade reached"), max_length=8, required=False)
    senior_post = forms.BooleanField(label=_("Senior post"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False)


class MilestoneForm(forms.Form):
    milestone = _id_field(widget=forms.HiddenInput)
    done_on = forms.DateField(label=_("Done on"), widget=DateInput)
    notes = forms.CharField(label=_("Notes / response"), required=False)


class SecondmentPlanForm(forms.Form):
    planned_return_date = forms.DateField(label=_("Planned return"), widget=DateInput)
    npa_consulted_on = forms.DateField(label=_("NPA consulted on"), widget=DateInput, required=False)


class ReturnForm(forms.Form):
    returned_on = forms.DateField(label=_("Returned on"), widget=DateInput)
    assignment_after_return = forms.CharField(
        label=_("Assignment after return"), max_length=200, required=False
    )


class AlumniImportForm(forms.Form):
    file = forms.FileField(label=_("Roster file (CSV or XLSX)"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise ValidationError(_("Upload a .csv or .xlsx file."))
        return upload


def _reason_field() -> forms.CharField:
    # Not required here: the service refuses an empty reason with its own message, on this field.
    return forms.CharField(
        label=_("Reason for the correction"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class OutcomeAmendForm(OutcomeForm):
    reason = _reason_field()


class WithdrawForm(forms.Form):
    reason = _reason_field()


class DatesForm(forms.Form):
    start_date = forms.DateField(label=_("Start"), widget=DateInput)
    planned_end_date = forms.DateField(label=_("Planned end"), widget=DateInput)
    end_date = forms.DateField(
        label=_("Actual end"),
        widget=DateInput,
        required=False,
        help_text=_("Leave empty to withdraw a recorded end."),
    )
    reason = _reason_field()


class ReturnAmendForm(ReturnForm):
    reason = _reason_field()

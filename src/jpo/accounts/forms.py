"""Forms of the account pages (password reset, two-factor) and the date fields the sign-up and profile use. Errors name the field, in the user's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jpo.outbox.services import email_queue

REAL_DATE_MESSAGE = _("Enter a real date as year-month-day, e.g. 1995-04-01 (30 February does not exist).")
BIRTH_DATE_FUTURE = _("The date of birth cannot be in the future.")
BIRTH_DATE_TOO_OLD = _("Enter a date of birth after 1 January 1900.")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class RealDateField(forms.DateField):
    """An ISO date (what <input type=date> sends); 30 February and other impossible dates get a clear error."""

    widget = DateInput
    default_error_messages = {"invalid": REAL_DATE_MESSAGE}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        super().__init__(**kwargs)


def validate_birth_date(value: dt.date) -> None:
    if value > timezone.localdate():
        raise forms.ValidationError(BIRTH_DATE_FUTURE, code="future")
    if value < dt.date(1900, 1, 1):
        raise forms.ValidationError(BIRTH_DATE_TOO_OLD, code="too_old")


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, its e-mail queued in the outbox (a mail server that is down is retried)."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        email_queue(recipients=[to_email], subject=subject, body=body, kind="accounts.password_reset")


class TwoFactorForm(forms.Form):
    token = forms.RegexField(
        label=_("Code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the 6-digit code your app shows.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

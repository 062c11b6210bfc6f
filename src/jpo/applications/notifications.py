"""E-mails to applicants and ministry HR officers, each in the recipient's language, queued in the outbox.

Call inside the transaction of the change they announce: they are sent after it commits."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from jpo.accounts.models import Role, User
from jpo.applications.models import Application, EndorsementRequest, Submission
from jpo.outbox.services import email_queue
from jpo.programme.windows import format_instant


def submission_confirmation(*, submission: Submission, language: str, status_url: str = "") -> None:
    application = submission.application
    recipient = (
        application.applicant.user.email if application.applicant.user else application.applicant.email
    )
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {
            "submission": submission,
            "application": application,
            "submitted_at": format_instant(submission.submitted_at),
            "status_url": status_url,
        }
        subject = _("Application received: %(receipt)s") % {"receipt": submission.receipt_number}
        body = render_to_string("applications/email/submitted.txt", context)
    email_queue(recipients=[recipient], subject=subject, body=body, kind="applications.submitted")


def endorsement_requested(*, application: Application) -> None:
    if application.ministry_id is None:
        return
    officers = User.objects.filter(role=Role.MINISTRY_HR, ministry_id=application.ministry_id, is_active=True)
    for officer in officers:
        with translation.override(officer.preferred_language or settings.LANGUAGE_CODE):
            subject = _("Endorsement requested for a JPO application (%(cycle)s)") % {
                "cycle": application.cycle.code
            }
            body = render_to_string("applications/email/endorsement.txt", {"application": application})
        email_queue(
            recipients=[officer.email], subject=subject, body=body, kind="applications.endorsement_requested"
        )


def endorsement_decided(*, endorsement: EndorsementRequest) -> None:
    """Tell the applicant the ministry's decision, in the applicant's preferred language."""
    application = Application.objects.select_related("applicant__user", "cycle", "ministry").get(
        pk=endorsement.application_id
    )
    user = application.applicant.user
    recipient = user.email if user else application.applicant.email
    language = (user.preferred_language if user else "") or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = _("Your ministry's endorsement: %(status)s (%(cycle)s)") % {
            "status": endorsement.get_status_display(),
            "cycle": application.cycle.code,
        }
        body = render_to_string(
            "applications/email/endorsement_decided.txt",
            {"application": application, "endorsement": endorsement},
        )
    email_queue(recipients=[recipient], subject=subject, body=body, kind="applications.endorsement_decided")

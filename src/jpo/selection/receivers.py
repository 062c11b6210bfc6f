"""The selection's answers to the hooks of the apps below it (connected in `apps.SelectionConfig.ready`)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from jpo.applications.interface import applicant_purging
from jpo.outbox.models import Email
from jpo.selection.models import ConflictOfInterest, InterviewScore, Review


@receiver(applicant_purging, dispatch_uid="selection.applicant_purging")
def erase_free_texts(*, application_ids: list[int], placeholder: str, **_: Any) -> None:
    """The reviewers' and interviewers' comments, the reasons of declared conflicts of interest and the
    result e-mails about the purged applicant's applications go, in the purge's transaction."""
    Review.objects.filter(assignment__application_id__in=application_ids).update(comment="")
    InterviewScore.objects.filter(interview__application_id__in=application_ids).update(comment="")
    ConflictOfInterest.objects.filter(application_id__in=application_ids).update(reason="-")
    Email.objects.filter(selection_notification__application_id__in=application_ids).update(
        recipient=placeholder, subject="", body=""
    )

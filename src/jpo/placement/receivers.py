"""Placement's receivers of the hooks of the apps below it (connected in `PlacementConfig.ready`)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from jpo.applications.interface import applicant_purging
from jpo.applications.models import Applicant
from jpo.placement.models import AlumniRecord


@receiver(applicant_purging, dispatch_uid="placement.applicant_purging")
def alumni_keep_their_name(*, application_ids: list[int], **_: Any) -> None:
    """An alumnus whose applicant record is being anonymised stays in the roster as a roster-only
    alumnus: the record takes back the name (which the roster had given, or the dispatch) and drops the
    link, in the purge's transaction, before the applicant's name is erased."""
    people = Applicant.objects.filter(applications__id__in=application_ids).distinct()
    for person in people.only("pk", "family_name", "given_name"):
        AlumniRecord.objects.filter(applicant=person).update(
            applicant=None, family_name=person.family_name or "-", given_name=person.given_name
        )

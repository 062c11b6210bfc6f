from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from jpo.applications.models import Application
from jpo.applications.tests.factories import make_application

pytestmark = pytest.mark.django_db


def test_a_civil_servant_must_name_a_home_ministry() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make_application(is_civil_servant=True)


def test_one_application_per_applicant_and_cycle() -> None:
    first = make_application()
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(applicant=first.applicant, cycle=first.cycle, track=first.track)


def test_a_submitted_application_has_a_submission_time() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make_application(status="submitted")

"""An applicant to a cycle the policy files do not know (FY2027) can submit once its rules are published."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from jpo.applications import selfcheck, services
from jpo.applications.models import EligibilityCheck, Submission
from jpo.applications.tests.conftest import fill_eligible, jst
from jpo.policy import history_rules
from jpo.programme.models import Cycle, Track, TrackKind
from jpo.programme.rules.selectors import effective_rules
from jpo.programme.rules.services import rule_set_load, rule_set_publish

pytestmark = pytest.mark.django_db(transaction=True)


def _fy2027_rules() -> dict[str, Any]:
    parameters = copy.deepcopy(history_rules(2026))
    source = {"label": "FY2027 call for applications", "url": "https://example.org/fy2027"}
    parameters["age_reference_date"] = {"value": {"month": 2, "day": 1}, "source": source}
    parameters["degree_deadline"] = {"value": {"month": 7, "day": 31}, "source": source}
    parameters["experience_months"] = {"value": 24, "source": source}
    parameters["experience_deadline"] = {"value": {"month": 3, "day": 1}, "source": source}
    return {"cycle": "FY2027", "parameters": parameters}


def test_an_applicant_to_fy2027_submits_once_its_rules_are_published(
    clock: Any, cycle: Any, signup: Any
) -> None:
    fy2027 = Cycle.objects.create(
        fiscal_year=2027,
        applications_open=jst(2026, 2, 2, 0, 0, 0),
        applications_close=jst(2026, 3, 3, 23, 59, 59),
    )
    Track.objects.create(cycle=fy2027, kind=TrackKind.MOFA)
    user = signup()
    application = services.application_start(user=user, cycle=fy2027, now=clock.now)
    fill_eligible(application, user, clock.now)
    before = selfcheck.run(application)
    assert not before.available and "rules of FY2027 are not published yet" in str(before.error)
    with pytest.raises(services.ApplicationError):
        services.application_submit(application=application, actor=user, language="en", now=clock.now)
    assert not Submission.objects.exists()

    rule_set_publish(rule_set=rule_set_load(data=_fy2027_rules(), actor=None), actor=None)
    after = selfcheck.run(application)
    assert after.available and after.eligible, after.criteria
    overlay = effective_rules(fy2027)
    assert overlay is not None and after.rules_version == overlay.version
    submission, created = services.application_submit(
        application=application, actor=user, language="en", now=clock.now
    )
    assert created and submission.receipt_number
    check = EligibilityCheck.objects.get(application=application, kind="submission")
    assert {c["id"]: c["outcome"] for c in check.criteria}["experience"] == "passed"

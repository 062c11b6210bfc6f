"""The eligibility profile is read two ways (one application, or many by id for bulk screening); the
same applications must give equal profiles both ways, for every kind of stored fact."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal

import pytest

from jpo.accounts.models import User
from jpo.applications import services
from jpo.applications.models import Applicant, Application, Degree, EmploymentPeriod, LanguageTest
from jpo.applications.selectors import application_profile, application_profiles, application_profiles_parsed
from jpo.applications.tests.conftest import Clock, fill_eligible
from jpo.policy import ProfileError, parse_profile
from jpo.programme.models import Cycle


def test_one_by_one_and_in_bulk_give_equal_profiles(
    clock: Clock, cycle: Cycle, signup: Callable[..., User]
) -> None:
    """The bulk reader reads plain SQL (dates as text on SQLite, decimals as numbers, JSON as text): each
    kind of value, and missing rows, must come out as the one-application reader gives it."""
    apps = []
    for _ in range(5):
        user = signup()
        application = services.application_start(user=user, cycle=cycle, now=clock.now)
        fill_eligible(application, user, clock.now)
        apps.append(application)
    first, second, third, fourth, fifth = apps
    Degree.objects.filter(application=first).update(awarded=None, expected=dt.date(2027, 3, 31))
    LanguageTest.objects.filter(application=first).update(test="ielts", score=Decimal("6.5"))
    LanguageTest.objects.create(
        application=first, test="toefl_ibt", score=Decimal("100.0"), taken=dt.date(2024, 5, 2)
    )
    Applicant.objects.filter(pk=second.applicant_id).update(nationalities=["jp", "US"])
    Application.objects.filter(pk=second.pk).update(former_jpo=True, international_organization_staff=True)
    EmploymentPeriod.objects.filter(application=second).update(end=None)
    EmploymentPeriod.objects.create(
        application=second,
        employer="Shop",
        title="Clerk",
        start=dt.date(2010, 1, 1),
        end=dt.date(2011, 6, 30),
        type="part_time",
        sector="private",
    )
    Applicant.objects.filter(pk=third.applicant_id).update(nationalities=[])
    Degree.objects.filter(application=third).delete()
    EmploymentPeriod.objects.filter(application=third).delete()
    LanguageTest.objects.filter(application=third).delete()
    Applicant.objects.filter(pk=fourth.applicant_id).update(nationalities=["JP"])
    Degree.objects.create(application=fifth, level="doctorate", field="", awarded=dt.date(2020, 9, 30))

    ids = [a.pk for a in apps]
    in_bulk = application_profiles([*ids, max(ids) + 1000])  # an id with no application is left out
    assert sorted(in_bulk) == sorted(ids)
    for application in Application.objects.filter(pk__in=ids):
        one = application_profile(application)
        assert in_bulk[application.pk] == one
        # equal as JSON too (100 == 100.0 in Python, not in the screening's digest of the profile)
        assert json.dumps(in_bulk[application.pk], sort_keys=True) == json.dumps(one, sort_keys=True)
    assert in_bulk[first.pk]["degrees"][0]["expected"] == "2027-03-31"
    scores = sorted((t["score"], type(t["score"]).__name__) for t in in_bulk[first.pk]["language_tests"])
    assert scores == [(6.5, "float"), (100, "int")]  # whole scores are ints, as the contract shows them
    assert in_bulk[second.pk]["nationalities"] == ["jp", "US"]
    assert [job["end"] for job in in_bulk[second.pk]["employment"]] == ["2011-06-30", None]
    assert in_bulk[third.pk]["degrees"] == in_bulk[third.pk]["employment"] == []
    assert len(in_bulk[fifth.pk]["degrees"]) == 2


def test_profiles_read_already_parsed_are_what_the_rules_parse(
    clock: Clock, cycle: Cycle, signup: Callable[..., User]
) -> None:
    """The bulk screening's profiles come already parsed (so 100,000 are not parsed again): each must
    equal the rules' own parsing of the same profile; where a stored value is one the contract refuses
    there is none, so the screening lets the rules name the field as before."""
    apps = []
    for _ in range(9):
        user = signup()
        application = services.application_start(user=user, cycle=cycle, now=clock.now)
        fill_eligible(application, user, clock.now)
        apps.append(application)
    plain, expected, several, empty, diploma, toeic, code, negative, lower = apps
    Degree.objects.filter(application=expected).update(awarded=None, expected=dt.date(2027, 3, 31))
    LanguageTest.objects.filter(application=expected).update(test="ielts", score=Decimal("6.5"))
    Applicant.objects.filter(pk=several.applicant_id).update(nationalities=["jp", "US"])
    Application.objects.filter(pk=several.pk).update(former_jpo=True, international_organization_staff=True)
    EmploymentPeriod.objects.filter(application=several).update(end=None)
    EmploymentPeriod.objects.create(
        application=several, employer="Shop", title="Clerk", start=dt.date(2010, 1, 1),
        end=dt.date(2011, 6, 30), type="internship", sector="private",
    )  # fmt: skip
    Degree.objects.create(application=several, level="doctorate", field="", awarded=dt.date(2020, 9, 30))
    Applicant.objects.filter(pk=empty.applicant_id).update(nationalities=[])
    for model in (Degree, EmploymentPeriod, LanguageTest):
        model.objects.filter(application=empty).delete()
    # Values the forms never store, but the database would hold:
    Degree.objects.filter(application=diploma).update(level="diploma")
    LanguageTest.objects.filter(application=toeic).update(test="toeic")
    Applicant.objects.filter(pk=code.applicant_id).update(nationalities=["JPN"])
    LanguageTest.objects.filter(application=negative).update(score=Decimal("-1.0"))
    EmploymentPeriod.objects.filter(application=lower).update(type="Full_time")

    read = application_profiles_parsed([a.pk for a in apps])
    assert {pk: data for pk, (data, _parsed) in read.items()} == application_profiles([a.pk for a in apps])
    for application in (plain, expected, several, empty):
        data, parsed = read[application.pk]
        assert parsed is not None and parsed == parse_profile(data)
    several_parsed = read[several.pk][1]
    assert several_parsed is not None and several_parsed.nationalities == ("JP", "US")
    for application in (diploma, toeic, code, negative, lower):
        data, parsed = read[application.pk]
        assert parsed is None
        with pytest.raises(ProfileError):
            parse_profile(data)

"""Partners, not statistics codes: only organizations with a JPO agreement are chosen by applicants,
posts, ratings and tracks; the census's codes ("UN" for the UN Secretariat) stay with the statistics."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone, translation

from jpo.applications.forms import PreferencesForm
from jpo.applications.services import ApplicationError, application_preferences_save
from jpo.placement import forms as placement_forms
from jpo.placement.tests import factories as f
from jpo.programme.forms import CycleForm
from jpo.programme.models import Agreement, Organization, Track
from jpo.programme.selectors import outcome_organizations, partner_organizations
from jpo.workforce.services import workforce_organization_get_or_create

pytestmark = pytest.mark.django_db


def _world():
    """The UN Secretariat as a partner, then the census's own code for it and a census-only body."""
    secretariat = Organization.objects.create(
        code="UN-SECRETARIAT",
        name_en="United Nations Secretariat",
        name_ja="国際連合事務局",
        kind="secretariat",
    )
    Agreement.objects.create(organization=secretariat, starts_fiscal_year=2017, source="test")
    census_un, created = workforce_organization_get_or_create(ceb_code="UN")
    assert created and census_un.code == "UN"  # the census keeps its own code for the same body
    ilo, _ = workforce_organization_get_or_create(ceb_code="ILO")
    former = Organization.objects.create(code="OLD", name_en="Old partner", name_ja="旧", kind="other")
    Agreement.objects.create(
        organization=former, starts_fiscal_year=2010, ends_fiscal_year=2020, source="test"
    )
    return secretariat, census_un, ilo, former


def _codes(field) -> list[str]:
    return [o.code for o in field.queryset]


def test_partners_are_organizations_with_an_agreement_in_force() -> None:
    secretariat, census_un, ilo, former = _world()
    assert list(partner_organizations(fiscal_year=2024)) == [secretariat]
    assert set(partner_organizations()) == {secretariat, former}
    assert census_un not in partner_organizations() and ilo not in partner_organizations()


def test_choice_lists_offer_partners_only(make_user) -> None:
    secretariat, _census_un, _ilo, _former = _world()
    officer = f.officer()
    cycle = f.cycle(2024)
    post = f.post(
        actor=officer, cycle_row=cycle, org=secretariat, title="Political affairs", duty_station="Geneva"
    )
    application = f.candidate(cycle_row=cycle, preferences=[secretariat], actor=officer)
    form = PreferencesForm(application=application, max_preferences=3)
    assert _codes(form.fields["organization_1"]) == ["UN-SECRETARIAT"]
    post_field: Any = form.fields["post_1"]
    labels = [label for _value, label in post_field.choices if _value]
    assert labels == [f"UN-SECRETARIAT: Political affairs (Geneva, P-2) · {cycle.label}"]
    assert _codes(placement_forms.PostForm().fields["organization"]) == ["OLD", "UN-SECRETARIAT"]
    assert _codes(placement_forms.RatingForm().fields["organization"]) == ["OLD", "UN-SECRETARIAT"]
    assert _codes(CycleForm(cycle=cycle).fields["organizations"]) == ["UN-SECRETARIAT"]
    assert post.label.endswith(cycle.label)


def test_outcomes_name_any_organization_but_never_the_same_body_twice() -> None:
    secretariat, census_un, ilo, former = _world()
    field: Any = placement_forms.OutcomeForm().fields["organization"]
    choices = list(field.queryset)
    assert secretariat in choices and ilo in choices and former in choices
    assert census_un not in choices  # "UN" and "UN-SECRETARIAT" are one body: offered once
    assert choices.index(secretariat) < choices.index(ilo)  # partners first
    assert list(outcome_organizations()) == choices
    with translation.override("ja"):
        label = field.label_from_instance(secretariat)
    assert label == "UN-SECRETARIAT — 国際連合事務局"


def test_a_preference_for_a_statistics_code_is_refused(make_user) -> None:
    secretariat, census_un, _ilo, _former = _world()
    officer = f.officer()
    cycle = f.cycle(2024)
    application = f.candidate(cycle_row=cycle, preferences=[secretariat], actor=officer)
    application.status = "draft"
    application.save(update_fields=["status"])
    track = Track.objects.get(cycle=cycle, kind="mofa")
    before = list(application.preferences.values_list("organization__code", flat=True))
    with pytest.raises(ApplicationError, match="no JPO agreement") as error:
        application_preferences_save(
            application=application, track=track, choices=[(census_un, None)], now=timezone.now()
        )
    assert error.value.field == "organization_1"
    assert list(application.preferences.values_list("organization__code", flat=True)) == before


def test_the_organizations_page_lists_statistics_codes_apart(client) -> None:
    _world()
    f.cycle(2024)
    client.force_login(f.officer())
    page = client.get("/placement/organizations/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    table, statistics = page.split("Codes of the staff statistics")
    assert "UN-SECRETARIAT — United Nations Secretariat" in table
    assert "<td>UN —" not in table and "ILO" not in table
    assert ">UN</abbr>" in statistics and ">ILO</abbr>" in statistics
    assert ">UN</abbr> (the census code of UN-SECRETARIAT)" in statistics  # linked: organizations.yaml

"""The form steps through the real views: drafts kept as typed, errors named and linked, escaping."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from jpo.applications.models import Degree, DraftStep, EmploymentPeriod, Submission
from jpo.applications.tests.conftest import jst

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(draft: Any, client: Client) -> tuple[Client, Any]:
    application, user = draft
    client.force_login(user)
    client.cookies["jpo_language"] = "en"
    return client, application


def url(application: Any, step: str, suffix: str = "") -> str:
    return f"/portal/applications/{application.pk}/{step}/{suffix}"


JOB = {
    "employment-TOTAL_FORMS": "2",
    "employment-INITIAL_FORMS": "0",
    "employment-0-employer": "Example K.K.",
    "employment-0-title": "Analyst",
    "employment-0-start": "2020-04-01",
    "employment-0-end": "",
    "employment-0-type": "full_time",
    "employment-0-sector": "private",
    "employment-1-employer": "",
    "employment-1-title": "",
    "employment-1-start": "",
    "employment-1-end": "",
    "employment-1-type": "",
    "employment-1-sector": "",
}


def test_every_step_renders_in_both_languages(web: Any) -> None:
    client, application = web
    for language in ("en", "ja"):
        client.cookies["jpo_language"] = language
        for step in [
            "personal",
            "education",
            "employment",
            "languages",
            "service",
            "preferences",
            "documents",
            "review",
        ]:
            response = client.get(url(application, step))
            assert response.status_code == 200, step
            assert f'<html lang="{language}">' in response.content.decode()


def test_the_portal_lists_the_cycle_with_its_window(web: Any) -> None:
    client, application = web
    page = client.get("/portal/").content.decode()
    assert "3 March 2026, 23:59:59 (Japan time)" in page
    assert application.cycle.code in page


@pytest.mark.parametrize(("language", "phrase"), [("ja", "事前登録なし"), ("en", "No pre-registration")])
def test_a_cycle_without_pre_registration_says_so(web: Any, language: str, phrase: str) -> None:
    """The table of cycles showed "— – —" for a cycle with no pre-registration."""
    client, application = web
    cycle = application.cycle
    cycle.preregistration_opens = cycle.preregistration_closes = None
    cycle.save(update_fields=["preregistration_opens", "preregistration_closes"])
    client.cookies["jpo_language"] = language
    page = client.get("/portal/").content.decode()
    assert f"<td>{phrase}</td>" in page
    assert "— – —" not in page


def test_impossible_date_is_refused_but_what_was_typed_is_kept(web: Any) -> None:
    client, application = web
    data = {
        "degrees-TOTAL_FORMS": "1",
        "degrees-INITIAL_FORMS": "0",
        "degrees-0-level": "master",
        "degrees-0-field": "Development economics",
        "degrees-0-institution": "Kobe University",
        "degrees-0-awarded": "2020-02-30",
        "degrees-0-expected": "",
        "action": "next",
    }
    response = client.post(url(application, "education"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "30 February does not exist" in page
    assert 'href="#id_degrees-0-awarded"' in page
    assert 'value="Development economics"' in page
    assert not Degree.objects.exists()
    draft = DraftStep.objects.get(application=application, step="education")
    assert draft.data["degrees-0-awarded"] == ["2020-02-30"] and draft.is_valid is False
    # A closed tab: the next visit shows what was typed, with the error.
    again = client.get(url(application, "education")).content.decode()
    assert 'value="Development economics"' in again and "30 February does not exist" in again


def test_autosave_keeps_every_keystroke_and_saves_valid_data(web: Any) -> None:
    client, application = web
    response = client.post(url(application, "employment", "autosave/"), JOB)
    assert response.status_code == 200 and b"Draft saved at" in response.content
    assert EmploymentPeriod.objects.get(application=application).employer == "Example K.K."
    response = client.post(
        url(application, "employment", "autosave/"), {**JOB, "employment-0-start": "2020-13-01"}
    )
    assert response.status_code == 200 and b"need attention" in response.content
    assert DraftStep.objects.get(application=application, step="employment").data["employment-0-start"] == [
        "2020-13-01"
    ]
    assert EmploymentPeriod.objects.get(application=application).start.isoformat() == "2020-04-01"


def test_reversed_employment_period_is_refused_with_a_clear_message(web: Any) -> None:
    client, application = web
    response = client.post(url(application, "employment"), {**JOB, "employment-0-end": "2019-03-31"})
    assert response.status_code == 400
    assert b"The end date is before the start date" in response.content
    assert not EmploymentPeriod.objects.exists()


def test_overlapping_employment_periods_are_saved_with_a_warning(web: Any) -> None:
    client, application = web
    data = {
        **JOB,
        "employment-1-employer": "Evening school",
        "employment-1-title": "Teacher",
        "employment-1-start": "2021-01-01",
        "employment-1-end": "2021-12-31",
        "employment-1-type": "part_time",
        "employment-1-sector": "private",
    }
    response = client.post(url(application, "employment"), data, follow=True)
    assert response.status_code == 200
    assert EmploymentPeriod.objects.filter(application=application).count() == 2
    assert b"Jobs 1 and 2 overlap in time" in response.content


def test_future_dates_are_refused(web: Any) -> None:
    client, application = web
    response = client.post(url(application, "employment"), {**JOB, "employment-0-start": "2030-01-01"})
    assert response.status_code == 400
    assert b"cannot be in the future" in response.content


def test_html_in_text_fields_is_stored_as_text_and_escaped(web: Any) -> None:
    client, application = web
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    client.post(url(application, "employment"), {**JOB, "employment-0-employer": evil})
    assert EmploymentPeriod.objects.get().employer == evil
    page = client.get(url(application, "employment")).content.decode()
    assert evil not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_add_row_keeps_the_typed_rows(web: Any) -> None:
    client, application = web
    response = client.post(url(application, "employment"), {**JOB, "action": "add_row"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="employment-2-employer"' in page and 'value="Example K.K."' in page


def test_preferences_respect_the_cycles_maximum(web: Any) -> None:
    client, application = web
    page = client.get(url(application, "preferences")).content.decode()
    # FY2026: up to 3 organizations (jpo.policy max_organizations, from FY2025).
    assert 'name="organization_3"' in page and 'name="organization_4"' not in page


def test_preferences_refuse_the_same_organization_twice(web: Any) -> None:
    client, application = web
    from jpo.programme.models import Organization

    undp = Organization.objects.get(code="UNDP")
    mofa = application.cycle.tracks.get(kind="mofa")
    response = client.post(
        url(application, "preferences"),
        {"track": mofa.pk, "organization_1": undp.pk, "organization_2": undp.pk},
    )
    assert response.status_code == 400
    assert b"already one of your choices" in response.content


def test_someone_elses_application_is_not_found(web: Any, signup: Any, client: Client) -> None:
    _, application = web
    other = signup()
    client.force_login(other)
    assert client.get(url(application, "personal")).status_code == 404
    assert client.post(url(application, "personal", "autosave/"), {}).status_code == 404
    assert client.get(f"/portal/applications/{application.pk}/").status_code == 404


def test_double_clicked_submit_gives_one_receipt(complete_draft: Any, client: Client) -> None:
    application, user = complete_draft
    client.force_login(user)
    client.cookies["jpo_language"] = "en"
    first = client.post(f"/portal/applications/{application.pk}/submit/", follow=True)
    second = client.post(f"/portal/applications/{application.pk}/submit/", follow=True)
    assert first.status_code == second.status_code == 200
    assert f"JPO-2026-{application.pk:06d}".encode() in first.content
    assert b"already submitted" in second.content
    assert Submission.objects.count() == 1


def test_late_submission_through_the_page_is_refused(clock: Any, complete_draft: Any, client: Client) -> None:
    application, user = complete_draft
    clock.set(jst(2026, 3, 4, 0, 0, 0))  # before logging in: sessions expire by the same clock
    client.force_login(user)
    client.cookies["jpo_language"] = "en"
    response = client.post(f"/portal/applications/{application.pk}/submit/", follow=True)
    assert b"The deadline has passed" in response.content
    assert not Submission.objects.exists()


def test_review_lists_each_criterion_with_its_explanation(complete_draft: Any, client: Client) -> None:
    application, user = complete_draft
    client.force_login(user)
    client.cookies["jpo_language"] = "ja"
    page = client.get(url(application, "review")).content.decode()
    assert "日本国籍" in page  # the engine's Japanese message
    client.cookies["jpo_language"] = "en"
    page = client.get(url(application, "review")).content.decode()
    assert "Japanese nationality (JP) is required" in page

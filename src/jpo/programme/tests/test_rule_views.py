"""The officer's rule pages: a new cycle's draft, editing a parameter, the previous-year view, the impact
preview on real applications, and publishing (unknown rules confirmed; a reason and a re-screen once the
application window has opened)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jpo import policy
from jpo.accounts.models import AuditEvent, Role
from jpo.applications.models import Degree, EmploymentPeriod, LanguageTest
from jpo.applications.tests.factories import make_application
from jpo.applications.workflow import Status
from jpo.programme.models import Cycle, RuleSet, RuleSetStatus, Track, TrackKind
from jpo.programme.rules.selectors import draft_rule_set, effective_rules, rule_set_entries
from jpo.selection.models import ScreeningRun

pytestmark = pytest.mark.django_db
JST = ZoneInfo("Asia/Tokyo")


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def officer(client: Any, make_user: Any) -> Any:
    client.force_login(make_user(Role.OFFICER))
    return client


@pytest.fixture
def fy2026(db: Any) -> Cycle:
    cycle = Cycle.objects.create(
        fiscal_year=2026,
        applications_open=dt.datetime(2026, 2, 2, tzinfo=JST),
        applications_close=dt.datetime(2026, 3, 3, 18, tzinfo=JST),
    )
    Track.objects.create(cycle=cycle, kind=TrackKind.MOFA)
    return cycle


def submitted(fiscal_year: int, birth_date: dt.date) -> Any:
    """A submitted application meeting every FY2026 criterion but age, which depends on `birth_date`."""
    application = make_application(
        fiscal_year=fiscal_year, status=Status.SUBMITTED, submitted_at=dt.datetime(2026, 2, 20, tzinfo=JST)
    )
    application.applicant.birth_date = birth_date
    application.applicant.save()
    Degree.objects.create(
        application=application,
        level="master",
        field="economics",
        institution="X",
        awarded=dt.date(2020, 3, 20),
    )
    EmploymentPeriod.objects.create(
        application=application,
        employer="X",
        title="Y",
        start=dt.date(2018, 4, 1),
        type="full_time",
        sector="private",
    )
    LanguageTest.objects.create(
        application=application, test="toefl_ibt", score=Decimal(110), taken=dt.date(2025, 10, 1)
    )
    return application


def create_fy2027(officer: Any) -> Cycle:
    response = officer.post(
        reverse("programme:cycle_create"),
        {
            "fiscal_year": "2027",
            "applications_open": "2027-02-01T00:00",
            "applications_close": "2027-03-02T18:00",
            "mofa_track": "on",
            "max_organizations": "2",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    return Cycle.objects.get(fiscal_year=2027)


def _version(fy: int, name: str | None = None) -> int:
    """The version a form of the page carries: the draft's (publish) or one parameter's (0: not in it)."""
    draft = draft_rule_set(fy)
    assert draft is not None
    if name is None:
        return draft.version
    row = draft.parameters.filter(name=name).first()
    return row.version if row is not None else 0


def test_creating_a_cycle_starts_its_draft_from_the_newest_rules(officer: Any, fy2026: Cycle) -> None:
    cycle = create_fy2027(officer)
    draft = draft_rule_set(cycle)
    assert draft is not None
    entries = rule_set_entries(draft)
    assert set(entries) == set(policy.parameter_names())
    assert entries["max_organizations"]["value"] == 2
    assert entries["age_limit"]["value"] == policy.history_rules(2026)["age_limit"]["value"]
    page = officer.get(reverse("programme:rules", args=[2027])).content.decode()
    assert "You are looking at the draft." in page
    assert "differs from the previous year" in page  # max_organizations: 2 against 3
    assert "How many organizations one application may name." in page
    assert "age_limit" not in page.replace('/age_limit/"', "")  # descriptions, not identifiers


def test_officer_changes_the_reference_date_with_a_source(officer: Any, fy2026: Cycle) -> None:
    create_fy2027(officer)
    url = reverse("programme:parameter", args=[2027, "age_reference_date"])
    assert officer.get(url).status_code == 200
    response = officer.post(
        url,
        {
            "version": _version(2027, "age_reference_date"),
            "state": "known",
            "date": "2027-02-01",
            "source_label": "FY2027 call for applications",
            "source_url": "https://www.mofa-irc.go.jp/jpo/",
            "note": "",
        },
    )
    assert response.status_code == 302
    entry = rule_set_entries(draft_rule_set(2027))["age_reference_date"]  # type: ignore[arg-type]
    assert entry["value"] == "2027-02-01"
    assert entry["source"] == {
        "label": "FY2027 call for applications",
        "url": "https://www.mofa-irc.go.jp/jpo/",
    }
    assert AuditEvent.objects.filter(action="programme.rule_set.parameter").exists()
    page = officer.get(reverse("programme:rules", args=[2027])).content.decode()
    assert "1 February 2027" in page


@pytest.mark.parametrize(
    ("name", "data", "field", "message"),
    [
        ("age_limit", {"state": "known", "number": "50"}, "number", "less than or equal to 45"),
        ("age_limit", {"state": "known", "number": ""}, "number", "Give the number."),
        (
            "language_test",
            {"state": "known", "language": "English", "mandatory": "on"},
            "accepted_tests",
            "at least one accepted test",
        ),
        (
            "language_test",
            {"state": "known", "language": "English", "accepted_tests": ["ielts"], "minimum_ielts": "10"},
            "minimum_ielts",
            "less than or equal to 9",
        ),
        (
            "age_reference_date",
            {"state": "known", "date": "2031-02-01"},
            None,
            "not within a year of the exam year",
        ),
    ],
)
def test_bad_parameter_is_refused_and_nothing_changes(
    officer: Any, fy2026: Cycle, name: str, data: dict[str, Any], field: str | None, message: str
) -> None:
    create_fy2027(officer)
    before = rule_set_entries(draft_rule_set(2027))  # type: ignore[arg-type]
    response = officer.post(
        reverse("programme:parameter", args=[2027, name]), {**data, "version": _version(2027, name)}
    )
    assert response.status_code == 400
    if field is None:
        assert message in " ".join(response.context["problems"])
    else:
        assert message in " ".join(response.context["form"].errors[field])
    assert "Nothing was saved." in response.content.decode()
    assert rule_set_entries(draft_rule_set(2027)) == before  # type: ignore[arg-type]


def test_unknown_parameter_name_is_not_found(officer: Any, fy2026: Cycle) -> None:
    create_fy2027(officer)
    assert officer.get(reverse("programme:parameter", args=[2027, "shoe_size"])).status_code == 404


def test_impact_preview_counts_changed_outcomes_per_criterion_with_examples(
    officer: Any, fy2026: Cycle
) -> None:
    older = submitted(2026, dt.date(1994, 6, 1))  # 32 in early 2027
    submitted(2026, dt.date(2000, 6, 1))  # 26
    make_application(fiscal_year=2026, status=Status.DRAFT)  # drafts are not judged
    create_fy2027(officer)
    officer.post(
        reverse("programme:parameter", args=[2027, "age_limit"]),
        {"state": "known", "number": "30", "source_label": "test", "version": _version(2027, "age_limit")},
    )
    response = officer.get(reverse("programme:rules_preview", args=[2027]) + "?applications=2026")
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.total, result.judged) == (2, 2)
    assert "under the cited history of FY2026 (the policy files)." in response.content.decode()
    age = next(row for row in response.context["rows"] if row["id"] == "age")
    assert age["changed"] == 1
    assert [e["application"] for e in age["examples"]] == [older.pk]
    others = [row["changed"] for row in response.context["rows"] if row["id"] != "age"]
    assert others == [0] * len(others)
    assert "30 or younger" in age["examples"][0]["after"]


def test_impact_preview_queries_do_not_grow_with_applications(officer: Any, fy2026: Cycle) -> None:
    submitted(2026, dt.date(1994, 6, 1))
    create_fy2027(officer)
    url = reverse("programme:rules_preview", args=[2027]) + "?applications=2026"

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert officer.get(url).status_code == 200
        return len(queries)

    few = count()
    for year in range(1990, 2000):
        submitted(2026, dt.date(year, 6, 1))
    assert count() == few


def test_publish_refuses_unknown_rules_until_confirmed(officer: Any, fy2026: Cycle) -> None:
    create_fy2027(officer)
    draft = draft_rule_set(2027)
    assert policy.unknown_criterion_parameters(rule_set_entries(draft))  # type: ignore[arg-type]
    response = officer.post(
        reverse("programme:rules_publish", args=[2027]), {"version": _version(2027)}, follow=True
    )
    assert "Not published: these rules are unknown" in response.content.decode()
    assert not RuleSet.objects.filter(cycle__fiscal_year=2027, status=RuleSetStatus.PUBLISHED).exists()
    assert effective_rules(2027) is None
    officer.post(
        reverse("programme:rules_publish", args=[2027]), {"confirm_unknown": "on", "version": _version(2027)}
    )
    assert RuleSet.objects.get(cycle__fiscal_year=2027, status=RuleSetStatus.PUBLISHED).pk == draft.pk  # type: ignore[union-attr]
    assert effective_rules(2027) is not None
    assert officer.get(reverse("calls:detail", args=[2027])).status_code == 200


def test_after_the_window_opens_a_change_needs_a_reason_and_publishing_rescreens(
    officer: Any, fy2026: Cycle, django_capture_on_commit_callbacks: Any
) -> None:
    # FY2026's window opened in February 2026: before today, whatever day the tests run.
    application = submitted(2026, dt.date(1994, 6, 1))
    officer.post(reverse("programme:rules_draft", args=[2026]))
    url = reverse("programme:parameter", args=[2026, "age_limit"])
    response = officer.post(url, {"state": "known", "number": "30"})
    assert response.status_code == 400
    assert "reason" in response.context["form"].errors
    fields = {"state": "known", "number": "30", "reason": "Corrected call"}
    assert officer.post(url, {**fields, "version": _version(2026, "age_limit")}).status_code == 302
    event = AuditEvent.objects.filter(action="programme.rule_set.parameter").latest("pk")
    assert event.data["reason"] == "Corrected call"

    response = officer.post(
        reverse("programme:rules_publish", args=[2026]),
        {"confirm_unknown": "on", "version": _version(2026)},
        follow=True,
    )
    assert "give the reason" in response.content.decode()
    assert effective_rules(2026) is None
    with django_capture_on_commit_callbacks(execute=True):
        officer.post(
            reverse("programme:rules_publish", args=[2026]),
            {"confirm_unknown": "on", "reason": "Corrected call", "version": _version(2026)},
        )
    assert AuditEvent.objects.filter(
        action="programme.rule_set.publish_reason", data__reason="Corrected call"
    ).exists()
    run = ScreeningRun.objects.get(cycle=fy2026)
    assert run.status == "done" and run.total == 1
    application.refresh_from_db()
    assert application.screening.criteria.get(criterion="age").outcome == "failed"


def test_two_officers_editing_one_rule_the_stale_save_and_a_stale_publish_are_refused(
    officer: Any, fy2026: Cycle
) -> None:
    create_fy2027(officer)
    url = reverse("programme:parameter", args=[2027, "age_limit"])
    read_at, publish_read_at = _version(2027, "age_limit"), _version(2027)
    assert f'name="version" value="{read_at}"' in officer.get(url).content.decode()
    first = {"state": "known", "number": "32", "source_label": "call", "version": read_at}
    assert officer.post(url, first).status_code == 302
    response = officer.post(url, {**first, "number": "29"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert "Someone else saved this record while you were editing it" in response.content.decode()
    assert rule_set_entries(draft_rule_set(2027))["age_limit"]["value"] == 32  # type: ignore[arg-type]
    # The draft changed after the publish form was read: publishing it is refused, nothing published.
    response = officer.post(
        reverse("programme:rules_publish", args=[2027]),
        {"confirm_unknown": "on", "version": publish_read_at},
        follow=True,
    )
    assert "Someone else saved this record" in response.content.decode()
    assert effective_rules(2027) is None

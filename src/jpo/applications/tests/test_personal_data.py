"""Personal data: staff reads are logged (who, what, when); an applicant downloads their own data; `jpo
purge` anonymises a closed cycle's applicants after the retention period, statistics unchanged."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from jpo.accounts.access import officer_group_permissions
from jpo.accounts.models import Role, User
from jpo.applications import services
from jpo.applications.models import (
    Applicant,
    Application,
    Degree,
    Document,
    DraftStep,
    EmploymentPeriod,
    PersonalDataAccess,
    StatusChange,
)
from jpo.applications.workflow import Status
from jpo.policy import age_on
from jpo.programme.models import Cycle, Track
from jpo.selection.selectors.funnel import funnel, funnel_csv

pytestmark = pytest.mark.django_db


# --- Reads by staff are logged ------------------------------------------------------------------------


def test_staff_reads_of_an_application_and_its_documents_are_logged(
    complete_draft: Any, make_user: Any, clock: Any
) -> None:
    application, user = complete_draft
    services.application_submit(application=application, actor=user, language="en", now=clock.now)
    document = Document.objects.filter(application=application).first()
    assert document is not None
    officer = make_user(Role.OFFICER)
    staff, own = Client(), Client()
    staff.force_login(officer)
    own.force_login(user)

    assert own.get(f"/portal/applications/{application.pk}/").status_code == 200
    assert own.get(f"/portal/documents/{document.public_id}/").status_code == 200
    assert not PersonalDataAccess.objects.exists()  # the applicant's own reads are not "someone else"

    assert staff.get(f"/portal/applications/{application.pk}/").status_code == 200
    assert staff.get(f"/portal/documents/{document.public_id}/").status_code == 200
    assert staff.get(f"/selection/applications/{application.pk}/screening/").status_code == 200
    rows = list(PersonalDataAccess.objects.order_by("id").values_list("actor", "applicant", "what"))
    assert rows == [
        (officer.pk, application.applicant_id, "application"),
        (officer.pk, application.applicant_id, f"document:{document.kind}"),
        (officer.pk, application.applicant_id, "screening"),
    ]
    assert all(a.at is not None for a in PersonalDataAccess.objects.all())


def test_a_refused_read_is_not_logged_as_a_read(complete_draft: Any, make_user: Any) -> None:
    application, _user = complete_draft
    other = Client()
    other.force_login(make_user(Role.ANALYST))
    assert other.get(f"/portal/applications/{application.pk}/").status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_the_access_log_is_visible_to_officers_in_the_admin_and_read_only(
    complete_draft: Any, make_user: Any
) -> None:
    application, _user = complete_draft
    officer = make_user(Role.OFFICER, is_staff=True)
    group = Group.objects.create(name="Programme officers")
    group.permissions.set(officer_group_permissions())
    officer.groups.add(group)
    client = Client()
    client.force_login(officer)
    assert client.get(f"/admin/applications/applicant/{application.applicant_id}/change/").status_code == 200
    entry = PersonalDataAccess.objects.get()
    assert (entry.actor, entry.what) == (officer, "applicant")
    page = client.get("/admin/applications/personaldataaccess/")
    assert page.status_code == 200 and officer.username in page.content.decode()
    assert client.get(f"/admin/applications/personaldataaccess/{entry.pk}/delete/").status_code == 403
    reviewer = Client()
    reviewer.force_login(make_user(Role.REVIEWER))
    assert reviewer.get("/admin/applications/personaldataaccess/").status_code == 302  # not staff: login


# --- An applicant's own data --------------------------------------------------------------------------


def test_an_applicant_downloads_their_own_data(complete_draft: Any, clock: Any, make_user: Any) -> None:
    application, user = complete_draft
    services.application_submit(application=application, actor=user, language="en", now=clock.now)
    client = Client()
    client.force_login(user)
    response = client.get("/portal/my-data.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    applicant = application.applicant
    assert data["account"]["email"] == user.email
    assert data["applicant"]["family_name"] == applicant.family_name
    assert data["applicant"]["birth_date"] == applicant.birth_date.isoformat()
    [mine] = data["applications"]
    assert mine["cycle"] == application.cycle.code
    assert mine["status"] == Status.SUBMITTED
    assert [s["to"] for s in mine["statuses"]] == [Status.SUBMITTED]
    assert mine["degrees"][0]["institution"] == "Kobe University"
    assert {d["kind"] for d in mine["documents"]} == set(Document.objects.values_list("kind", flat=True))
    assert "portal/my-data.json" in client.get("/portal/").content.decode()
    for role in (Role.OFFICER, Role.REVIEWER, Role.ANALYST):
        other = Client()
        other.force_login(make_user(role))
        assert other.get("/portal/my-data.json").status_code == 403
    assert "/accounts/login/" in Client().get("/portal/my-data.json")["Location"]


# --- jpo purge ----------------------------------------------------------------------------------------

OUTCOMES = {
    "not_shortlisted": [Status.SUBMITTED, Status.ELIGIBLE, Status.UNDER_REVIEW, Status.NOT_SHORTLISTED],
    "screened_out": [Status.SUBMITTED, Status.SCREENED_OUT],
    "withdrawn": [Status.SUBMITTED, Status.WITHDRAWN],
    "selected": [
        Status.SUBMITTED,
        Status.ELIGIBLE,
        Status.UNDER_REVIEW,
        Status.SHORTLISTED,
        Status.INTERVIEW,
        Status.PASSED,
        Status.RECOMMENDED,
        Status.SELECTED,
    ],
}


def _closed_cycle(fiscal_year: int, closed_days_ago: int) -> Cycle:
    """A cycle whose window closed and whose every application reached a final status
    `closed_days_ago` days ago; applicants with accounts, degrees, jobs, drafts and documents."""
    closed = timezone.now() - dt.timedelta(days=closed_days_ago)
    cycle = Cycle.objects.create(
        fiscal_year=fiscal_year,
        applications_open=closed - dt.timedelta(days=60),
        applications_close=closed - dt.timedelta(days=30),
    )
    track = Track.objects.create(cycle=cycle, kind="mofa")
    births = [dt.date(1995, 5, 17), dt.date(1996, 4, 2), dt.date(1998, 2, 28), dt.date(1993, 12, 1)]
    for n, (kind, steps) in enumerate(OUTCOMES.items()):
        user = User.objects.create_user(
            username=f"p{fiscal_year}-{n}", email=f"p{fiscal_year}-{n}@example.jp", role=Role.APPLICANT
        )
        applicant = Applicant.objects.create(
            user=user,
            family_name="山田",
            given_name=f"花子{n}",
            family_name_kana="ヤマダ",
            given_name_kana="ハナコ",
            birth_date=births[n],
            sex="female" if n % 2 else "male",
            email=user.email,
            nationalities=["JP"],
        )
        application = Application.objects.create(
            applicant=applicant,
            cycle=cycle,
            track=track,
            civil_servant_position="Section chief",
            prior_service_details=f"{kind}: worked with Dr. Sato",
        )
        Degree.objects.create(
            application=application,
            level="master",
            field="economics",
            institution="Kobe",
            awarded=dt.date(2020, 3, 1),
        )
        EmploymentPeriod.objects.create(
            application=application, employer="Example K.K.", title="Analyst", start=dt.date(2020, 4, 1)
        )
        DraftStep.objects.create(application=application, step="personal", data={"family_name": "山田"})
        Document.objects.create(
            application=application,
            kind="cv",
            file=ContentFile(b"%PDF", name=f"{kind}.pdf"),
            original_name="cv.pdf",
            size=4,
            sha256="0" * 64,
            pages=1,
        )
        for step in steps:
            services.application_transition(
                application=application, to=step, actor=None, reason="by Dr. Sato"
            )
    StatusChange.objects.filter(application__cycle=cycle).update(at=closed)
    Application.objects.filter(cycle=cycle).exclude(submitted_at__isnull=True).update(submitted_at=closed)
    return cycle


def _statistics(cycle: Cycle) -> Any:
    people = Application.objects.filter(cycle=cycle)
    ref = cycle.reference_date or cycle.starts_on
    return (
        funnel_csv(funnel(cycle=cycle)),
        sorted(people.values_list("status", "applicant__sex", "is_civil_servant", "track__kind")),
        sorted(age_on(a.applicant.birth_date, ref) for a in people.select_related("applicant")),
        sorted(
            StatusChange.objects.filter(application__cycle=cycle).values_list(
                "from_status", "to_status", "at"
            )
        ),
    )


def purge(*args: str) -> str:
    out = StringIO()
    call_command("purge", *args, stdout=out)
    return out.getvalue()


def test_purge_anonymises_a_closed_cycle_and_leaves_the_statistics_unchanged(settings: Any) -> None:
    settings.JPO_PERSONAL_DATA_RETENTION_DAYS = 365
    cycle = _closed_cycle(2019, closed_days_ago=400)
    before = _statistics(cycle)
    dry = purge("--cycle", "FY2019", "--dry-run")
    assert "3 applicant(s) to anonymise" in dry and "1 selected" in dry
    assert Applicant.objects.filter(family_name="山田").count() == 4  # dry run: nothing written

    out = purge("--cycle", "FY2019")
    assert "Done" in out
    assert _statistics(cycle) == before
    purged = Applicant.objects.filter(purged_at__isnull=False).select_related("user")
    assert purged.count() == 3
    for applicant in purged:
        assert (applicant.family_name, applicant.given_name, applicant.family_name_kana) == ("", "", "")
        assert applicant.email.endswith("@example.invalid")
        assert applicant.birth_date not in {dt.date(1995, 5, 17), dt.date(1998, 2, 28), dt.date(1993, 12, 1)}
        assert applicant.history.count() == 0
        assert applicant.user is not None and not applicant.user.is_active
        assert not applicant.user.has_usable_password() and applicant.user.email.endswith(".invalid")
        application = applicant.applications.get()
        assert (application.civil_servant_position, application.prior_service_details) == ("", "")
        assert not application.documents.exists() and not DraftStep.objects.filter(application=application)
        assert application.degrees.get().institution == "" and application.degrees.get().level == "master"
        assert application.employment.get().employer == ""
        assert set(application.status_changes.values_list("reason", flat=True)) == {""}
    kept = Applicant.objects.get(purged_at__isnull=True)
    assert kept.family_name == "山田"  # selected: the dispatch and alumni record need the person
    assert "3 already anonymised" in purge("--cycle", "FY2019", "--dry-run")


def test_an_applicant_still_within_another_cycles_retention_is_kept(settings: Any) -> None:
    settings.JPO_PERSONAL_DATA_RETENTION_DAYS = 365
    old = _closed_cycle(2019, closed_days_ago=400)
    recent = _closed_cycle(2023, closed_days_ago=30)
    person = Application.objects.filter(cycle=old, status=Status.NOT_SHORTLISTED).get().applicant
    Application.objects.filter(cycle=recent, status=Status.NOT_SHORTLISTED).update(applicant=person)
    assert "1 also in a cycle still within its retention period" in purge("--cycle", "FY2019")
    person.refresh_from_db()
    assert person.purged_at is None and person.family_name == "山田"


@pytest.mark.parametrize(
    ("args", "closed_days_ago", "retention", "message"),
    [
        (["--cycle", "FY2019"], 30, 365, "retention period ends"),
        (["--cycle", "FY2019"], 400, None, "JPO_PERSONAL_DATA_RETENTION_DAYS"),
        (["--cycle", "FY1900"], 400, 365, "no cycle FY1900"),
        (["--cycle", "2019"], 400, 365, "not a cycle"),
    ],
)
def test_purge_refuses_with_exit_2_and_writes_nothing(
    settings: Any, args: list[str], closed_days_ago: int, retention: int | None, message: str
) -> None:
    settings.JPO_PERSONAL_DATA_RETENTION_DAYS = retention
    _closed_cycle(2019, closed_days_ago=closed_days_ago)
    with pytest.raises(CommandError) as refusal:
        purge(*args)
    assert refusal.value.returncode == 2
    assert message in str(refusal.value)
    assert not Applicant.objects.filter(purged_at__isnull=False).exists()


def test_purge_refuses_a_cycle_still_in_selection(settings: Any) -> None:
    settings.JPO_PERSONAL_DATA_RETENTION_DAYS = 365
    cycle = _closed_cycle(2019, closed_days_ago=400)
    application = Application.objects.filter(cycle=cycle, status=Status.SELECTED).get()
    Application.objects.filter(pk=application.pk).update(status=Status.RECOMMENDED)
    with pytest.raises(CommandError) as refusal:
        purge("--cycle", "FY2019")
    assert refusal.value.returncode == 2 and "is not closed" in str(refusal.value)


def test_generalised_birth_date_keeps_every_age_and_drops_the_day() -> None:
    refs = [dt.date(2019, 4, 1), dt.date(2021, 4, 1), dt.date(2024, 10, 1)]
    for birth in [dt.date(1995, 5, 17), dt.date(1996, 4, 2), dt.date(1996, 4, 1), dt.date(1992, 2, 29)]:
        general = services._generalised_birth_date(birth, refs)
        assert [age_on(general, r) for r in refs] == [age_on(birth, r) for r in refs], birth
        assert general >= birth

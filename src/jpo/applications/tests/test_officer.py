"""The officer's lists: possible duplicates and eligibility to review, with constant query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jpo.accounts.models import AuditEvent, Role
from jpo.applications import services
from jpo.applications.models import DuplicateFlag
from jpo.applications.tests.conftest import fill_eligible

pytestmark = pytest.mark.django_db


def queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(path).status_code == 200
    return len(context.captured_queries)


def test_duplicates_list_and_resolution(signup: Any, make_user: Any, client: Client) -> None:
    client.force_login(make_user(Role.OFFICER))
    signup(email="a@example.jp", given_name="Same", family_name="Name")
    signup(email="b@example.jp", given_name="Same", family_name="Name")
    few = queries(client, "/portal/officer/duplicates/")
    for i in range(3):
        signup(email=f"c{i}@example.jp", given_name="Same", family_name="Name")
    assert DuplicateFlag.objects.count() > 3
    assert queries(client, "/portal/officer/duplicates/") == few
    flag = DuplicateFlag.objects.first()
    assert flag is not None
    response = client.post(
        f"/portal/officer/duplicates/{flag.pk}/resolve/", {"resolution": "different people"}
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.resolved_at is not None and flag.resolution == "different people"
    # Ticked rows are resolved at once with one note; nothing ticked (or a bad id) is refused.
    open_flags = list(DuplicateFlag.objects.filter(resolved_at__isnull=True).order_by("pk"))
    ticked, rest = open_flags[:2], open_flags[2:]
    assert rest
    assert client.post("/portal/officer/duplicates/", {"resolution": "x"}).status_code == 400
    assert client.post("/portal/officer/duplicates/", {"ids": ["x"], "resolution": "x"}).status_code == 400
    response = client.post(
        "/portal/officer/duplicates/", {"ids": [g.pk for g in ticked], "resolution": "same"}
    )
    assert response.status_code == 302
    assert DuplicateFlag.objects.filter(resolution="same").count() == 2
    assert AuditEvent.objects.filter(action="applicant.duplicate_resolved").count() == 3
    # Every flag matching the filter: the search narrows, then all matches are resolved (not only a page).
    response = client.post(
        "/portal/officer/duplicates/", {"scope": "matching", "q": "c0@example.jp", "resolution": "checked"}
    )
    assert response.status_code == 302
    resolved = set(DuplicateFlag.objects.filter(resolution="checked").values_list("pk", flat=True))
    expected = {g.pk for g in rest if "c0@example.jp" in (g.applicant.email, g.other.email)}
    assert resolved == expected and expected
    response = client.post("/portal/officer/duplicates/", {"scope": "matching", "resolution": "all"})
    assert not DuplicateFlag.objects.filter(resolved_at__isnull=True).exists()


def test_applicants_cannot_see_the_officer_lists(signup: Any, client: Client) -> None:
    client.force_login(signup())
    assert client.get("/portal/officer/duplicates/").status_code == 403
    assert client.get("/portal/officer/needs-review/").status_code == 403


def test_needs_review_list_shows_the_criteria_to_review(
    clock: Any,
    cycle: Any,
    signup: Any,
    make_user: Any,
    client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(make_user(Role.OFFICER))
    client.cookies["jpo_language"] = "en"

    def submitted() -> None:
        user = signup()
        application = services.application_start(user=user, cycle=cycle, now=clock.now)
        fill_eligible(application, user, clock.now)
        with django_capture_on_commit_callbacks(execute=True):
            services.application_submit(application=application, actor=user, language="en", now=clock.now)

    submitted()
    few = queries(client, "/portal/officer/needs-review/")
    submitted()
    submitted()
    assert queries(client, "/portal/officer/needs-review/") == few
    page = client.get("/portal/officer/needs-review/").content.decode()
    assert page.count("JPO-2026-") == 3
    assert "Work experience" in page


def test_needs_review_list_costs_the_same_at_10_and_1000_rows(
    clock: Any,
    cycle: Any,
    signup: Any,
    make_user: Any,
    client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Paged in the database: the same queries and about the same bytes at 10 and 1,000 rows."""
    import datetime as dt

    from jpo.applications.models import Applicant, Application, EligibilityCheck

    client.force_login(make_user(Role.OFFICER))
    user = signup()
    application = services.application_start(user=user, cycle=cycle, now=clock.now)
    fill_eligible(application, user, clock.now)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=application, actor=user, language="en", now=clock.now)
    model = EligibilityCheck.objects.get(kind="submission", needs_review=True)
    application.refresh_from_db()

    def grow(total: int) -> None:
        have = EligibilityCheck.objects.filter(needs_review=True).count()
        people = Applicant.objects.bulk_create(
            Applicant(family_name="X", given_name=str(i), birth_date=dt.date(1995, 1, 1), email=f"x{i}@ex.jp")
            for i in range(have, total)
        )
        apps = Application.objects.bulk_create(
            Application(
                applicant=p,
                cycle=cycle,
                track=application.track,
                status=application.status,
                submitted_at=application.submitted_at,
                receipt_number=f"R-{p.pk}",
            )
            for p in people
        )
        EligibilityCheck.objects.bulk_create(
            EligibilityCheck(
                application=a, kind="submission", eligible=False, needs_review=True, criteria=model.criteria
            )
            for a in apps
        )

    def measure() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as context:
            response = client.get("/portal/officer/needs-review/?size=25")
        return len(context.captured_queries), len(response.content)

    grow(10)
    queries_10, bytes_10 = measure()
    grow(1000)
    queries_1000, bytes_1000 = measure()
    assert queries_1000 == queries_10
    assert bytes_1000 < bytes_10 * 3  # 10 → 25 rows shown, never 1,000
    assert "1,000" in client.get("/portal/officer/needs-review/").content.decode()


def test_needs_review_page_reads_the_index_of_checks_to_review() -> None:
    """The list's page (in the order the checks came in) walks the partial index of the checks still to
    review, instead of sorting every submission check: 463 ms at 100,000 applications before it."""
    from jpo.applications.selectors import needs_review_checks

    page = needs_review_checks().order_by("pk")[:50]
    sql, params = page.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
            assert "eligibilitycheck_to_review" in plan, plan
            assert "TEMP B-TREE FOR ORDER BY" not in plan, plan
        else:  # a tiny table: PostgreSQL reads it whole unless told not to
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = " | ".join(row[0] for row in cursor.fetchall())
            assert "eligibilitycheck_to_review" in plan, plan

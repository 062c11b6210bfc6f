"""Pages: who sees what, refusals as 4xx with nothing written, query counts that do not grow with rows,
the progress endpoint and the funnel with its exports."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from jpo.accounts.models import AuditEvent, Role
from jpo.applications.workflow import Status
from jpo.programme.models import Organization
from jpo.selection.models import NotificationTemplate, Review, ReviewAssignment, Rubric, ScreeningRun
from jpo.selection.services import reviews, stage_two
from jpo.selection.tests.conftest import screen_and_accept, set_rubric, shortlist_all

pytestmark = pytest.mark.django_db

OFFICER_PAGES: list[tuple[str, dict[str, Any]]] = [
    ("selection:officer_home", {}),
    ("selection:cycle", {"fy": 2026}),
    ("selection:screening", {"fy": 2026}),
    ("selection:rubric", {"fy": 2026}),
    ("selection:conflicts", {"fy": 2026}),
    ("selection:reviews", {"fy": 2026}),
    ("selection:ranking", {"fy": 2026}),
    ("selection:stage_two", {"fy": 2026}),
    ("selection:final", {"fy": 2026}),
    ("selection:templates", {"fy": 2026}),
    ("selection:template_edit", {"fy": 2026, "status": "shortlisted", "language": "ja"}),
    ("selection:notifications", {"fy": 2026}),
    ("selection:funnel", {"fy": 2026}),
]


@pytest.mark.parametrize(("name", "kwargs"), OFFICER_PAGES)
def test_officer_pages_open_for_officers_only(
    client: Any, cycle: Any, make_user: Any, name: str, kwargs: Any
) -> None:
    url = reverse(name, kwargs=kwargs)
    client.force_login(make_user(Role.OFFICER))
    assert client.get(url).status_code == 200
    for role in (Role.REVIEWER, Role.APPLICANT, Role.ANALYST):
        client.force_login(make_user(role))
        assert client.get(url).status_code == 403
    client.force_login(make_user(Role.FOCAL_POINT, organization=Organization.objects.get(code="UNDP")))
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def _scored_cycle(make_submitted: Any, cycle: Any, officer: Any, make_reviewers: Any, n: int) -> list[Any]:
    for _ in range(n):
        make_submitted()
    screen_and_accept(cycle, officer)
    set_rubric(cycle, officer, reviewers_per_application=2)
    return make_reviewers(2)


def test_reviewers_see_only_their_assignments_and_counts_do_not_grow(
    client: Any, make_submitted: Any, cycle: Any, officer: Any, make_reviewers: Any, make_user: Any
) -> None:
    r1, r2 = _scored_cycle(make_submitted, cycle, officer, make_reviewers, 2)
    outsider = make_user(Role.REVIEWER, username="outsider")
    reviews.reviews_assign(cycle=cycle, actor=officer, reviewers=[r1, r2])
    client.force_login(r1)
    url = reverse("selection:my_reviews")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(3):
        make_submitted()
    screen_and_accept(cycle, officer)
    reviews.reviews_assign(cycle=cycle, actor=officer, reviewers=[r1, r2])
    assert ReviewAssignment.objects.filter(reviewer=r1).count() == 5
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many) == len(few)
    assert response.content.decode().count(reverse("selection:review", args=[0])[:-2]) >= 5
    # Someone else's assignment does not exist for this reviewer.
    assignment = ReviewAssignment.objects.filter(reviewer=r1).get(
        application__pk=ReviewAssignment.objects.filter(reviewer=r1).values("application")[:1]
    )
    client.force_login(outsider)
    assert client.get(reverse("selection:review", args=[assignment.pk])).status_code == 404
    assert client.get(reverse("selection:my_reviews")).content.decode().count("JPO-2026") == 0


def test_review_form_refuses_bad_scores_with_400_and_twice_with_409(
    client: Any, make_submitted: Any, cycle: Any, officer: Any, make_reviewers: Any
) -> None:
    r1, _r2 = _scored_cycle(make_submitted, cycle, officer, make_reviewers, 1)
    reviews.reviews_assign(cycle=cycle, actor=officer)
    assignment = ReviewAssignment.objects.get(reviewer=r1)
    motivation, experience = Rubric.objects.get(cycle=cycle).criteria.all()
    client.force_login(r1)
    url = reverse("selection:review", args=[assignment.pk])
    response = client.post(url, {f"score-{motivation.pk}": "9", f"score-{experience.pk}": "3"})
    assert response.status_code == 400
    assert "Motivation" in response.content.decode() and 'value="9"' in response.content.decode()
    assert not Review.objects.exists()
    good = {f"score-{motivation.pk}": "4", f"score-{experience.pk}": "3"}
    assert client.post(url, good).status_code == 302
    twice = client.post(url, {f"score-{motivation.pk}": "1", f"score-{experience.pk}": "1"})
    assert twice.status_code == 409  # submitted twice: refused, the first review stands
    assert [r.total for r in Review.objects.all()] == [Review.objects.get().total]
    assert Review.objects.get().scores.get(criterion=motivation).score == 4


def test_blind_review_hides_name_age_and_sex(
    client: Any, make_submitted: Any, cycle: Any, officer: Any, make_reviewers: Any
) -> None:
    application = make_submitted()
    screen_and_accept(cycle, officer)
    set_rubric(cycle, officer, reviewers_per_application=1, blind=True)
    (reviewer,) = make_reviewers(1)
    reviews.reviews_assign(cycle=cycle, actor=officer)
    client.force_login(reviewer)
    assignment = ReviewAssignment.objects.get()
    page = client.get(reverse("selection:review", args=[assignment.pk])).content.decode()
    listing = client.get(reverse("selection:my_reviews")).content.decode()
    for text in (application.applicant.given_name, "1995-05-01"):
        assert text not in page and text not in listing
    assert "Female" not in page and "女性" not in page
    assert application.receipt_number in page
    # The documents open for the assigned reviewer only.
    assert client.get(reverse("selection:review_document", args=[assignment.pk, "cv"])).status_code == 200


def test_ranking_page_counts_do_not_grow_and_closing_twice_is_409(
    client: Any, make_submitted: Any, cycle: Any, officer: Any, make_reviewers: Any
) -> None:
    client.force_login(officer)
    url = reverse("selection:ranking", args=[2026])
    (_reviewer,) = make_reviewers(1)
    make_submitted()
    shortlist_all_counts = []
    screen_and_accept(cycle, officer)
    set_rubric(cycle, officer, reviewers_per_application=1)
    reviews.reviews_assign(cycle=cycle, actor=officer)
    with CaptureQueriesContext(connection) as few:
        client.get(url + "?cutoff=1")
    for _ in range(3):
        make_submitted()
    screen_and_accept(cycle, officer)
    reviews.reviews_assign(cycle=cycle, actor=officer)
    with CaptureQueriesContext(connection) as many:
        client.get(url + "?cutoff=1")
    assert len(many) == len(few)
    shortlist_all_counts.append(len(many))
    response = client.post(url, {"cutoff": "1", "method": "z"})
    assert response.status_code == 400  # reviews outstanding
    assert Status.SHORTLISTED not in set(cycle.applications.values_list("status", flat=True))


def test_focal_point_sees_only_candidates_forwarded_to_their_organization(
    client: Any,
    make_submitted: Any,
    cycle: Any,
    officer: Any,
    make_reviewers: Any,
    make_user: Any,
    clock: Any,
) -> None:
    org = make_submitted(track="organization")
    make_submitted()
    (reviewer,) = make_reviewers(1)
    shortlist_all(cycle, officer, reviewer, clock)
    stage_two.cycle_forward_shortlisted(cycle=cycle, actor=officer)
    undp = make_user(Role.FOCAL_POINT, organization=Organization.objects.get(code="UNDP"))
    wfp = make_user(Role.FOCAL_POINT, organization=Organization.objects.get(code="WFP"))
    client.force_login(wfp)
    assert org.receipt_number not in client.get(reverse("selection:focal_candidates")).content.decode()
    assert client.get(reverse("selection:focal_candidate", args=[org.pk])).status_code == 404
    client.force_login(undp)
    assert org.receipt_number in client.get(reverse("selection:focal_candidates")).content.decode()
    org.refresh_from_db()
    url = reverse("selection:focal_candidate", args=[org.pk])
    assert client.post(url, {"decision": "maybe", "reason": "x", "version": org.version}).status_code == 400
    assert client.post(url, {"decision": "selected", "reason": "", "version": org.version}).status_code == 400
    stale = org.version - 1
    assert client.post(url, {"decision": "selected", "reason": "panel", "version": stale}).status_code == 409
    assert (
        client.post(url, {"decision": "selected", "reason": "panel", "version": org.version}).status_code
        == 302
    )
    org.refresh_from_db()
    assert org.status == Status.SELECTED


def test_applicant_confirms_a_slot_on_their_own_application_only(
    client: Any, make_submitted: Any, cycle: Any, officer: Any, make_reviewers: Any, clock: Any
) -> None:
    from jpo.selection.tests.conftest import jst

    mine, theirs = make_submitted(), make_submitted()
    (reviewer,) = make_reviewers(1)
    shortlist_all(cycle, officer, reviewer, clock)
    stage_two.stage_two_invite(cycle=cycle, actor=officer)
    slot = stage_two.slot_create(
        cycle=cycle,
        actor=officer,
        starts_at=jst(2026, 5, 20, 10),
        ends_at=jst(2026, 5, 20, 11),
        meeting_url="https://meet.example.jp/a",
        panel=[reviewer],
    )
    client.force_login(mine.applicant.user)
    assert "2026-05-20 10:00" in client.get(reverse("selection:my_stage_two")).content.decode()
    assert (
        client.post(reverse("selection:slot_confirm", args=[theirs.pk]), {"slot": slot.pk}).status_code == 404
    )
    assert (
        client.post(reverse("selection:slot_confirm", args=[mine.pk]), {"slot": slot.pk}).status_code == 302
    )
    assert "meet.example.jp/a" in client.get(reverse("selection:my_stage_two")).content.decode()
    client.force_login(theirs.applicant.user)
    assert (
        client.post(reverse("selection:slot_confirm", args=[theirs.pk]), {"slot": slot.pk}).status_code == 409
    )  # taken by someone else: the second applicant is told


def test_template_edit_refuses_a_broken_placeholder_with_400(client: Any, cycle: Any, officer: Any) -> None:
    client.force_login(officer)
    url = reverse("selection:template_edit", args=[2026, "shortlisted", "en"])
    response = client.post(url, {"subject": "Result", "body": "Dear {{ applicant_nme }}", "version": "0"})
    assert response.status_code == 400
    assert "applicant_nme" in response.content.decode()
    assert not NotificationTemplate.objects.exists()
    assert (
        client.post(
            url, {"subject": "Result", "body": "Dear {{ applicant_name }}", "version": "0"}
        ).status_code
        == 302
    )
    assert NotificationTemplate.objects.get().body == "Dear {{ applicant_name }}"


def test_two_officers_editing_one_template_the_stale_save_is_refused_not_lost(
    client: Any, cycle: Any, officer: Any, make_user: Any
) -> None:
    colleague = make_user("officer")
    url = reverse("selection:template_edit", args=[2026, "shortlisted", "en"])
    client.force_login(officer)
    other = type(client)()
    other.force_login(colleague)
    # Both open the edit page of the default text (version 0).
    assert 'name="version" value="0"' in client.get(url).content.decode()
    assert 'name="version" value="0"' in other.get(url).content.decode()
    first = {"subject": "Result", "body": "Dear {{ applicant_name }}: first", "version": "0"}
    assert client.post(url, first).status_code == 302
    stale = {"subject": "Result", "body": "Dear {{ applicant_name }}: second", "version": "0"}
    response = other.post(url, stale)
    assert response.status_code == 409
    assert "Another officer saved this template" in response.content.decode()
    row = NotificationTemplate.objects.get()
    assert (row.body, row.version, row.updated_by) == (first["body"], 1, officer)
    # After reloading, the colleague edits from version 1 and saves.
    assert 'name="version" value="1"' in other.get(url).content.decode()
    assert other.post(url, {**stale, "version": "1"}).status_code == 302
    row.refresh_from_db()
    assert (row.body, row.version, row.updated_by) == (stale["body"], 2, colleague)
    assert other.post(url, {**stale, "version": "x"}).status_code == 400


def test_screening_run_page_and_progress_endpoint(
    client: Any, make_submitted: Any, cycle: Any, officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_submitted()
    client.force_login(officer)
    run_url = reverse("selection:screening_run", args=[2026])
    # The window is open (the clock reads 10 February, the deadline is 3 March): screening waits.
    page = client.get(reverse("selection:screening", args=[2026]), HTTP_ACCEPT_LANGUAGE="en").content
    assert b'name="force_reason"' in page
    refused = client.post(run_url, {"kind": "screen"}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400 and "is open until" in refused.content.decode()
    assert not ScreeningRun.objects.exists()
    # Forced with a reason: it runs, and the cycle's page says who forced it and why.
    with django_capture_on_commit_callbacks(execute=True):
        forced = client.post(run_url, {"kind": "screen", "force_reason": "rules corrected, check early"})
        assert forced.status_code == 302
    cycle_page = client.get(reverse("selection:cycle", args=[2026]), HTTP_ACCEPT_LANGUAGE="en").content
    assert "rules corrected, check early" in cycle_page.decode()
    assert AuditEvent.objects.filter(action="selection.window_forced", data__step="screening").count() == 1
    run = ScreeningRun.objects.get()
    progress = client.get(reverse("selection:run_progress", args=[run.pk]))
    assert progress.status_code == 200 and 'value="100"' in progress.content.decode()
    page = client.get(reverse("selection:screening", args=[2026]))
    assert (
        "needs_review" in page.content.decode()
        or "Needs review" in page.content.decode()
        or "要確認" in page.content.decode()
    )


def test_screening_list_queries_do_not_grow(
    client: Any, make_submitted: Any, cycle: Any, officer: Any
) -> None:
    from jpo.selection.services import screening

    make_submitted()
    screening.cycle_screen(cycle=cycle)
    client.force_login(officer)
    url = reverse("selection:screening", args=[2026])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(3):
        make_submitted()
    screening.cycle_screen(cycle=cycle)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_funnel_counts_and_exports(
    client: Any, make_submitted: Any, cycle: Any, officer: Any, make_reviewers: Any, clock: Any
) -> None:
    make_submitted(sex="male")
    make_submitted(track="organization")
    (reviewer,) = make_reviewers(1)
    shortlist_all(cycle, officer, reviewer, clock)
    client.force_login(officer)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("selection:funnel", args=[2026]))
    assert page.status_code == 200 and "<svg" in page.content.decode()
    assert len(queries) < 15
    from jpo.selection.selectors.funnel import funnel

    data = funnel(cycle=cycle)
    rows = {sid: counts for sid, _label, counts in data.rows}
    headers = [c.label for c in data.columns]
    assert rows["submitted"][0] == 2 and rows["shortlisted"][0] == 2 and rows["stage_two"][0] == 0
    male = 1 + next(i for i, c in enumerate(data.columns) if (c.dimension, c.value) == ("sex", "male"))
    assert rows["submitted"][male] == 1
    age = 1 + next(i for i, c in enumerate(data.columns) if (c.dimension, c.value) == ("age", "30–32"))
    assert rows["submitted"][age] == 2  # born 1 May 1995: 30 on 1 April 2026
    csv_body = client.get(reverse("selection:funnel_export", args=[2026, "csv"])).content.decode("utf-8-sig")
    assert csv_body.splitlines()[1].split(",")[:2] == [str(data.rows[0][1]), "2"]
    xlsx = client.get(reverse("selection:funnel_export", args=[2026, "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[1]][2:] == headers
    assert client.get(reverse("selection:funnel_export", args=[2026, "pdf"])).status_code == 404


def test_officer_pages_render_with_a_cycle_in_stage_two(
    client: Any,
    make_submitted: Any,
    cycle: Any,
    officer: Any,
    make_reviewers: Any,
    make_user: Any,
    clock: Any,
) -> None:
    from jpo.selection.tests.conftest import jst

    mofa = make_submitted()
    make_submitted(track="organization")
    (reviewer,) = make_reviewers(1)
    shortlist_all(cycle, officer, reviewer, clock)
    stage_two.stage_two_invite(cycle=cycle, actor=officer)
    slot = stage_two.slot_create(
        cycle=cycle,
        actor=officer,
        starts_at=jst(2026, 5, 20, 10),
        ends_at=jst(2026, 5, 20, 11),
        meeting_url="https://meet.example.jp/x",
        panel=[reviewer],
    )
    stage_two.slot_confirm(application=mofa, user=mofa.applicant.user, slot=slot, now=jst(2026, 5, 1))
    client.force_login(officer)
    for name, kwargs in OFFICER_PAGES:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 200, name
    assert client.get(reverse("selection:screening_detail", args=[mofa.pk])).status_code == 200
    page = client.get(reverse("selection:stage_two", args=[2026])).content.decode()
    assert "meet.example.jp/x" in page and mofa.receipt_number in page
    client.force_login(reviewer)
    interviews = client.get(reverse("selection:my_interviews")).content.decode()
    assert mofa.receipt_number in interviews
    interview_url = reverse("selection:interview_score", args=[mofa.interview.pk])
    clock.set(jst(2026, 5, 20, 9, 59))
    client.force_login(reviewer)  # a new session: the first one has expired by May
    refused = client.post(interview_url, {"score": "4"})
    assert refused.status_code == 400 and "2026-05-20 10:00" in refused.content.decode()
    clock.set(jst(2026, 5, 20, 10, 30))
    assert client.post(interview_url, {"score": "9"}).status_code == 400
    assert client.post(interview_url, {"score": "4"}).status_code == 302
    assert client.post(interview_url, {"score": "4"}).status_code == 409
    client.force_login(make_user(Role.REVIEWER, username="not-on-panel"))
    assert client.get(interview_url).status_code == 404

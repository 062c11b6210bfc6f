"""Assignment by hand: an officer assigns one named reviewer to one application, or removes one, on the
application's record page; never against a declared conflict of interest; audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from jpo.accounts.models import AuditEvent, Role
from jpo.applications.workflow import Status
from jpo.selection.models import ReviewAssignment
from jpo.selection.services import corrections, reviews
from jpo.selection.services.errors import Conflict, NotAllowed, SelectionError
from jpo.selection.tests.conftest import AFTER_DEADLINE, score_all, screen_and_accept, set_rubric

pytestmark = pytest.mark.django_db


@pytest.fixture
def eligible(make_submitted: Any, cycle: Any, officer: Any, clock: Any) -> Any:
    application = make_submitted()
    clock.set(AFTER_DEADLINE)
    screen_and_accept(cycle, officer)
    set_rubric(cycle, officer, reviewers_per_application=1)
    application.refresh_from_db()
    assert application.status == Status.ELIGIBLE
    return application


def test_an_officer_assigns_and_removes_one_reviewer(
    eligible: Any, officer: Any, make_reviewers: Any, make_user: Any
) -> None:
    first, second, conflicted = make_reviewers(3)
    with pytest.raises(NotAllowed):
        reviews.review_assign_one(application=eligible, reviewer=first, actor=first)
    with pytest.raises(SelectionError, match="active reviewer"):
        reviews.review_assign_one(application=eligible, reviewer=make_user(Role.ANALYST), actor=officer)
    reviews.conflict_declare(
        reviewer=conflicted, application=eligible, reason="former colleague", recorded_by=officer
    )
    with pytest.raises(SelectionError, match="conflict of interest"):
        reviews.review_assign_one(application=eligible, reviewer=conflicted, actor=officer)
    assignment = reviews.review_assign_one(application=eligible, reviewer=first, actor=officer)
    eligible.refresh_from_db()
    assert eligible.status == Status.UNDER_REVIEW
    with pytest.raises(Conflict):
        reviews.review_assign_one(application=eligible, reviewer=first, actor=officer)
    reviews.review_assign_one(application=eligible, reviewer=second, actor=officer)
    assert set(ReviewAssignment.objects.filter(application=eligible).values_list("reviewer", flat=True)) == {
        first.pk,
        second.pk,
    }
    # The balanced assignment keeps what was assigned by hand.
    reviews.reviews_assign(cycle=eligible.cycle, actor=officer)
    assert ReviewAssignment.objects.filter(application=eligible).count() == 2

    with pytest.raises(SelectionError, match="reason"):
        reviews.review_unassign(assignment_id=assignment.pk, actor=officer, reason=" ")
    reviews.review_unassign(assignment_id=assignment.pk, actor=officer, reason="workload")
    assert not ReviewAssignment.objects.filter(pk=assignment.pk).exists()
    events = AuditEvent.objects.filter(action__startswith="selection.reviewer_").order_by("id")
    assert [(e.action, e.data["username"]) for e in events] == [
        ("selection.reviewer_assigned", first.username),
        ("selection.reviewer_assigned", second.username),
        ("selection.reviewer_unassigned", first.username),
    ]
    assert list(events)[-1].data["reason"] == "workload"


def test_a_submitted_review_is_withdrawn_before_its_reviewer_is_removed(
    eligible: Any, officer: Any, make_reviewers: Any, cycle: Any
) -> None:
    (reviewer,) = make_reviewers(1)
    assignment = reviews.review_assign_one(application=eligible, reviewer=reviewer, actor=officer)
    score_all(cycle, lambda _a, _r: 4)
    with pytest.raises(Conflict, match="withdraw the review first"):
        reviews.review_unassign(assignment_id=assignment.pk, actor=officer, reason="mistake")
    corrections.review_withdraw(review_id=assignment.review.pk, actor=officer, reason="mistake")
    reviews.review_unassign(assignment_id=assignment.pk, actor=officer, reason="mistake")
    assert not ReviewAssignment.objects.filter(application=eligible).exists()


def test_the_record_page_assigns_and_removes(
    client: Any, eligible: Any, officer: Any, make_reviewers: Any
) -> None:
    first, conflicted = make_reviewers(2)
    reviews.conflict_declare(
        reviewer=conflicted, application=eligible, reason="relative", recorded_by=officer
    )
    url = reverse("selection:application_record", args=[eligible.pk])
    client.force_login(first)
    assert client.post(url, {"action": "assign_reviewer", "reviewer": first.pk}).status_code == 403
    client.force_login(officer)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'<option value="{first.pk}">' in page and f'<option value="{conflicted.pk}">' not in page
    assert "Declared a conflict of interest" in page
    refused = client.post(
        url, {"action": "assign_reviewer", "reviewer": conflicted.pk}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.status_code == 400 and "conflict of interest" in refused.content.decode()
    refused = client.post(url, {"action": "assign_reviewer", "reviewer": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert client.post(url, {"action": "assign_reviewer", "reviewer": first.pk}).status_code == 302
    assignment = ReviewAssignment.objects.get(application=eligible)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Reviewer assigned" in page and "Remove this reviewer" in page
    done = client.post(url, {"action": "unassign_reviewer", "target": assignment.pk, "reason": "workload"})
    assert done.status_code == 302 and not ReviewAssignment.objects.exists()
    client.cookies["jpo_language"] = "ja"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "審査員の割り当て解除" in page and "workload" in page

"""Rubric, balanced assignment with conflicts of interest, scored reviews, ranking with severity
correction, ties and closing the shortlist."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail

from jpo.accounts.models import AuditEvent
from jpo.applications.workflow import Status
from jpo.selection.models import Review, ReviewAssignment, Rubric, Shortlist
from jpo.selection.selectors import ranking
from jpo.selection.selectors.ranking import reviewer_stats
from jpo.selection.services import reviews
from jpo.selection.services.errors import Conflict, NotAllowed, SelectionError
from jpo.selection.tests.conftest import AFTER_DEADLINE, score_all, screen_and_accept, set_rubric

pytestmark = pytest.mark.django_db


def test_rubric_refuses_bad_scales_and_weights(cycle: Any, officer: Any) -> None:
    good = [reviews.CriterionInput(name="Motivation", weight=Decimal("1"))]
    cases: list[tuple[dict[str, Any], str]] = [
        ({"criteria": good, "scale_min": 5, "scale_max": 5}, "scale_max"),
        ({"criteria": [], "scale_min": 1, "scale_max": 5}, "criteria"),
        (
            {
                "criteria": [reviews.CriterionInput(name="A", weight=Decimal("0"))],
                "scale_min": 1,
                "scale_max": 5,
            },
            "criteria-1-weight",
        ),
        ({"criteria": good * 2, "scale_min": 1, "scale_max": 5}, "criteria"),
    ]
    for kwargs, field in cases:
        with pytest.raises(SelectionError) as err:
            reviews.rubric_save(
                cycle=cycle, actor=officer, reviewers_per_application=2, blind=False, **kwargs
            )
        assert err.value.field == field
    assert not Rubric.objects.exists()


def test_assignment_is_balanced_and_never_against_a_conflict(
    make_submitted: Any, cycle: Any, officer: Any, make_reviewers: Any
) -> None:
    apps = [make_submitted() for _ in range(5)]
    screen_and_accept(cycle, officer)
    set_rubric(cycle, officer, reviewers_per_application=2)
    r1, _r2, _r3 = make_reviewers(3)
    reviews.conflict_declare(reviewer=r1, application=apps[0], reason="former colleague", recorded_by=officer)
    result = reviews.reviews_assign(cycle=cycle, actor=officer)
    assert result.created == 10 and not result.short
    loads = Counter(ReviewAssignment.objects.values_list("reviewer_id", flat=True))
    assert max(loads.values()) - min(loads.values()) <= 1
    assert not ReviewAssignment.objects.filter(application=apps[0], reviewer=r1).exists()
    for application in apps:
        application.refresh_from_db()
        assert application.status == Status.UNDER_REVIEW
        assert ReviewAssignment.objects.filter(application=application).count() == 2
    # Idempotent: nothing new on a second run.
    assert reviews.reviews_assign(cycle=cycle, actor=officer).created == 0


def test_a_reviewer_declaring_a_conflict_is_replaced(
    make_submitted: Any, cycle: Any, officer: Any, make_reviewers: Any
) -> None:
    application = make_submitted()
    screen_and_accept(cycle, officer)
    set_rubric(cycle, officer, reviewers_per_application=1)
    r1, r2 = make_reviewers(2)
    reviews.reviews_assign(cycle=cycle, actor=officer)
    first = ReviewAssignment.objects.get(application=application).reviewer
    reviews.conflict_declare(reviewer=first, application=application, reason="my cousin", recorded_by=first)
    now = ReviewAssignment.objects.get(application=application).reviewer
    assert now != first and now in (r1, r2)
    event = AuditEvent.objects.get(action="selection.conflict_declared")
    assert event.data["was_assigned"] is True


def test_review_scores_are_checked_and_submitted_once(
    make_submitted: Any, cycle: Any, officer: Any, make_reviewers: Any
) -> None:
    application = make_submitted()
    screen_and_accept(cycle, officer)
    set_rubric(cycle, officer, reviewers_per_application=1)
    r1, r2 = make_reviewers(2)
    reviews.reviews_assign(cycle=cycle, actor=officer)
    assignment = ReviewAssignment.objects.get(application=application)
    reviewer, other = (r1, r2) if assignment.reviewer == r1 else (r2, r1)
    motivation, experience = Rubric.objects.get(cycle=cycle).criteria.all()
    for bad in ("6", "0", "2.5", "abc", ""):
        with pytest.raises(SelectionError) as err:
            reviews.review_submit(
                assignment_id=assignment.pk,
                reviewer=reviewer,
                scores={str(motivation.pk): bad, str(experience.pk): "3"},
            )
        assert err.value.field == f"score-{motivation.pk}"
        assert "Motivation" in err.value.message
    with pytest.raises(NotAllowed):
        reviews.review_submit(
            assignment_id=assignment.pk, reviewer=other, scores={str(motivation.pk): 3, str(experience.pk): 3}
        )
    assert not Review.objects.exists()
    review = reviews.review_submit(
        assignment_id=assignment.pk,
        reviewer=reviewer,
        scores={str(motivation.pk): "5", str(experience.pk): "2"},
    )
    assert review.total == Decimal("4.000")  # (2×5 + 1×2) / 3
    with pytest.raises(Conflict):
        reviews.review_submit(
            assignment_id=assignment.pk,
            reviewer=reviewer,
            scores={str(motivation.pk): 1, str(experience.pk): 1},
        )
    assert Review.objects.count() == 1
    # Once reviewed, the rubric is frozen.
    with pytest.raises(Conflict):
        set_rubric(cycle, officer)


@pytest.fixture
def severe_and_lenient(make_submitted: Any, cycle: Any, officer: Any, make_reviewers: Any) -> list[Any]:
    """Four applications, one reviewer each: r1 is severe (2, 1), r2 lenient (5, 4)."""
    apps = [make_submitted() for _ in range(4)]
    screen_and_accept(cycle, officer)
    set_rubric(cycle, officer, reviewers_per_application=1)
    r1, r2 = make_reviewers(2)
    reviews.reviews_assign(cycle=cycle, actor=officer)
    marks = {apps[0].pk: 2, apps[1].pk: 5, apps[2].pk: 1, apps[3].pk: 4}
    assert {a.application_id: a.reviewer for a in ReviewAssignment.objects.all()} == {
        apps[0].pk: r1,
        apps[1].pk: r2,
        apps[2].pk: r1,
        apps[3].pk: r2,
    }
    score_all(cycle, lambda application, reviewer: marks[application.pk])
    return apps


def test_z_scores_correct_reviewer_severity(severe_and_lenient: list[Any], cycle: Any) -> None:
    stats = reviewer_stats(cycle=cycle)
    assert sorted((n, mean, sd) for n, mean, sd in stats.values()) == [(2, 1.5, 0.5), (2, 4.5, 0.5)]
    corrected = ranking(cycle=cycle, method="z")
    assert sorted(r.z_mean or 0.0 for r in corrected.rows) == pytest.approx([-1.0, -1.0, 1.0, 1.0])


def test_ranking_shows_raw_and_corrected_and_flags_ties(severe_and_lenient: list[Any], cycle: Any) -> None:
    a1, a2, a3, a4 = severe_and_lenient
    raw = ranking(cycle=cycle, method="raw")
    assert [r.application.pk for r in raw.rows] == [a2.pk, a4.pk, a1.pk, a3.pk]
    corrected = ranking(cycle=cycle, method="z", cutoff=1)
    assert [r.position for r in corrected.rows] == [1, 1, 3, 3]
    assert {r.application.pk for r in corrected.rows[:2]} == {a1.pk, a2.pk}
    assert all(r.tie for r in corrected.rows)
    assert corrected.tie_at_cutoff
    assert corrected.rows[0].raw_mean is not None and corrected.rows[0].z_mean == pytest.approx(1.0)


def test_closing_refuses_a_cutoff_inside_a_tie_then_closes(
    severe_and_lenient: list[Any],
    cycle: Any,
    officer: Any,
    django_capture_on_commit_callbacks: Any,
    clock: Any,
) -> None:
    a1, a2, a3, a4 = severe_and_lenient
    clock.set(AFTER_DEADLINE)
    with pytest.raises(SelectionError) as err:
        reviews.shortlist_close(cycle=cycle, actor=officer, cutoff=1)
    assert err.value.field == "cutoff" and "tie" in err.value.message
    with pytest.raises(SelectionError):
        reviews.shortlist_close(cycle=cycle, actor=officer, cutoff=9)
    assert not Shortlist.objects.exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reviews.shortlist_close(cycle=cycle, actor=officer, cutoff=2)
    statuses = {a.pk: a.status for a in (a1, a2, a3, a4) if not a.refresh_from_db()}
    assert statuses == {
        a1.pk: Status.SHORTLISTED,
        a2.pk: Status.SHORTLISTED,
        a3.pk: Status.NOT_SHORTLISTED,
        a4.pk: Status.NOT_SHORTLISTED,
    }
    assert len(mail.outbox) == 4
    shortlist = Shortlist.objects.get(cycle=cycle)
    entries = shortlist.entries.order_by("place")
    assert [e.shortlisted for e in entries] == [True, True, False, False]
    assert [e.position for e in entries] == [1, 1, 3, 3]
    with pytest.raises(Conflict):
        reviews.shortlist_close(cycle=cycle, actor=officer, cutoff=2)


def test_closing_waits_for_outstanding_reviews(
    make_submitted: Any, cycle: Any, officer: Any, make_reviewers: Any, clock: Any
) -> None:
    make_submitted()
    clock.set(AFTER_DEADLINE)
    screen_and_accept(cycle, officer)
    set_rubric(cycle, officer, reviewers_per_application=1)
    make_reviewers(1)
    reviews.reviews_assign(cycle=cycle, actor=officer)
    with pytest.raises(SelectionError) as err:
        reviews.shortlist_close(cycle=cycle, actor=officer, cutoff=1)
    assert "not submitted" in err.value.message


def test_reviews_submitted_in_bulk_are_checked_like_one_and_refused_together(
    make_submitted: Any, cycle: Any, officer: Any, make_reviewers: Any
) -> None:
    a, b = make_submitted(), make_submitted()
    screen_and_accept(cycle, officer)
    set_rubric(cycle, officer, reviewers_per_application=1)
    r1, r2 = make_reviewers(2)
    reviews.reviews_assign(cycle=cycle, actor=officer)
    first, second = ReviewAssignment.objects.filter(application__in=[a, b]).order_by("application_id")
    motivation, experience = Rubric.objects.get(cycle=cycle).criteria.all()
    good = {str(motivation.pk): "5", str(experience.pk): "2"}
    ok = reviews.ReviewInput(assignment_id=first.pk, reviewer=first.reviewer, scores=good)
    other = r2 if second.reviewer == r1 else r1
    for bad, error in (
        (reviews.ReviewInput(assignment_id=second.pk, reviewer=other, scores=good), NotAllowed),
        (
            reviews.ReviewInput(
                assignment_id=second.pk, reviewer=second.reviewer, scores={str(motivation.pk): "6"}
            ),
            SelectionError,
        ),
    ):
        with pytest.raises(error):
            reviews.reviews_submit_bulk(reviews=[ok, bad])
        assert not Review.objects.exists()  # one refusal refuses all
    done = reviews.reviews_submit_bulk(
        reviews=[ok, reviews.ReviewInput(assignment_id=second.pk, reviewer=second.reviewer, scores=good)]
    )
    assert [r.assignment_id for r in done] == [first.pk, second.pk]
    assert [r.total for r in done] == [Decimal("4.000")] * 2
    assert AuditEvent.objects.filter(action="selection.review_submitted").count() == 2
    with pytest.raises(Conflict):
        reviews.reviews_submit_bulk(reviews=[ok])
    assert Review.objects.count() == 2

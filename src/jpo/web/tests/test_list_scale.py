"""Every officer list page (and the focal point's and ministry HR's) costs the same at 10 and at 1,000
rows: the same number of queries, a page of rows, the total shown; and its weight in bytes does not grow
with the rows beyond a page.

Each list has a case: who reads it, its URL, and how to add rows in bulk (no workflow: this is about
reading). Lists converted to jpo.core.listing elsewhere have their own tests (desk, screening,
placement candidates, offers, needs review).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jpo.accounts.models import Role, User
from jpo.applications.models import Applicant, Application, DuplicateFlag, DuplicateReason, EndorsementRequest
from jpo.applications.workflow import Status
from jpo.outbox.models import Email, EmailState
from jpo.placement.models import AlumniRecord, Dispatch, Secondment
from jpo.placement.tests import factories as f
from jpo.programme.models import Post, Track
from jpo.selection.models import Interview, InterviewSlot, Notification, Review, ReviewAssignment

pytestmark = pytest.mark.django_db

_serial = itertools.count(1)


def _applications(n: int, *, status: str = Status.SUBMITTED, **extra: Any) -> list[Application]:
    """`n` applications of FY2024, each with its own applicant, written in bulk."""
    cycle = f.cycle(2024)
    track = Track.objects.get(cycle=cycle, kind="mofa")
    numbers = [next(_serial) for _ in range(n)]
    people = Applicant.objects.bulk_create(
        Applicant(
            family_name=f"姓{i:05d}",
            given_name="花子",
            birth_date=dt.date(1995, 1, 1),
            email=f"list{i}@example.jp",
        )
        for i in numbers
    )
    return Application.objects.bulk_create(
        Application(
            applicant=p,
            cycle=cycle,
            track=track,
            status=status,
            receipt_number=f"L-{i:06d}",
            submitted_at=timezone.now(),
            **extra,
        )
        for i, p in zip(numbers, people, strict=True)
    )


def _dispatches(n: int) -> list[Dispatch]:
    officer = User.objects.filter(role=Role.OFFICER).first() or f.officer()
    post = f.post(
        actor=officer, cycle_row=f.cycle(2024), org=f.organization("UNDP"), title=f"Post {next(_serial)}"
    )
    return Dispatch.objects.bulk_create(
        Dispatch(
            application=a,
            post=post,
            start_date=dt.date(2025, 1, 6),
            planned_end_date=dt.date(2027, 1, 5),
        )
        for a in _applications(n, status=Status.SELECTED)
    )


def _secondments(n: int) -> None:
    Secondment.objects.bulk_create(
        Secondment(
            dispatch=d,
            ministry=f.ministry(),
            consent_recorded_on=dt.date(2024, 11, 1),
            planned_return_date=dt.date(2027, 1, 6),
        )
        for d in _dispatches(n)
    )


def _alumni(n: int) -> None:
    undp = f.organization("UNDP")
    AlumniRecord.objects.bulk_create(
        AlumniRecord(
            family_name=f"姓{i:05d}", given_name="次郎", cohort_fiscal_year=2000 + i % 20, organization=undp
        )
        for i in (next(_serial) for _ in range(n))
    )


def _notifications(n: int) -> None:
    applications = _applications(n)
    emails = Email.objects.bulk_create(
        Email(
            kind="selection.result",
            recipient=f"to{a.pk}@example.jp",
            subject="選考結果のお知らせ",
            body="本文",
            state=EmailState.SENT,
            next_attempt_at=timezone.now(),
        )
        for a in applications
    )
    Notification.objects.bulk_create(
        Notification(application=a, status_reached=Status.ELIGIBLE, language="ja", email=e)
        for a, e in zip(applications, emails, strict=True)
    )


def _duplicates(n: int) -> None:
    people = [a.applicant for a in _applications(2 * n)]
    DuplicateFlag.objects.bulk_create(
        DuplicateFlag(applicant=people[2 * i], other=people[2 * i + 1], reason=DuplicateReason.EMAIL)
        for i in range(n)
    )


def _endorsements(n: int) -> None:
    ministry = f.ministry()
    EndorsementRequest.objects.bulk_create(
        EndorsementRequest(application=a, ministry=ministry)
        for a in _applications(n, is_civil_servant=True, ministry=ministry)
    )


def _forwarded(n: int) -> None:
    _applications(n, status=Status.FORWARDED, forwarded_to=f.organization("UNDP"))


def _posts(n: int) -> None:
    cycle, undp = f.cycle(2024), f.organization("UNDP")
    Post.objects.bulk_create(
        Post(
            cycle=cycle,
            organization=undp,
            title=f"Analyst {i:05d}",
            duty_station="New York",
            status="approved",
        )
        for i in (next(_serial) for _ in range(n))
    )


def _under_review(n: int) -> None:
    """`n` applications under review, each with two reviewers (one review still missing on every fifth
    application), totals all different (no tie badges to weigh on the page): the ranking's rows."""
    from jpo.selection.models import Review, ReviewAssignment

    reviewers = list(User.objects.filter(username__startswith="ranker").order_by("pk")[:3])
    if len(reviewers) < 3:
        reviewers = User.objects.bulk_create(
            User(username=f"ranker{i}", email=f"ranker{i}@example.jp", role=Role.REVIEWER)
            for i in (next(_serial) for _ in range(3))
        )
    applications = _applications(n, status=Status.UNDER_REVIEW)
    assignments = ReviewAssignment.objects.bulk_create(
        ReviewAssignment(application=a, reviewer=reviewers[(i + k) % 3])
        for i, a in enumerate(applications)
        for k in (0, 1)
    )
    Review.objects.bulk_create(
        Review(assignment=a, total=f"{1 + a.application_id % 3000 / 1000:.3f}")
        for i, a in enumerate(assignments)
        if i % 10 != 9
    )


def _final(n: int) -> None:
    """`n` MOFA-track candidates at the final decision, half with a panel score."""
    from jpo.selection.models import InterviewScore

    panel = User.objects.filter(role=Role.OFFICER).first() or f.officer()
    interviews = Interview.objects.bulk_create(
        Interview(application=a, written_task_score=50 + i % 50)
        for i, a in enumerate(_applications(n, status=Status.INTERVIEW))
    )
    InterviewScore.objects.bulk_create(
        InterviewScore(interview=i, interviewer=panel, score=1 + i.pk % 5) for i in interviews[::2]
    )


def _stage_two(n: int) -> None:
    """`n` rows on each of stage two's three lists: MOFA-track interviews (half with a slot and a panel),
    free slots, and shortlisted organization-track candidates."""
    cycle = f.cycle(2024)
    panel = f.officer()
    start = timezone.now()
    slots = InterviewSlot.objects.bulk_create(
        InterviewSlot(
            cycle=cycle,
            starts_at=start + dt.timedelta(hours=i),
            ends_at=start + dt.timedelta(hours=i, minutes=30),
        )
        for i in range(n)
    )
    InterviewSlot.panel.through.objects.bulk_create(
        InterviewSlot.panel.through(interviewslot_id=slot.pk, user_id=panel.pk) for slot in slots
    )
    Interview.objects.bulk_create(
        Interview(application=a, slot=slots[i] if i % 2 else None)
        for i, a in enumerate(_applications(n, status=Status.INTERVIEW))
    )
    organization_track = Track.objects.get(cycle=cycle, kind="organization")
    organization_track.organizations.add(f.organization("UNDP"))
    Application.objects.filter(pk__in=[a.pk for a in _applications(n, status=Status.SHORTLISTED)]).update(
        track=organization_track
    )


def _reviewers(n: int) -> None:
    User.objects.bulk_create(
        User(username=f"reviewer{i}", email=f"reviewer{i}@example.jp", role=Role.REVIEWER)
        for i in (next(_serial) for _ in range(n))
    )


def _reviewer() -> User:
    """The one reviewer whose own lists (reviews, interviews) the cases below fill and read."""
    user = User.objects.filter(username="my-reviewer").first()
    return user or User.objects.create_user(
        username="my-reviewer",
        email="my-reviewer@example.jp",
        password="a-long-test-password",
        role=Role.REVIEWER,
    )


def _my_reviews(n: int) -> None:
    """`n` applications assigned to the reviewer, every other one reviewed; and as many assigned to
    someone else (not on the reviewer's list)."""
    me, other = _reviewer(), f.officer()
    other.role = Role.REVIEWER
    other.save(update_fields=["role"])
    applications = _applications(n, status=Status.UNDER_REVIEW)
    mine = ReviewAssignment.objects.bulk_create(
        ReviewAssignment(application=a, reviewer=me) for a in applications
    )
    ReviewAssignment.objects.bulk_create(
        ReviewAssignment(application=a, reviewer=other) for a in applications
    )
    Review.objects.bulk_create(Review(assignment=a, total="3.000") for a in mine[::2])


def _my_interviews(n: int) -> None:
    """`n` interviews on slots whose panel the reviewer sits on, and `n` on another panel."""
    me, cycle, start = _reviewer(), f.cycle(2024), timezone.now()
    slots = InterviewSlot.objects.bulk_create(
        InterviewSlot(
            cycle=cycle,
            starts_at=start + dt.timedelta(hours=i),
            ends_at=start + dt.timedelta(hours=i, minutes=30),
        )
        for i in range(2 * n)
    )
    InterviewSlot.panel.through.objects.bulk_create(
        InterviewSlot.panel.through(interviewslot_id=slot.pk, user_id=me.pk) for slot in slots[:n]
    )
    Interview.objects.bulk_create(
        Interview(application=a, slot=slot)
        for a, slot in zip(_applications(2 * n, status=Status.INTERVIEW), slots, strict=True)
    )


def _officer() -> User:
    return f.officer()


def _ministry_hr() -> User:
    return User.objects.create_user(
        username=(name := f"hr{next(_serial)}"),
        email=f"{name}@example.jp",
        password="a-long-test-password",
        role=Role.MINISTRY_HR,
        ministry=f.ministry(),
    )


def _focal_point() -> User:
    return User.objects.create_user(
        username=(name := f"fp{next(_serial)}"),
        email=f"{name}@example.jp",
        password="a-long-test-password",
        role=Role.FOCAL_POINT,
        organization=f.organization("UNDP"),
    )


@dataclass(frozen=True)
class Case:
    url: Callable[[], str]
    add: Callable[[int], Any]  # adds that many rows
    reader: Callable[[], User] = _officer


CASES: dict[str, Case] = {
    "dispatches": Case(lambda: reverse("placement:dispatch_list"), _dispatches),
    "secondments": Case(lambda: reverse("placement:secondment_list"), _secondments),
    "alumni": Case(lambda: reverse("placement:alumni"), _alumni),
    "ranking": Case(lambda: reverse("selection:ranking", args=[2024]), _under_review),
    "ranking with a cut-off and a filter": Case(
        lambda: reverse("selection:ranking", args=[2024]) + "?cutoff=5&q=L-&", _under_review
    ),
    "final list": Case(lambda: reverse("selection:final", args=[2024]), _final),
    "e-mails sent": Case(lambda: reverse("selection:notifications", args=[2024]), _notifications),
    "duplicates": Case(lambda: reverse("portal:officer_duplicates"), _duplicates),
    "reviewers": Case(lambda: reverse("selection:reviews", args=[2024]), _reviewers),
    "stage two": Case(lambda: reverse("selection:stage_two", args=[2024]), _stage_two),
    "my reviews (reviewer)": Case(lambda: reverse("selection:my_reviews"), _my_reviews, _reviewer),
    "my interviews (reviewer)": Case(lambda: reverse("selection:my_interviews"), _my_interviews, _reviewer),
    "posts": Case(lambda: reverse("placement:post_list") + "?cycle=2024&", _posts),
    "posts (focal point)": Case(
        lambda: reverse("placement:post_list") + "?cycle=2024&", _posts, _focal_point
    ),
    "forwarded candidates (focal point)": Case(
        lambda: reverse("selection:focal_candidates"), _forwarded, _focal_point
    ),
    "endorsements (ministry HR)": Case(
        lambda: reverse("portal:ministry_endorsements"), _endorsements, _ministry_hr
    ),
    "secondments (ministry HR)": Case(
        lambda: reverse("placement:secondment_list"), _secondments, _ministry_hr
    ),
}


def _read(client: Client, url: str) -> tuple[int, int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), len(response.content), response.content.decode()


def _client(case: Case) -> Client:
    f.cycle(2024)
    client = Client()
    client.force_login(case.reader())
    client.cookies["jpo_language"] = "en"
    return client


def _url(case: Case, query: str) -> str:
    url = case.url()
    return url + ("" if url.endswith("&") else "?") + query


@pytest.mark.parametrize("name", list(CASES))
def test_a_list_costs_the_same_queries_at_10_and_1000_rows(name: str) -> None:
    case = CASES[name]
    client = _client(case)
    url = _url(case, "size=50")
    case.add(10)
    _read(client, url)  # warm the caches (session, content types)
    queries_10, _, page = _read(client, url)
    lists = page.count('class="pager-total"')
    assert page.count("Rows 1–10 of 10") == lists >= 1
    case.add(990)
    queries_1000, _, page = _read(client, url)
    assert queries_1000 == queries_10, name
    assert page.count("Rows 1–50 of 1,000") == lists  # the total, and one page of rows (of every list)
    assert 'aria-sort="' in page  # the sorted column's header
    sorted_page = _read(client, url + "&sort=-" + _first_sort_key(page))[2]
    assert "Rows 1–50 of 1,000" in sorted_page


def _first_sort_key(page: str) -> str:
    """The key of a sort link of the page's table head."""
    found = re.search(r"sort=-?(\w+)", page[page.index("<thead>") :])
    assert found is not None
    return found.group(1)


def test_no_list_grows_in_bytes_beyond_a_page() -> None:
    """60 rows or 600 rows: either way one page of 50 is sent, so the weight stays within a few percent."""
    grown = []
    for name, case in CASES.items():
        if "(" in name and name.split(" (")[0] in CASES:
            continue  # the same page as another reader: measured once
        client = _client(case)
        url = _url(case, "")
        case.add(60)
        _read(client, url)
        small = _read(client, url)[1]
        case.add(540)
        large = _read(client, url)[1]
        grown.append((name, small, large))
    assert all(large < small * 1.05 for _name, small, large in grown), grown

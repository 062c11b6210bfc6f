"""The ministry's endorsement of a civil servant's application: the HR officer's decision (service),
the pages (scoping to the officer's own ministry, query counts) and what the officer and applicant see.

Data is built through the real services: a civil servant signs up, fills in and submits, which
creates the endorsement request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from jpo.accounts.models import AuditEvent, Role, User
from jpo.applications import services
from jpo.applications.models import EndorsementRequest, EndorsementStatus
from jpo.applications.tests.conftest import Clock, fill_eligible, jst
from jpo.programme.models import Cycle, Ministry

pytestmark = pytest.mark.django_db

LIST = "/portal/ministry/endorsements/"


def detail(endorsement: EndorsementRequest) -> str:
    return f"/portal/ministry/endorsements/{endorsement.pk}/"


@pytest.fixture
def mlit(db: Any) -> Ministry:
    return Ministry.objects.create(code="mlit", name_en="Ministry of Land", name_ja="国土交通省")


@pytest.fixture
def meti(db: Any) -> Ministry:
    return Ministry.objects.create(code="meti", name_en="Ministry of Economy", name_ja="経済産業省")


@pytest.fixture
def civil_servant(
    clock: Clock, cycle: Cycle, signup: Callable[..., User], django_capture_on_commit_callbacks: Any
) -> Callable[..., EndorsementRequest]:
    """A civil servant of `ministry` submits an eligible application: the real path to a request."""

    def _make(ministry: Ministry, *, language: str = "en") -> EndorsementRequest:
        user = signup(language=language)
        application = services.application_start(user=user, cycle=cycle, now=clock.now)
        fill_eligible(application, user, clock.now)
        services.application_service_save(
            application=application,
            data={
                "is_civil_servant": True,
                "ministry": ministry,
                "civil_servant_position": "Section chief",
                "former_jpo": False,
                "international_organization_staff": False,
                "prior_service_details": "",
            },
            now=clock.now,
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.application_submit(application=application, actor=user, language=language, now=clock.now)
        return EndorsementRequest.objects.get(application=application)

    return _make


@pytest.fixture
def hr(make_user: Any, mlit: Ministry) -> User:
    return make_user(Role.MINISTRY_HR, ministry=mlit, first_name="Taro", last_name="Jinji")


def decide(endorsement: EndorsementRequest, actor: User, clock: Clock, capture: Any, **kwargs: Any) -> Any:
    with capture(execute=True):
        return services.endorsement_decide(endorsement=endorsement, actor=actor, now=clock.now, **kwargs)


# --- Service ----------------------------------------------------------------------------------------


def test_endorse_records_decision_audit_and_tells_the_applicant(
    clock: Clock, civil_servant: Any, hr: User, mlit: Ministry, django_capture_on_commit_callbacks: Any
) -> None:
    endorsement = civil_servant(mlit)
    mail.outbox.clear()
    clock.set(jst(2026, 2, 12, 9, 30))
    decide(endorsement, hr, clock, django_capture_on_commit_callbacks, decision="endorsed")
    endorsement.refresh_from_db()
    assert endorsement.status == EndorsementStatus.ENDORSED
    assert endorsement.decided_by == hr
    assert endorsement.decided_at == jst(2026, 2, 12, 9, 30)
    event = AuditEvent.objects.get(action="endorsement.endorsed")
    assert event.actor == hr
    assert event.target_id == str(endorsement.application_id)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [endorsement.application.applicant.user.email]
    assert "endorsed" in message.subject.lower()
    assert "Decision: endorsed." in str(message.body)
    assert "Ministry of Land" in str(message.body)


def test_decline_needs_a_reason_and_the_reason_reaches_the_applicant(
    clock: Clock, civil_servant: Any, hr: User, mlit: Ministry, django_capture_on_commit_callbacks: Any
) -> None:
    endorsement = civil_servant(mlit)
    mail.outbox.clear()
    with pytest.raises(services.EndorsementError) as error:
        decide(endorsement, hr, clock, django_capture_on_commit_callbacks, decision="declined", reason="  ")
    assert error.value.field == "reason"
    endorsement.refresh_from_db()
    assert endorsement.status == EndorsementStatus.REQUESTED
    assert not AuditEvent.objects.filter(action__startswith="endorsement.").exists()
    assert mail.outbox == []

    decide(
        endorsement,
        hr,
        clock,
        django_capture_on_commit_callbacks,
        decision="declined",
        reason="Needed for the Diet session this year.",
    )
    endorsement.refresh_from_db()
    assert endorsement.status == EndorsementStatus.DECLINED
    assert endorsement.reason == "Needed for the Diet session this year."
    assert AuditEvent.objects.get(action="endorsement.declined").data["reason"] == endorsement.reason
    assert "Needed for the Diet session this year." in str(mail.outbox[0].body)


def test_a_second_decision_is_refused_and_nothing_is_written(
    clock: Clock,
    civil_servant: Any,
    hr: User,
    make_user: Any,
    mlit: Ministry,
    django_capture_on_commit_callbacks: Any,
) -> None:
    endorsement = civil_servant(mlit)
    stale = EndorsementRequest.objects.get(pk=endorsement.pk)  # a page read before the first decision
    decide(endorsement, hr, clock, django_capture_on_commit_callbacks, decision="endorsed")
    mail.outbox.clear()
    colleague = make_user(Role.MINISTRY_HR, ministry=mlit)
    clock.set(jst(2026, 2, 13))
    with translation.override("en"), pytest.raises(services.EndorsementError) as error:
        decide(stale, colleague, clock, django_capture_on_commit_callbacks, decision="declined", reason="no")
    assert error.value.already_decided
    assert "already decided" in error.value.message
    endorsement.refresh_from_db()
    assert (endorsement.status, endorsement.decided_by, endorsement.reason) == ("endorsed", hr, "")
    assert AuditEvent.objects.filter(action__startswith="endorsement.").count() == 1
    assert mail.outbox == []


def test_an_officer_of_another_ministry_cannot_decide(
    clock: Clock,
    civil_servant: Any,
    make_user: Any,
    mlit: Ministry,
    meti: Ministry,
    django_capture_on_commit_callbacks: Any,
) -> None:
    endorsement = civil_servant(mlit)
    other = make_user(Role.MINISTRY_HR, ministry=meti)
    with pytest.raises(services.EndorsementError):
        decide(endorsement, other, clock, django_capture_on_commit_callbacks, decision="endorsed")
    endorsement.refresh_from_db()
    assert endorsement.status == EndorsementStatus.REQUESTED


def test_the_applicant_is_written_to_in_their_preferred_language(
    clock: Clock, civil_servant: Any, hr: User, mlit: Ministry, django_capture_on_commit_callbacks: Any
) -> None:
    endorsement = civil_servant(mlit, language="ja")
    mail.outbox.clear()
    # The officer works in English; the applicant chose Japanese.
    with translation.override("en"):
        decide(
            endorsement, hr, clock, django_capture_on_commit_callbacks, decision="declined", reason="人員不足"
        )
    message = mail.outbox[0]
    assert "所属府省庁の推薦" in message.subject
    assert "国土交通省" in str(message.body)
    assert "人員不足" in str(message.body)
    assert "Decision" not in str(message.body)


# --- Pages ------------------------------------------------------------------------------------------


def list_queries(client: Client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(LIST)
    assert response.status_code == 200
    return len(context.captured_queries), response.content.decode()


def test_list_shows_only_own_ministry_pending_first_with_constant_queries(
    clock: Clock,
    civil_servant: Any,
    hr: User,
    make_user: Any,
    mlit: Ministry,
    meti: Ministry,
    client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    first = civil_servant(mlit)
    civil_servant(mlit)
    foreign = civil_servant(meti)
    decide(first, hr, clock, django_capture_on_commit_callbacks, decision="endorsed")
    client.force_login(hr)
    few, page = list_queries(client)
    assert page.count('class="endorsement-status"') == 2
    assert str(foreign.application.applicant) not in page
    # Pending first, then decided.
    pending_at = page.index("<strong>Requested</strong>")
    assert pending_at < page.index(str(first.application.applicant))
    for _ in range(18):
        civil_servant(mlit)
    many, page = list_queries(client)
    assert page.count('class="endorsement-status"') == 20
    assert many == few
    assert "FY2026" in page or first.application.cycle.code in page


def test_detail_of_another_ministry_is_not_found(
    civil_servant: Any, hr: User, meti: Ministry, client: Client
) -> None:
    foreign = civil_servant(meti)
    client.force_login(hr)
    assert client.get(detail(foreign)).status_code == 404
    assert client.post(detail(foreign), {"decision": "endorsed"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == EndorsementStatus.REQUESTED


def test_other_roles_are_refused_and_anonymous_visitors_sent_to_login(
    civil_servant: Any, mlit: Ministry, make_user: Any, signup: Any, client: Client
) -> None:
    endorsement = civil_servant(mlit)
    assert client.get(LIST).status_code == 302
    assert "/accounts/login/" in client.get(detail(endorsement))["Location"]
    for user in [make_user(Role.OFFICER), make_user(Role.REVIEWER), make_user(Role.ANALYST), signup()]:
        client.force_login(user)
        assert client.get(LIST).status_code == 403
        assert client.post(detail(endorsement), {"decision": "endorsed"}).status_code == 403
    endorsement.refresh_from_db()
    assert endorsement.status == EndorsementStatus.REQUESTED


def test_endorse_through_the_page_and_a_second_post_gets_409(
    civil_servant: Any, hr: User, mlit: Ministry, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    endorsement = civil_servant(mlit)
    mail.outbox.clear()
    client.force_login(hr)
    page = client.get(detail(endorsement)).content.decode()
    assert str(endorsement.application.applicant) in page and "Section chief" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(detail(endorsement), {"decision": "endorsed"})
    assert response.status_code == 302 and response["Location"] == LIST
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(detail(endorsement), {"decision": "declined", "reason": "changed my mind"})
    assert again.status_code == 409
    assert "already decided" in again.content.decode()
    endorsement.refresh_from_db()
    assert endorsement.status == EndorsementStatus.ENDORSED and endorsement.reason == ""
    assert len(mail.outbox) == 1


def test_declining_without_a_reason_on_the_page_names_the_field(
    civil_servant: Any, hr: User, mlit: Ministry, client: Client
) -> None:
    endorsement = civil_servant(mlit)
    client.force_login(hr)
    response = client.post(detail(endorsement), {"decision": "declined", "reason": ""})
    assert response.status_code == 400
    assert "Write the reason for declining the endorsement." in response.content.decode()
    assert 'href="#id_reason"' in response.content.decode()
    endorsement.refresh_from_db()
    assert endorsement.status == EndorsementStatus.REQUESTED
    bogus = client.post(detail(endorsement), {"decision": "maybe"})
    assert bogus.status_code == 400


def test_officer_and_applicant_see_the_endorsement_state(
    clock: Clock,
    civil_servant: Any,
    hr: User,
    mlit: Ministry,
    make_user: Any,
    client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    endorsement = civil_servant(mlit)
    status_url = f"/portal/applications/{endorsement.application_id}/"
    officer = make_user(Role.OFFICER)
    client.force_login(officer)
    assert "Requested" in client.get(status_url).content.decode()
    decide(
        endorsement,
        hr,
        clock,
        django_capture_on_commit_callbacks,
        decision="declined",
        reason="Short-staffed",
    )
    for user in [officer, endorsement.application.applicant.user]:
        client.force_login(user)
        page = client.get(status_url).content.decode()
        assert 'id="endorsement"' in page
        assert "Declined" in page and "Short-staffed" in page
    client.force_login(officer)
    needs_review = client.get("/portal/officer/needs-review/").content.decode()
    assert "Declined" in needs_review


def test_navigation_offers_the_list_to_ministry_hr_only(hr: User, make_user: Any, client: Client) -> None:
    client.force_login(hr)
    assert f'href="{LIST}"' in client.get("/").content.decode()
    client.force_login(make_user(Role.OFFICER))
    assert f'href="{LIST}"' not in client.get("/").content.decode()


# --- In a real browser ------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_ministry_hr_officer_logs_in_and_endorses(
    page: Any, clock: Clock, civil_servant: Any, make_user: Any, mlit: Ministry
) -> None:
    endorsement = civil_servant(mlit)
    mail.outbox.clear()
    officer = make_user(Role.MINISTRY_HR, ministry=mlit)
    page.goto("/accounts/login/")
    page.fill("#id_username", officer.username)
    page.fill("#id_password", "a-long-test-password")
    page.locator("#main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/login" not in url)
    page.locator(f"nav a[href='{LIST}']").first.click()
    page.wait_for_url(f"**{LIST}")
    page.locator(f"#endorsements a[href='{detail(endorsement)}']").click()
    page.wait_for_url(f"**{detail(endorsement)}")
    page.locator("#decision-form button[value=endorsed]").click()
    page.wait_for_url(f"**{LIST}")
    page.wait_for_selector(".messages")
    endorsement.refresh_from_db()
    assert endorsement.status == EndorsementStatus.ENDORSED
    assert endorsement.decided_by == officer
    assert len(mail.outbox) == 1
    # The decided request no longer offers the buttons.
    page.goto(detail(endorsement))
    assert page.locator("#decision-form").count() == 0


# --- Drafts stay private until submission -----------------------------------------------------------


def test_ministry_hr_cannot_read_a_civil_servants_draft_or_its_documents(
    clock: Clock, cycle: Cycle, signup: Callable[..., User], mlit: Ministry, hr: User, client: Client
) -> None:
    """Before submission the draft is the applicant's alone: the page and every document answer 404 to
    their ministry's HR officer; after submission both open."""
    user = signup()
    application = services.application_start(user=user, cycle=cycle, now=clock.now)
    fill_eligible(application, user, clock.now)
    services.application_service_save(
        application=application,
        data={
            "is_civil_servant": True,
            "ministry": mlit,
            "civil_servant_position": "Section chief",
            "former_jpo": False,
            "international_organization_staff": False,
            "prior_service_details": "",
        },
        now=clock.now,
    )
    document = application.documents.first()
    assert document is not None
    client.force_login(hr)
    assert client.get(f"/portal/applications/{application.pk}/").status_code == 404
    assert client.get(f"/portal/documents/{document.public_id}/").status_code == 404
    services.application_submit(application=application, actor=user, language="en", now=clock.now)
    assert client.get(f"/portal/applications/{application.pk}/").status_code == 200
    assert client.get(f"/portal/documents/{document.public_id}/").status_code == 200

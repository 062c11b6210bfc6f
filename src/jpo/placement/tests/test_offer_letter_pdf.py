"""The offer letter as a PDF (attached to the candidate's letter, downloaded by those who see the offer)
and the withdrawal of a confirmed offer by the programme office."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pypdf import PdfReader

from jpo.accounts.models import AuditEvent, Role
from jpo.applications.workflow import Status
from jpo.outbox.models import Email, EmailAttachment
from jpo.placement.models import Offer, OfferStatus
from jpo.placement.services.dispatches import dispatch_create
from jpo.placement.services.offers import offer_transition, offer_withdraw
from jpo.placement.tests import factories as f
from jpo.placement.tests.test_offers import TOR, _sent
from jpo.programme.models import PostStatus

pytestmark = pytest.mark.django_db


def _text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_candidates_letter_carries_the_pdf_in_their_language(make_user) -> None:
    _officer, post, offer, _reserve, (focal, _other) = _sent(make_user)
    candidate = offer.application.applicant.user
    letter = Email.objects.get(recipient=candidate.email, kind="placement.offer_letter")
    [attachment] = EmailAttachment.objects.filter(email=letter)
    assert attachment.content_type == "application/pdf" and attachment.filename.endswith(".pdf")
    text = _text(bytes(attachment.content))
    applicant = offer.application.applicant
    for stated in (
        applicant.family_name,
        applicant.given_name,
        post.title,
        "Nairobi",
        TOR,
        offer.respond_by.isoformat(),
        offer.start_date.isoformat(),
    ):
        assert stated in text
    assert "PDF" in letter.body
    # The focal points' notices carry no letter (nor the terms of reference).
    assert not EmailAttachment.objects.filter(email__recipient=focal.email).exists()


def test_the_pdf_follows_the_recipients_language(make_user) -> None:
    officer = f.officer()
    cycle = f.cycle(2024)
    undp = f.organization("UNDP")
    f.post(actor=officer, cycle_row=cycle, org=undp, duty_station="Nairobi")
    user = make_user(Role.APPLICANT, preferred_language="ja")
    f.candidate(cycle_row=cycle, preferences=[undp], actor=officer, user=user)
    from jpo.placement.services.matching import match_run_create, match_run_send

    match_run_send(actor=officer, run=match_run_create(actor=officer, cycle=cycle))
    attachment = EmailAttachment.objects.get(email__recipient=user.email)
    text = _text(bytes(attachment.content))
    assert "回答期限" in text and "勤務地" in text and "Answer by" not in text


def test_who_may_download_the_pdf(client, make_user) -> None:
    officer, post, offer, reserve, (focal, _other) = _sent(make_user)
    url = reverse("placement:offer_letter_pdf", args=[offer.pk])
    for user in (offer.application.applicant.user, focal, officer):
        client.force_login(user)
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        text = _text(response.content)
        assert post.title in text and offer.application.applicant.family_name in text
        assert "Answer by" in text
    letter = client.get(reverse("placement:offer_letter", args=[offer.pk])).content.decode()
    assert url in letter
    stranger_focal = make_user(Role.FOCAL_POINT, organization=f.organization("WFP"))
    for user in (reserve.applicant.user, stranger_focal, make_user(Role.REVIEWER)):
        client.force_login(user)
        assert client.get(url).status_code in (403, 404)
    client.logout()
    assert client.get(url).status_code == 302  # to the log-in page


# -- withdrawing a confirmed offer -------------------------------------------------------------------


def _confirmed(make_user):
    officer, post, offer, reserve, focal_points = _sent(make_user)
    offer_transition(actor=offer.application.applicant.user, offer=offer, to=OfferStatus.ACCEPTED)
    offer_transition(actor=focal_points[0], offer=offer, to=OfferStatus.CONFIRMED)
    offer.refresh_from_db()
    post.refresh_from_db()
    assert offer.status == OfferStatus.CONFIRMED and post.status == PostStatus.FILLED
    return officer, post, offer, reserve, focal_points


def test_the_officer_withdraws_a_confirmed_offer_with_a_reason(make_user) -> None:
    officer, post, offer, reserve, focal_points = _confirmed(make_user)
    candidate = offer.application.applicant.user
    with pytest.raises(PermissionDenied):
        offer_withdraw(actor=focal_points[0], offer=offer, reason="no")
    with pytest.raises(PermissionDenied):
        offer_withdraw(actor=candidate, offer=offer, reason="no")
    with pytest.raises(ValidationError, match="reason"):
        offer_withdraw(actor=officer, offer=offer, reason="  ")
    offer.refresh_from_db()
    assert offer.status == OfferStatus.CONFIRMED
    Email.objects.all().delete()

    result = offer_withdraw(actor=officer, offer=offer, reason="Security situation at the duty station")

    offer.refresh_from_db()
    post.refresh_from_db()
    offer.application.refresh_from_db()
    assert offer.status == OfferStatus.WITHDRAWN and "Security" in offer.reason
    assert post.status == PostStatus.APPROVED  # open again
    assert offer.application.status == Status.RECOMMENDED  # back where the candidate stood
    audit = AuditEvent.objects.get(
        action="placement.offer_transition", target_id=str(offer.pk), data__to="withdrawn"
    )
    assert audit.actor == officer and audit.data["from"] == "confirmed"
    # The next of the reserve list is offered, as after a lapse.
    [new] = result.reoffered
    assert (new.application, new.post, new.from_reserve, new.status) == (reserve, post, True, "pending")
    # One message per recipient: the candidate and each focal point are told, with the reason.
    [told] = Email.objects.filter(recipient=candidate.email)
    assert "Security situation" in told.body and "撤回" in told.body  # in the candidate's language
    for user in focal_points:
        [told] = Email.objects.filter(recipient=user.email, body__contains="Security situation")
        assert "撤回" in told.subject and candidate.email not in told.body
    assert Email.objects.filter(
        recipient=reserve.applicant.user.email, kind="placement.offer_letter"
    ).exists()


def test_the_withdrawal_through_the_page_and_its_history(client, make_user) -> None:
    officer, _post, offer, _reserve, (focal, _other) = _confirmed(make_user)
    url = reverse("placement:offer_withdraw", args=[offer.pk])
    client.force_login(focal)
    assert client.post(url, {"reason": "x"}).status_code == 403
    client.force_login(officer)
    letter = reverse("placement:offer_letter", args=[offer.pk])
    assert 'id="withdraw"' in client.get(letter, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    response = client.post(url, {"reason": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "Give the reason" in response.content.decode()
    offer.refresh_from_db()
    assert offer.status == OfferStatus.CONFIRMED
    response = client.post(url, {"reason": "The organization cancelled the post"})
    assert response.status_code == 302
    page = client.get(letter, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The organization cancelled the post" in page and "Withdrawn by the programme office" in page
    assert 'id="withdraw"' not in page  # nothing left to withdraw
    client.force_login(focal)
    assert "The organization cancelled the post" in client.get(letter).content.decode()


def test_no_withdrawal_once_the_dispatch_is_recorded(make_user) -> None:
    officer, _post, offer, _reserve, _focal = _confirmed(make_user)
    dispatch_create(actor=officer, offer=offer, start_date=offer.start_date)
    with pytest.raises(ValidationError, match="dispatch"):
        offer_withdraw(actor=officer, offer=offer, reason="too late")
    assert Offer.objects.get(pk=offer.pk).status == OfferStatus.CONFIRMED

"""Offers as letters: one message per recipient, the candidate's acceptance then the organization's
confirmation, the deadline that lapses an offer and hands the post to the reserve list, the letter page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from jpo.accounts.models import AuditEvent, Role
from jpo.applications.workflow import Status
from jpo.outbox.models import Email
from jpo.placement.models import Offer, OfferStatus, PairKind
from jpo.placement.services.dates import today_in_tokyo
from jpo.placement.services.dispatches import dispatch_create
from jpo.placement.services.matching import match_run_create, match_run_send
from jpo.placement.services.offers import (
    OfferTerms,
    offer_from_reserve,
    offer_transition,
    offers_lapse_due,
)
from jpo.placement.tests import factories as f
from jpo.programme.models import PostStatus

pytestmark = pytest.mark.django_db

TOR = "Support the country office programme on climate adaptation."


def _sent(make_user, *, respond_in: int = 10):
    """A run with one recommended candidate and one reserve for a UNDP post, sent as letters."""
    officer = f.officer()
    cycle = f.cycle(2024)
    undp = f.organization("UNDP")
    focal_1 = make_user(Role.FOCAL_POINT, organization=undp)
    focal_2 = make_user(Role.FOCAL_POINT, organization=undp)
    post = f.post(actor=officer, cycle_row=cycle, org=undp, duty_station="Nairobi", terms_of_reference=TOR)
    user_a, user_b = make_user(Role.APPLICANT), make_user(Role.APPLICANT)
    f.candidate(cycle_row=cycle, preferences=[undp], actor=officer, user=user_a)
    f.candidate(cycle_row=cycle, preferences=[undp], actor=officer, user=user_b)
    run = match_run_create(actor=officer, cycle=cycle)
    today = today_in_tokyo()
    terms = OfferTerms(
        start_date=today + dt.timedelta(days=90),
        length_months=24,
        respond_by=today + dt.timedelta(days=respond_in),
    )
    Email.objects.all().delete()
    [offer] = match_run_send(actor=officer, run=run, terms=terms)
    reserve = run.pairs.get(kind=PairKind.RESERVE, post=post).application
    return officer, post, offer, reserve, (focal_1, focal_2)


def test_each_recipient_gets_a_message_of_their_own(make_user) -> None:
    _officer, post, offer, _reserve, focal_points = _sent(make_user)
    candidate = offer.application.applicant.user
    emails = list(Email.objects.all())
    recipients = [e.recipient for e in emails]
    assert sorted(recipients) == sorted([candidate.email, *(u.email for u in focal_points)])
    everyone = set(recipients)
    for email in emails:
        # Nobody sees another recipient's address.
        assert not (everyone - {email.recipient}) & set(email.body.split() + email.subject.split())
    letter = Email.objects.get(recipient=candidate.email)
    assert letter.kind == "placement.offer_letter"
    for stated in (TOR, "Nairobi", post.title, offer.respond_by.isoformat(), offer.start_date.isoformat()):
        assert stated in letter.body
    assert "24" in letter.body
    notice = Email.objects.get(recipient=focal_points[0].email)
    assert TOR not in notice.body and str(offer.application.applicant) in notice.body


def test_letters_follow_each_recipients_language(make_user) -> None:
    officer = f.officer()
    cycle = f.cycle(2024)
    undp = f.organization("UNDP")
    make_user(Role.FOCAL_POINT, organization=undp, preferred_language="en")
    post = f.post(actor=officer, cycle_row=cycle, org=undp)
    user = make_user(Role.APPLICANT, preferred_language="ja")
    f.candidate(cycle_row=cycle, preferences=[undp], actor=officer, user=user)
    run = match_run_create(actor=officer, cycle=cycle)
    Email.objects.all().delete()
    with translation.override("en"):
        match_run_send(actor=officer, run=run)
    assert "回答期限" in Email.objects.get(recipient=user.email).body
    assert "accepts" in Email.objects.exclude(recipient=user.email).get().body
    assert post.pk


def test_acceptance_is_not_selection_the_organization_confirms(make_user) -> None:
    officer, post, offer, _reserve, (focal, _other) = _sent(make_user)
    candidate = offer.application.applicant.user
    outsider = make_user(Role.FOCAL_POINT, organization=f.organization("WFP"))
    with pytest.raises(PermissionDenied):
        offer_transition(actor=candidate, offer=offer, to=OfferStatus.CONFIRMED)
    offer_transition(actor=candidate, offer=offer, to=OfferStatus.ACCEPTED)
    offer.refresh_from_db()
    offer.application.refresh_from_db()
    post.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED
    assert offer.application.status == Status.RECOMMENDED  # not selected yet
    assert post.status == PostStatus.APPROVED
    with pytest.raises(ValidationError, match="confirmed by the organization"):
        dispatch_create(actor=officer, offer=offer, start_date=offer.start_date)
    assert Email.objects.filter(recipient=focal.email).count() == 2  # the notice, then "please confirm"
    with pytest.raises(PermissionDenied):
        offer_transition(actor=outsider, offer=offer, to=OfferStatus.CONFIRMED)
    with pytest.raises(PermissionDenied):
        offer_transition(actor=candidate, offer=offer, to=OfferStatus.WITHDRAWN)
    offer_transition(actor=focal, offer=offer, to=OfferStatus.CONFIRMED)
    offer.refresh_from_db()
    offer.application.refresh_from_db()
    post.refresh_from_db()
    assert (offer.status, offer.confirmed_by) == (OfferStatus.CONFIRMED, focal)
    assert offer.application.status == Status.SELECTED
    assert post.status == PostStatus.FILLED
    assert (
        AuditEvent.objects.filter(action="placement.offer_transition", target_id=str(offer.pk)).count() == 2
    )


def test_the_table_refuses_a_confirmation_before_the_acceptance(make_user) -> None:
    officer, _post, offer, _reserve, (focal, _other) = _sent(make_user)
    with pytest.raises(ValidationError, match="cannot move"):
        offer_transition(actor=focal, offer=offer, to=OfferStatus.CONFIRMED)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PENDING
    offer_transition(actor=officer, offer=offer, to=OfferStatus.DECLINED)
    with pytest.raises(ValidationError, match="cannot move"):
        offer_transition(actor=officer, offer=offer, to=OfferStatus.ACCEPTED)


def test_no_answer_after_the_deadline(make_user) -> None:
    _officer, _post, offer, _reserve, _focal = _sent(make_user, respond_in=0)
    candidate = offer.application.applicant.user
    late = offer.respond_by + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="deadline"):
        offer_transition(actor=candidate, offer=offer, to=OfferStatus.ACCEPTED, today=late)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PENDING


def test_an_unanswered_offer_lapses_and_the_reserve_is_offered(make_user) -> None:
    _officer, post, offer, reserve, _focal = _sent(make_user)
    assert offers_lapse_due(today=offer.respond_by).lapsed == []  # the last day still counts
    Email.objects.all().delete()
    after = offer.respond_by + dt.timedelta(days=1)
    result = offers_lapse_due(today=after)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.LAPSED
    [new] = result.reoffered
    assert (new.application, new.post, new.from_reserve) == (reserve, post, True)
    assert new.status == OfferStatus.PENDING
    assert new.respond_by > after and new.start_date == offer.start_date
    assert new.terms_of_reference == TOR
    assert Email.objects.filter(
        recipient=reserve.applicant.user.email, kind="placement.offer_letter"
    ).exists()
    assert Email.objects.filter(recipient=offer.application.applicant.user.email).exists()  # told it lapsed
    # Running again changes nothing (the task may run twice).
    again = offers_lapse_due(today=after)
    assert again.lapsed == [] and Offer.objects.filter(post=post).count() == 2


def test_the_daily_sweep_command_lapses_overdue_offers(make_user, capsys) -> None:
    _officer, _post, offer, reserve, _focal = _sent(make_user)
    Offer.objects.filter(pk=offer.pk).update(respond_by=today_in_tokyo() - dt.timedelta(days=1))
    call_command("placement_reminders", "--now")
    assert "1 offers lapsed" in capsys.readouterr().out
    offer.refresh_from_db()
    assert offer.status == OfferStatus.LAPSED
    assert Offer.objects.get(status=OfferStatus.PENDING).application == reserve


def test_officer_offers_the_reserve_after_a_refusal(make_user) -> None:
    officer, post, offer, reserve, (focal, _other) = _sent(make_user)
    offer_transition(actor=officer, offer=offer, to=OfferStatus.ACCEPTED)
    with pytest.raises(ValidationError, match="declined, refused or lapsed"):
        offer_from_reserve(actor=officer, previous=offer)
    offer_transition(actor=focal, offer=offer, to=OfferStatus.REFUSED, reason="profile")
    new = offer_from_reserve(actor=officer, previous=offer)
    assert (new.application, new.post) == (reserve, post)
    with pytest.raises(PermissionDenied):
        offer_from_reserve(actor=focal, previous=offer)


def test_the_terms_a_letter_cannot_state_are_refused(make_user) -> None:
    officer = f.officer()
    cycle = f.cycle(2024)
    undp = f.organization("UNDP")
    f.post(actor=officer, cycle_row=cycle, org=undp)
    f.candidate(cycle_row=cycle, preferences=[undp], actor=officer)
    run = match_run_create(actor=officer, cycle=cycle)
    today = today_in_tokyo()
    for terms, field in (
        (
            OfferTerms(start_date=None, length_months=24, respond_by=today - dt.timedelta(days=1)),
            "respond_by",
        ),
        (
            OfferTerms(start_date=today, length_months=24, respond_by=today + dt.timedelta(days=5)),
            "start_date",
        ),
        (OfferTerms(start_date=None, length_months=0, respond_by=today), "length_months"),
    ):
        with pytest.raises(ValidationError) as error:
            match_run_send(actor=officer, run=run, terms=terms)
        assert field in error.value.message_dict
    assert not Offer.objects.exists()


# -- pages ----------------------------------------------------------------------------------------


def test_the_candidate_reads_and_prints_the_letter_in_both_languages(client, make_user) -> None:
    _officer, _post, offer, reserve, (focal, _other) = _sent(make_user)
    candidate = offer.application.applicant.user
    client.force_login(candidate)
    url = reverse("placement:offer_letter", args=[offer.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert TOR in page and "Nairobi" in page and offer.respond_by.isoformat() in page
    assert "placement/letter.css" in page and "24 months" in page
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "回答期限" in page and "2024年度" in page
    client.force_login(reserve.applicant.user)
    assert client.get(url).status_code == 404
    client.force_login(focal)
    assert client.get(url).status_code == 200


def test_accept_then_confirm_through_the_pages(client, make_user) -> None:
    _officer, _post, offer, _reserve, (focal, _other) = _sent(make_user)
    candidate = offer.application.applicant.user
    client.force_login(candidate)
    page = client.get(reverse("placement:offer_list")).content.decode()
    assert 'name="response" value="accepted"' in page and 'name="response" value="confirmed"' not in page
    client.post(reverse("placement:offer_respond", args=[offer.pk]), {"response": "accepted"})
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED
    client.force_login(focal)
    page = client.get(reverse("placement:offer_list")).content.decode()
    assert 'name="response" value="confirmed"' in page
    response = client.post(reverse("placement:offer_respond", args=[offer.pk]), {"response": "refused"})
    assert response.status_code == 400  # a refusal gives its reason
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED
    client.post(reverse("placement:offer_respond", args=[offer.pk]), {"response": "confirmed"})
    offer.refresh_from_db()
    assert offer.status == OfferStatus.CONFIRMED


@pytest.mark.parametrize("rows", [10, 1000])
def test_the_offer_list_costs_the_same_at_10_and_1000_rows(
    client, make_user, django_assert_max_num_queries, rows
) -> None:
    officer, post, offer, _reserve, _focal = _sent(make_user)
    Offer.objects.bulk_create(
        Offer(
            application=offer.application, post=post, status=OfferStatus.DECLINED, respond_by=offer.respond_by
        )
        for _ in range(rows)
    )
    client.force_login(officer)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("placement:offer_list") + "?size=200").content.decode()
    assert page.count("/letter/") == min(rows + 1, 200)
    filtered = client.get(reverse("placement:offer_list") + "?status=pending").content.decode()
    assert filtered.count("/letter/") == 1 and f"/placement/offers/{offer.pk}/letter/" in filtered

"""Offers as letters: made with the post's terms and a deadline, answered by the candidate, confirmed by
the organization, lapsed when nobody answers in time, then offered to the next candidate of the reserve.

Every status change goes through `offer_transition` and the table in `jpo.placement.workflow`.
Every recipient gets a message of their own (the candidate the letter, each focal point a notice):
nobody sees another recipient's address.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django_tasks import task

from jpo.accounts import access
from jpo.accounts.links import absolute_url
from jpo.accounts.models import Role, User
from jpo.accounts.services import audit_record
from jpo.applications.models import Application, StatusChange
from jpo.applications.services import application_transition
from jpo.applications.workflow import Status
from jpo.outbox.services import Attachment, email_queue
from jpo.placement import workflow
from jpo.placement.models import OPEN_OFFER_STATUSES, MatchRun, Offer, OfferStatus, PairKind
from jpo.placement.services.dates import TOKYO, today_in_tokyo
from jpo.placement.services.letter import CONTENT_TYPE as LETTER_CONTENT_TYPE
from jpo.placement.services.letter import offer_letter_filename, offer_letter_pdf
from jpo.placement.services.posts import post_fill, post_reopen
from jpo.placement.terms import dispatch_terms, planning_start
from jpo.programme.models import Cycle, Post, PostStatus
from jpo.programme.rules.selectors import effective_rules

# How long a candidate has to answer when the officer does not say: an operational choice of this
# system (no programme rule gives one).
RESPONSE_DAYS = 14
CANDIDATE_STATUSES = (Status.RECOMMENDED, Status.FORWARDED)

DEADLINE_PASSED = gettext_lazy("The deadline to answer this offer (%(date)s) has passed.")


@dataclass(frozen=True)
class OfferTerms:
    """What a letter states besides the post: when the JPO starts, for how long, and the answer deadline."""

    start_date: dt.date | None
    length_months: int | None
    respond_by: dt.date


def offer_terms_default(*, cycle: Cycle, today: dt.date | None = None) -> OfferTerms:
    """The policy's start and length for the cycle (where known) and a deadline `RESPONSE_DAYS` away."""
    rules = effective_rules(cycle)
    years = dispatch_terms(cycle.fiscal_year, rules).years
    respond_by = (today or today_in_tokyo()) + dt.timedelta(days=RESPONSE_DAYS)
    start = planning_start(cycle.fiscal_year, rules)
    return OfferTerms(
        # A planned start that has passed (a late offer) is left to agree with the organization.
        start_date=start if start > respond_by else None,
        length_months=years * 12 if years else None,
        respond_by=respond_by,
    )


def offer_terms_check(terms: OfferTerms, *, today: dt.date) -> None:
    """Refuse terms a letter cannot state: a deadline already past, a start before the deadline."""
    errors: dict[str, list[str]] = {}
    if terms.respond_by < today:
        errors["respond_by"] = [_("The deadline to answer cannot be in the past.")]
    if terms.start_date is not None and terms.start_date <= terms.respond_by:
        errors["start_date"] = [_("The start must come after the deadline to answer.")]
    if terms.length_months is not None and not 1 <= terms.length_months <= 60:
        errors["length_months"] = [_("The length is a number of months from 1 to 60.")]
    if errors:
        raise ValidationError(errors)


def offer_planned_end(offer: Offer) -> dt.date | None:
    """The last day of the length the letter states, from its start (None when either is open)."""
    if offer.start_date is None or offer.length_months is None:
        return None
    months = offer.start_date.month - 1 + offer.length_months
    year, month = offer.start_date.year + months // 12, months % 12 + 1
    day = min(offer.start_date.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day) - dt.timedelta(days=1)


# -- making offers ------------------------------------------------------------------------------------


def offer_make(
    *,
    actor: User | None,
    application: Application,
    post: Post,
    terms: OfferTerms,
    run: MatchRun | None = None,
    from_reserve: bool = False,
) -> Offer:
    """Create one offer with the post's terms copied in; the letters leave when the transaction commits.
    Call inside a transaction that has checked who may make it."""
    offer = Offer.objects.create(
        run=run,
        application=application,
        post=post,
        from_reserve=from_reserve,
        duty_station=post.duty_station,
        terms_of_reference=post.terms_of_reference,
        start_date=terms.start_date,
        length_months=terms.length_months,
        respond_by=terms.respond_by,
    )
    _letters_queue(offer)
    transaction.on_commit(lambda: _schedule_lapse(offer), robust=True)
    return offer


def _schedule_lapse(offer: Offer) -> None:
    """Run the lapse check just after the deadline (Tokyo midnight); the daily sweep is the safety net."""
    if offer.respond_by is None or not lapse_offer.get_backend().supports_defer:
        return
    when = dt.datetime.combine(offer.respond_by + dt.timedelta(days=1), dt.time(0, 5), tzinfo=TOKYO)
    lapse_offer.using(run_after=max(when, timezone.now())).enqueue(offer.pk)


# -- messages: one per recipient, each in its recipient's language --------------------------------


def _candidate(offer: Offer) -> tuple[str, str]:
    applicant = offer.application.applicant
    user = applicant.user
    address = (user.email if user else "") or applicant.email
    return address, (user.preferred_language if user else "") or settings.LANGUAGE_CODE


def _focal_points(offer: Offer) -> list[User]:
    return list(
        User.objects.filter(
            role=Role.FOCAL_POINT, organization_id=offer.post.organization_id, is_active=True
        ).exclude(email="")
    )


def _officers() -> list[User]:
    return list(User.objects.filter(role=Role.OFFICER, is_active=True).exclude(email=""))


def _send(
    *,
    address: str,
    language: str,
    subject: str,
    template: str,
    offer: Offer,
    kind: str,
    with_letter: bool = False,
) -> None:
    """One message; `with_letter`: the offer letter as a PDF attached, in the recipient's language."""
    offers_url = absolute_url(reverse("placement:offer_list"))
    with translation.override(language):
        context = {
            "offer": offer,
            "letter_url": absolute_url(reverse("placement:offer_letter", args=[offer.pk])),
            "offers_url": offers_url,
            "with_letter": with_letter,
        }
        body = render_to_string(template, context)
        subject = _(subject) % {"post": offer.post, "who": offer.application.applicant}
    attachments = []
    if with_letter:
        pdf = offer_letter_pdf(offer, language=language, offers_url=offers_url)
        attachments.append(Attachment(offer_letter_filename(offer), pdf, LETTER_CONTENT_TYPE))
    email_queue(recipients=[address], subject=subject, body=body, kind=kind, attachments=attachments)


def _to_candidate(offer: Offer, subject: str, template: str, kind: str, *, with_letter: bool = False) -> None:
    address, language = _candidate(offer)
    if address:
        _send(
            address=address,
            language=language,
            subject=subject,
            template=template,
            offer=offer,
            kind=kind,
            with_letter=with_letter,
        )


def _to_users(users: list[User], offer: Offer, subject: str, template: str, kind: str) -> None:
    for user in users:
        _send(
            address=user.email,
            language=user.preferred_language or settings.LANGUAGE_CODE,
            subject=subject,
            template=template,
            offer=offer,
            kind=kind,
        )


# Subjects, translated in each recipient's language by `_send`.
SUBJECT_LETTER = gettext_noop("JPO offer: %(post)s")
SUBJECT_MADE = gettext_noop("JPO offer made to %(who)s: %(post)s")
SUBJECT_CONFIRM = gettext_noop("Please confirm: %(who)s accepted %(post)s")
SUBJECT_ANSWERED = gettext_noop("JPO offer of %(post)s to %(who)s: answered")
SUBJECT_CONFIRMED = gettext_noop("JPO offer of %(post)s confirmed by the organization")
SUBJECT_CLOSED = gettext_noop("JPO offer of %(post)s closed")
SUBJECT_WITHDRAWN = gettext_noop("JPO offer of %(post)s to %(who)s withdrawn")


def _letters_queue(offer: Offer) -> None:
    _to_candidate(
        offer, SUBJECT_LETTER, "placement/email/offer_letter.txt", "placement.offer_letter", with_letter=True
    )
    _to_users(_focal_points(offer), offer, SUBJECT_MADE, "placement/email/offer_made.txt", "placement.offer")


def _answer_notices(offer: Offer) -> None:
    status = offer.status
    if status == OfferStatus.ACCEPTED:
        _to_users(
            _focal_points(offer),
            offer,
            SUBJECT_CONFIRM,
            "placement/email/offer_accepted.txt",
            "placement.offer",
        )
    elif status == OfferStatus.CONFIRMED:
        _to_candidate(offer, SUBJECT_CONFIRMED, "placement/email/offer_confirmed.txt", "placement.offer")
    elif status in (OfferStatus.REFUSED, OfferStatus.WITHDRAWN, OfferStatus.LAPSED):
        _to_candidate(offer, SUBJECT_CLOSED, "placement/email/offer_closed.txt", "placement.offer")
    if status in workflow.REOFFERABLE or status == OfferStatus.CONFIRMED:
        targets = _officers() + (_focal_points(offer) if status != OfferStatus.REFUSED else [])
        subject = SUBJECT_WITHDRAWN if status == OfferStatus.WITHDRAWN else SUBJECT_ANSWERED
        _to_users(targets, offer, subject, "placement/email/offer_answered.txt", "placement.offer")


# -- the one transition function ------------------------------------------------------------------


def _may(actor: User | None, offer: Offer, to: str) -> bool:
    side = workflow.SIDE.get(to)
    if side == workflow.SYSTEM:
        return actor is None
    if actor is None or not actor.is_authenticated:
        return False
    if access.is_officer(actor):
        return True
    if side == workflow.CANDIDATE:
        return offer.application.applicant.user_id == actor.pk
    if side == workflow.ORGANIZATION:
        return access.is_focal_point(actor) and actor.organization_id == offer.post.organization_id
    return False


def offer_transition(
    *, offer: Offer, to: str, actor: User | None, reason: str = "", today: dt.date | None = None
) -> Offer:
    """Move an offer along the table, with who may do it, the deadline, the audit and the messages.

    `actor` None is the system (only the deadline sweep, which lapses offers)."""
    if to not in workflow.SIDE:
        raise ValidationError({"response": [_("Unknown response.")]})
    offer = Offer.objects.select_related("post__organization", "application__applicant__user").get(
        pk=offer.pk
    )
    if not _may(actor, offer, to):
        raise PermissionDenied
    today = today or today_in_tokyo()
    with transaction.atomic():
        offer = (
            Offer.objects.select_for_update(of=("self",))
            .select_related("post__organization", "post__cycle", "application__applicant__user")
            .get(pk=offer.pk)
        )
        if to not in workflow.TRANSITIONS[offer.status]:
            raise ValidationError(
                _("This offer cannot move from “%(from)s” to “%(to)s”.")
                % {"from": offer.get_status_display(), "to": OfferStatus(to).label}
            )
        side = workflow.SIDE[to]
        if side == workflow.CANDIDATE and offer.respond_by is not None and today > offer.respond_by:
            raise ValidationError(DEADLINE_PASSED % {"date": offer.respond_by.isoformat()})
        if to == OfferStatus.LAPSED and (offer.respond_by is None or today <= offer.respond_by):
            raise ValidationError(_("This offer's deadline has not passed."))
        previous = offer.status
        if previous == OfferStatus.CONFIRMED:
            _confirmed_withdrawal_undo(offer=offer, actor=actor, reason=reason)
        now = timezone.now()
        offer.status = to
        offer.reason = reason
        fields = ["status", "reason"]
        if side == workflow.ORGANIZATION:
            offer.confirmed_at, offer.confirmed_by = now, actor
            fields += ["confirmed_at", "confirmed_by"]
        else:
            offer.responded_at, offer.responded_by = now, actor
            fields += ["responded_at", "responded_by"]
        offer.save(update_fields=fields)
        if to == OfferStatus.CONFIRMED:
            # The organization's confirmation, not the candidate's acceptance, selects the candidate.
            application = offer.application
            if application.status != Status.SELECTED:
                application_transition(
                    application=application,
                    to=Status.SELECTED,
                    actor=actor,
                    reason=_("The organization confirmed the offer of %(post)s") % {"post": offer.post},
                )
            post_fill(actor=actor, post=offer.post)
        audit_record(
            actor=actor,
            action="placement.offer_transition",
            target=offer,
            data={"from": previous, "to": to, "reason": reason},
        )
        _answer_notices(offer)
    return offer


WITHDRAWAL_REASON_NEEDED = gettext_lazy("Give the reason for withdrawing a confirmed offer.")


def _confirmed_withdrawal_undo(*, offer: Offer, actor: User | None, reason: str) -> None:
    """Undo what the organization's confirmation did: the post is approved again and the candidate goes
    back to the status they had before it (recommended or forwarded), each recorded with the reason.
    Refused once the dispatch is recorded (the JPO is then placed; the dispatch is corrected instead)."""
    if not reason.strip():
        raise ValidationError({"reason": [str(WITHDRAWAL_REASON_NEEDED)]})
    if hasattr(offer, "dispatch"):
        raise ValidationError(
            _(
                "The dispatch of this offer is recorded: correct the dispatch instead of withdrawing the offer."
            )
        )
    why = _("Confirmed offer of %(post)s withdrawn: %(reason)s") % {"post": offer.post, "reason": reason}
    if offer.post.status == PostStatus.FILLED:
        post_reopen(actor=actor, post=offer.post, reason=why)
    application = offer.application
    if application.status == Status.SELECTED:
        selected = (
            StatusChange.objects.filter(application=application, to_status=Status.SELECTED)
            .order_by("-at", "-pk")
            .first()
        )
        before = selected.from_status if selected is not None else ""
        if before in CANDIDATE_STATUSES:
            application_transition(
                application=application, to=before, actor=actor, reason=why, correction=True
            )


def offer_withdraw(*, actor: User, offer: Offer, reason: str, today: dt.date | None = None) -> LapseResult:
    """The programme office withdraws an offer (a confirmed one only with a reason); when it was
    confirmed, the post goes to the next free candidate of the reserve list, as after a lapse."""
    if not access.is_officer(actor):
        raise PermissionDenied
    today = today or today_in_tokyo()
    result = LapseResult()
    with transaction.atomic():
        was_confirmed = Offer.objects.filter(pk=offer.pk, status=OfferStatus.CONFIRMED).exists()
        withdrawn = offer_transition(
            offer=offer, to=OfferStatus.WITHDRAWN, actor=actor, reason=reason, today=today
        )
        result.lapsed.append(withdrawn)
        if was_confirmed:
            withdrawn = Offer.objects.select_related("run", "post__organization").get(pk=withdrawn.pk)
            reserve = _next_from_reserve(previous=withdrawn, actor=actor, today=today)
            if reserve is not None:
                result.reoffered.append(reserve)
    return result


# -- the reserve list -----------------------------------------------------------------------------


def _next_from_reserve(*, previous: Offer, actor: User | None, today: dt.date) -> Offer | None:
    """Offer `previous`'s post to the best reserve candidate still free, on the same terms with a new
    deadline; None when the reserve list is exhausted. Call inside a transaction."""
    run, post = previous.run, previous.post
    if run is None or Offer.objects.filter(post=post, status__in=OPEN_OFFER_STATUSES).exists():
        return None
    tried = set(Offer.objects.filter(post=post).values_list("application_id", flat=True))
    busy = set(
        Offer.objects.filter(status__in=OPEN_OFFER_STATUSES, application__cycle_id=run.cycle_id).values_list(
            "application_id", flat=True
        )
    )
    pairs = (
        run.pairs.filter(kind=PairKind.RESERVE, post=post)
        .select_related("application__applicant__user")
        .order_by("reserve_rank")
    )
    for pair in pairs:
        application = pair.application
        if (
            application.pk in tried
            or application.pk in busy
            or application.status not in CANDIDATE_STATUSES
            or hasattr(application, "dispatch")
        ):
            continue
        terms = OfferTerms(
            start_date=previous.start_date,
            length_months=previous.length_months,
            respond_by=today + dt.timedelta(days=RESPONSE_DAYS),
        )
        offer = offer_make(
            actor=actor, application=application, post=post, terms=terms, run=run, from_reserve=True
        )
        audit_record(
            actor=actor,
            action="placement.offer_reserve",
            target=offer,
            data={"reserve_rank": pair.reserve_rank, "after": previous.pk},
        )
        return offer
    return None


def offer_from_reserve(*, actor: User, previous: Offer, today: dt.date | None = None) -> Offer:
    """The officer offers the post of a declined, refused, lapsed or withdrawn offer to the next reserve."""
    if not access.is_officer(actor):
        raise PermissionDenied
    today = today or today_in_tokyo()
    with transaction.atomic():
        previous = Offer.objects.select_related("run", "post").get(pk=previous.pk)
        if previous.run is None or previous.status not in workflow.REOFFERABLE:
            raise ValidationError(
                _("The reserve list is used after an offer is declined, refused or lapsed.")
            )
        if Offer.objects.filter(post=previous.post, status__in=OPEN_OFFER_STATUSES).exists():
            raise ValidationError(_("%(post)s still has an open offer.") % {"post": previous.post})
        offer = _next_from_reserve(previous=previous, actor=actor, today=today)
        if offer is None:
            raise ValidationError(_("The reserve list of %(post)s is exhausted.") % {"post": previous.post})
    return offer


@dataclass
class LapseResult:
    lapsed: list[Offer] = field(default_factory=list)
    reoffered: list[Offer] = field(default_factory=list)


def offer_lapse(*, offer: Offer, today: dt.date) -> LapseResult:
    """Lapse one unanswered offer past its deadline and offer its post to the next reserve candidate."""
    result = LapseResult()
    with transaction.atomic():
        fresh = Offer.objects.select_for_update().filter(pk=offer.pk).first()
        if (
            fresh is None
            or fresh.status != OfferStatus.PENDING
            or fresh.respond_by is None
            or today <= fresh.respond_by
        ):
            return result  # answered meanwhile, or not due: nothing to do (the task may run twice)
        lapsed = offer_transition(offer=fresh, to=OfferStatus.LAPSED, actor=None, today=today)
        result.lapsed.append(lapsed)
        lapsed = Offer.objects.select_related("run", "post__organization").get(pk=lapsed.pk)
        reserve = _next_from_reserve(previous=lapsed, actor=None, today=today)
        if reserve is not None:
            result.reoffered.append(reserve)
    return result


def offers_lapse_due(*, today: dt.date) -> LapseResult:
    """The daily sweep: every pending offer whose deadline has passed lapses; the reserve is offered."""
    result = LapseResult()
    due = Offer.objects.filter(status=OfferStatus.PENDING, respond_by__lt=today).order_by("respond_by", "pk")
    for offer in due:
        one = offer_lapse(offer=offer, today=today)
        result.lapsed += one.lapsed
        result.reoffered += one.reoffered
    return result


# -- background tasks (here, beside the service that queues them) -----------------------------------


@task()
def lapse_due_offers() -> int:
    """The daily sweep: offers unanswered past their deadline lapse and go to the reserve list."""
    return len(offers_lapse_due(today=today_in_tokyo()).lapsed)


@task()
def lapse_offer(offer_id: int) -> int:
    """One offer, enqueued to run just after its deadline; nothing to do if it was answered meanwhile."""
    offer = Offer.objects.filter(pk=offer_id).first()
    if offer is None:
        return 0
    return len(offer_lapse(offer=offer, today=today_in_tokyo()).lapsed)

"""The home page of each role: where the cycle stands and what waits on this person, with counts. A fixed
number of queries whatever the amount of data (counts are aggregated in the database)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jpo.accounts import access
from jpo.applications.models import Application, DuplicateFlag, EligibilityCheck, EndorsementRequest
from jpo.applications.workflow import Status
from jpo.programme import windows
from jpo.programme.models import Cycle

# An applicant's application in these states waits on the programme office or an organization.
WAITING_ON_OTHERS = frozenset(
    {Status.SUBMITTED, Status.ELIGIBLE, Status.UNDER_REVIEW, Status.SHORTLISTED, Status.PASSED}
    | {Status.RECOMMENDED, Status.FORWARDED}
)


@dataclass(frozen=True)
class NextStep:
    """One thing waiting on the person: how many, what it is, where to do it."""

    label: str
    url: str
    count: int | None = None
    hint: str = ""

    @property
    def idle(self) -> bool:
        return self.count == 0


def cycle_stage(cycle: Cycle | None) -> str:
    """Where the cycle stands today, in a sentence (`programme.windows.window_stage`)."""
    if cycle is None:
        return _("No selection cycle yet.")
    return windows.window_stage(cycle, timezone.now(), sentence=True)


def _officer(user: Any) -> dict[str, Any]:
    cycles = list(
        Cycle.objects.annotate(application_count=Count("applications")).order_by("-fiscal_year")[:10]
    )
    current = cycles[0] if cycles else None
    steps: list[NextStep] = []
    if current is not None:
        waiting = Application.objects.filter(cycle=current).aggregate(
            submitted=Count("pk", filter=Q(status=Status.SUBMITTED)),
            shortlisted=Count("pk", filter=Q(status=Status.SHORTLISTED)),
        )
        steps.append(
            NextStep(
                _("Submitted applications to screen"),
                reverse("selection:screening", args=[current.fiscal_year]),
                waiting["submitted"],
            )
        )
        steps.append(
            NextStep(
                _("Shortlisted applicants to invite to stage two"),
                reverse("selection:stage_two", args=[current.fiscal_year]),
                waiting["shortlisted"],
            )
        )
    steps.append(
        NextStep(
            _("Eligibility checks to review"),
            reverse("portal:officer_needs_review"),
            EligibilityCheck.objects.filter(kind="submission", needs_review=True, reviewed_at__isnull=True)
            .exclude(application__status=Status.WITHDRAWN)
            .count(),
        )
    )
    steps.append(
        NextStep(
            _("Possible duplicate accounts to resolve"),
            reverse("portal:officer_duplicates"),
            DuplicateFlag.objects.filter(resolved_at__isnull=True).count(),
        )
    )
    return {"stage": cycle_stage(current), "next_steps": steps, "cycles": cycles}


def _applicant(user: Any) -> dict[str, Any]:
    from jpo.placement.models import Offer, OfferStatus

    applications = list(
        access.scope_own_applications(user, Application.objects.all())
        .select_related("cycle", "track")
        .order_by("-cycle__fiscal_year")
    )
    steps = []
    for application in applications:
        if application.status == Status.DRAFT:
            closes = application.cycle.applications_close
            hint = (
                _("Submit by %(date)s (Japan time).")
                % {"date": timezone.localtime(closes).strftime("%Y-%m-%d %H:%M")}
                if closes
                else ""
            )
            steps.append(
                NextStep(
                    _("Finish and submit your application for %(cycle)s")
                    % {"cycle": application.cycle.label},
                    reverse("portal:status", args=[application.pk]),
                    hint=hint,
                )
            )
        elif application.status == Status.INTERVIEW:
            steps.append(
                NextStep(
                    _("Your written task and interview for %(cycle)s") % {"cycle": application.cycle.label},
                    reverse("selection:my_stage_two"),
                    hint=_("Choose an interview slot and read the instructions."),
                )
            )
        elif application.status in WAITING_ON_OTHERS:
            steps.append(
                NextStep(
                    f"{application.cycle.label}: {application.get_status_display()}",
                    reverse("portal:status", args=[application.pk]),
                    hint=_("Nothing to do for now: you will be told by e-mail when the next step opens."),
                )
            )
    offers = access.scope_offers(user, Offer.objects.filter(status=OfferStatus.PENDING)).count()
    if offers:
        steps.append(NextStep(_("Offers waiting for your answer"), reverse("placement:offer_list"), offers))
    if not applications:
        steps.append(
            NextStep(
                _("Read the call for applications and apply"),
                reverse("portal:home"),
                hint=_("Check your eligibility first; it takes a few minutes."),
            )
        )
    return {"next_steps": steps, "my_applications": applications}


def _reviewer(user: Any) -> dict[str, Any]:
    from jpo.selection.models import Interview, ReviewAssignment

    reviews = access.scope_review_assignments(
        user, ReviewAssignment.objects.filter(review__isnull=True)
    ).count()
    interviews = (
        access.scope_interviews(user, Interview.objects.all())
        .exclude(scores__interviewer=user)
        .distinct()
        .count()
    )
    return {
        "next_steps": [
            NextStep(_("Applications to review"), reverse("selection:my_reviews"), reviews),
            NextStep(_("Interviews to score"), reverse("selection:my_interviews"), interviews),
        ]
    }


def _focal_point(user: Any) -> dict[str, Any]:
    from jpo.programme.models import Post

    candidates = access.scope_forwarded_candidates(
        user, Application.objects.filter(status=Status.FORWARDED)
    ).count()
    latest = Cycle.objects.order_by("-fiscal_year").first()
    posts = access.scope_posts(user, Post.objects.filter(cycle=latest)).count() if latest else 0
    return {
        "next_steps": [
            NextStep(
                _("Forwarded candidates awaiting your decision"),
                reverse("selection:focal_candidates"),
                candidates,
            ),
            NextStep(_("Posts of your organization this cycle"), reverse("placement:post_list"), posts),
        ]
    }


def _ministry_hr(user: Any) -> dict[str, Any]:
    from jpo.applications.models import EndorsementStatus
    from jpo.placement.models import Secondment

    requests = access.scope_endorsement_requests(
        user, EndorsementRequest.objects.filter(status=EndorsementStatus.REQUESTED)
    ).count()
    away = access.scope_secondments(user, Secondment.objects.filter(returned_on__isnull=True)).count()
    return {
        "next_steps": [
            NextStep(
                _("Endorsement requests awaiting your decision"),
                reverse("portal:ministry_endorsements"),
                requests,
            ),
            NextStep(
                _("Civil servants of your ministry on dispatch"), reverse("placement:secondment_list"), away
            ),
        ]
    }


def _analyst(user: Any) -> dict[str, Any]:
    from jpo.workforce.selectors import japan_series, target_statuses

    return {"target_statuses": target_statuses(japan_series())}


def home_summary(*, user: Any) -> dict[str, Any]:
    """What the home page shows a signed-in user: only figures their role may see."""
    if access.is_officer(user):
        return _officer(user)
    if access.is_applicant(user):
        return _applicant(user)
    if access.is_reviewer(user):
        return _reviewer(user)
    if access.is_focal_point(user):
        return _focal_point(user)
    if access.is_ministry_hr(user):
        return _ministry_hr(user)
    if access.is_analyst(user):
        return _analyst(user)
    return {}

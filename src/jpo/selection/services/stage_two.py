"""Stage two. MOFA track: English written task, interview slots (the applicant confirms one),
panel scores, final decisions. Organization track: MOFA forwards the shortlisted candidate to an
organization, whose focal point records the organization's decision."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jpo.accounts import access
from jpo.accounts.models import AuditEvent, User
from jpo.accounts.services import audit_record
from jpo.applications.models import Application
from jpo.applications.workflow import Status
from jpo.core.bulksql import rows_update
from jpo.programme.models import Cycle, Organization, TrackKind
from jpo.safety.urls import is_https_url
from jpo.selection.models import Interview, InterviewScore, InterviewSlot, Rubric
from jpo.selection.services.calendar import (
    interview_cancel_send,
    interview_invitations_send,
    interview_update_send,
)
from jpo.selection.services.decisions import application_decide
from jpo.selection.services.errors import Conflict, NotAllowed, SelectionError
from jpo.selection.services.order import window_gate
from jpo.selection.services.reviews import _parse_score

FINAL_DECISIONS = (Status.PASSED, Status.NOT_PASSED, Status.RECOMMENDED)
FOCAL_DECISIONS = (Status.SELECTED, Status.NOT_SELECTED)


def _rubric_or_default(cycle: Cycle) -> Rubric:
    return Rubric.objects.filter(cycle=cycle).first() or Rubric(cycle=cycle)


# --- Organization track --------------------------------------------------------------------------


def forward_target(application: Application) -> Organization | None:
    """The applicant's most preferred organization among those running the organization track."""
    allowed = {o.pk for o in application.track.organizations.all()}
    for preference in application.preferences.all():
        if preference.organization_id in allowed:
            return preference.organization
    return None


def application_forward(
    *,
    application: Application,
    organization: Organization,
    actor: User,
    expected_version: int | None,
) -> None:
    """Forward a shortlisted organization-track application to an organization of that track."""
    if application.track.kind != TrackKind.ORGANIZATION:
        raise SelectionError(_("Only organization-track applications are forwarded to an organization."))
    if not application.track.organizations.filter(pk=organization.pk).exists():
        raise SelectionError(
            _("Organization: %(org)s does not run the organization track in this cycle.")
            % {"org": organization},
            field="organization",
        )
    with transaction.atomic():
        Application.objects.filter(pk=application.pk, status=Status.SHORTLISTED).update(
            forwarded_to=organization
        )
        application.forwarded_to = organization
        application_decide(
            application=application,
            to=Status.FORWARDED,
            actor=actor,
            reason=f"forwarded to {organization.code}",
            expected_version=expected_version,
        )


def applications_forward(
    *, applications: QuerySet[Application], organization: Organization, actor: User
) -> int:
    """Forward the shortlisted organization-track applications among ``applications`` (ticked by the
    officer, or every one matching a filter) to ``organization``: all or none. Those already forwarded
    or decided are left as they are. Returns how many were forwarded."""
    with transaction.atomic():
        chosen = list(
            applications.filter(status=Status.SHORTLISTED, track__kind=TrackKind.ORGANIZATION)
            .select_related("track", "applicant", "cycle")
            .order_by("pk")
        )
        if not chosen:
            raise SelectionError(
                _("None of the chosen candidates is shortlisted and waiting to be forwarded.")
            )
        for application in chosen:
            application_forward(
                application=application,
                organization=organization,
                actor=actor,
                expected_version=application.version,
            )
    return len(chosen)


def cycle_forward_shortlisted(*, cycle: Cycle, actor: User) -> tuple[int, list[Application]]:
    """Forward every shortlisted organization-track application to its preferred organization of the track.

    Returns how many were forwarded and those without a usable preference (left for the officer)."""
    applications = list(
        Application.objects.filter(cycle=cycle, status=Status.SHORTLISTED, track__kind=TrackKind.ORGANIZATION)
        .select_related("track", "applicant", "cycle")
        .prefetch_related("track__organizations", "preferences__organization")
        .order_by("pk")
    )
    left: list[Application] = []
    with transaction.atomic():
        forwarded = 0
        for application in applications:
            target = forward_target(application)
            if target is None:
                left.append(application)
                continue
            application_forward(
                application=application,
                organization=target,
                actor=actor,
                expected_version=application.version,
            )
            forwarded += 1
    return forwarded, left


def focal_decide(
    *, application: Application, actor: User, to: str, reason: str, expected_version: int | None
) -> None:
    """The organization's focal point records its decision on a candidate forwarded to it."""
    application = Application.objects.select_related("applicant", "cycle", "track").get(pk=application.pk)
    if not access.is_focal_point(actor):
        raise NotAllowed(_("Only the organization's focal point records its decision."))
    if application.forwarded_to_id != actor.organization_id or application.status != Status.FORWARDED:
        raise NotAllowed(_("This candidate was not forwarded to your organization, or is already decided."))
    if to not in FOCAL_DECISIONS:
        raise SelectionError(_("Decision: choose selected or not selected."), field="decision")
    if not reason.strip():
        raise SelectionError(_("Reason: write the organization's reason or reference."), field="reason")
    application_decide(
        application=application,
        to=to,
        actor=actor,
        reason=f"{actor.organization}: {reason.strip()}",
        expected_version=expected_version,
    )


# --- MOFA track: invitation, slots, written task, interviews ---------------------------------------


def stage_two_invite(*, cycle: Cycle, actor: User) -> int:
    """Invite every shortlisted MOFA-track applicant to stage two (status interview, e-mail to pick a slot)."""
    applications = list(
        Application.objects.filter(cycle=cycle, status=Status.SHORTLISTED, track__kind=TrackKind.MOFA)
        .select_related("track", "applicant", "cycle")
        .order_by("pk")
    )
    with transaction.atomic():
        for application in applications:
            application_decide(
                application=application,
                to=Status.INTERVIEW,
                actor=actor,
                reason="invited to stage two (written task and interview)",
                expected_version=application.version,
            )
            Interview.objects.get_or_create(application=application)
    return len(applications)


def _slot_check(
    *, starts_at: dt.datetime, ends_at: dt.datetime, meeting_url: str, panel: Sequence[User]
) -> str:
    """What a new slot must be (its meeting link, times and panel); returns the link as stored."""
    meeting_url = meeting_url.strip()
    if meeting_url and not is_https_url(meeting_url):
        raise SelectionError(
            _("Meeting link: give a web address starting with https:// (at most 500 characters)."),
            field="meeting_url",
        )
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise SelectionError(_("Start and end: give a time zone-aware time."), field="starts_at")
    if ends_at <= starts_at:
        raise SelectionError(_("End: must be after the start."), field="ends_at")
    if not panel:
        raise SelectionError(_("Panel: choose at least one interviewer."), field="panel")
    wrong = [u for u in panel if not access.is_reviewer(u)]
    if wrong:
        raise SelectionError(
            _("Panel: %(names)s are not active reviewers.") % {"names": ", ".join(u.username for u in wrong)},
            field="panel",
        )
    return meeting_url


def slot_create(
    *,
    cycle: Cycle,
    actor: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    meeting_url: str,
    panel: Sequence[User],
) -> InterviewSlot:
    meeting_url = _slot_check(starts_at=starts_at, ends_at=ends_at, meeting_url=meeting_url, panel=panel)
    with transaction.atomic():
        slot = InterviewSlot.objects.create(
            cycle=cycle, starts_at=starts_at, ends_at=ends_at, meeting_url=meeting_url
        )
        slot.panel.set(panel)
        audit_record(
            actor=actor,
            action="selection.slot_created",
            target=slot,
            data={"starts_at": starts_at.isoformat(), "panel": [u.pk for u in panel]},
        )
    return slot


def slot_panel_set(
    *, slot: InterviewSlot, actor: User, panel: Sequence[User], now: dt.datetime | None = None
) -> InterviewSlot:
    """Set who sits on a slot's panel (before it starts). If a candidate has confirmed the slot, the
    members who join get the calendar invitation."""
    now = now or timezone.now()
    if not panel:
        raise SelectionError(_("Panel: choose at least one interviewer."), field="panel")
    wrong = [u for u in panel if not access.is_reviewer(u)]
    if wrong:
        raise SelectionError(
            _("Panel: %(names)s are not active reviewers.") % {"names": ", ".join(u.username for u in wrong)},
            field="panel",
        )
    with transaction.atomic():
        slot = InterviewSlot.objects.select_for_update().get(pk=slot.pk)
        if slot.starts_at <= now:
            raise SelectionError(_("This slot has already started: its panel can no longer change."))
        before = set(slot.panel.values_list("pk", flat=True))
        left = list(User.objects.filter(pk__in=before - {u.pk for u in panel}))
        slot.panel.set(panel)
        joined = [u for u in panel if u.pk not in before]
        interview = Interview.objects.filter(slot=slot).select_related("application__applicant__user").first()
        if interview is not None and left:
            # Those taken off the panel get the cancellation of the event in their calendar.
            slot.sequence += 1
            slot.save(update_fields=["sequence"])
            interview_cancel_send(interview=interview, slot=slot, panel=left, candidate=False)
        if interview is not None and joined:
            interview_invitations_send(interview=interview, members=joined)
        audit_record(
            actor=actor,
            action="selection.slot_panel_set",
            target=slot,
            data={"before": sorted(before), "after": sorted(u.pk for u in panel)},
        )
    return slot


def _slot_times_check(*, starts_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime) -> None:
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise SelectionError(_("Start and end: give a time zone-aware time."), field="starts_at")
    if ends_at <= starts_at:
        raise SelectionError(_("End: must be after the start."), field="ends_at")
    if starts_at <= now:
        raise SelectionError(_("Start: must be in the future."), field="starts_at")


def slot_move(
    *,
    slot: InterviewSlot,
    actor: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    now: dt.datetime | None = None,
) -> InterviewSlot:
    """Move a slot that has not started to another time. If a candidate has confirmed it, they and the
    panel get the updated calendar invitation (same UID, higher SEQUENCE)."""
    now = now or timezone.now()
    _slot_times_check(starts_at=starts_at, ends_at=ends_at, now=now)
    with transaction.atomic():
        slot = InterviewSlot.objects.select_for_update().get(pk=slot.pk)
        if slot.starts_at <= now:
            raise SelectionError(_("This slot has already started: it can no longer move."))
        previous = slot.starts_at
        slot.starts_at, slot.ends_at = starts_at, ends_at
        slot.sequence += 1
        slot.save(update_fields=["starts_at", "ends_at", "sequence"])
        interview = Interview.objects.filter(slot=slot).select_related("application__applicant__user").first()
        if interview is not None:
            interview_update_send(interview=interview, previous_start=previous)
        audit_record(
            actor=actor,
            action="selection.slot_moved",
            target=slot,
            data={
                "before": previous.isoformat(),
                "starts_at": starts_at.isoformat(),
                "ends_at": ends_at.isoformat(),
                "sequence": slot.sequence,
            },
        )
    return slot


def slot_cancel(*, slot: InterviewSlot, actor: User, reason: str, now: dt.datetime | None = None) -> None:
    """Cancel (delete) a slot that has not started, with a reason. If a candidate has confirmed it, they
    and the panel get the calendar cancellation (METHOD:CANCEL, same UID, higher SEQUENCE) and the
    candidate is asked to choose another slot."""
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise SelectionError(_("Reason: say why the slot is cancelled."), field="reason")
    with transaction.atomic():
        slot = InterviewSlot.objects.select_for_update().get(pk=slot.pk)
        if slot.starts_at <= now:
            raise SelectionError(_("This slot has already started: it can no longer be cancelled."))
        slot.sequence += 1
        slot.save(update_fields=["sequence"])
        interview = Interview.objects.filter(slot=slot).select_related("application__applicant__user").first()
        if interview is not None:
            interview.slot = None
            interview.confirmed_at = None
            interview.save(update_fields=["slot", "confirmed_at"])
            interview_cancel_send(interview=interview, slot=slot, panel=list(slot.panel.all()), reason=reason)
        audit_record(
            actor=actor,
            action="selection.slot_cancelled",
            target=slot,
            data={
                "starts_at": slot.starts_at.isoformat(),
                "reason": reason,
                "application": interview.application_id if interview is not None else None,
            },
        )
        slot.delete()


def slot_confirm(*, application: Application, user: User, slot: InterviewSlot, now: dt.datetime) -> Interview:
    """The applicant confirms an interview slot (or moves to another free one before their slot starts)."""
    application = Application.objects.select_related("applicant").get(pk=application.pk)
    if application.applicant.user_id != user.pk:
        raise NotAllowed(_("This is not your application."))
    if application.status != Status.INTERVIEW:
        raise SelectionError(_("Your application is not at the interview stage."))
    if slot.cycle_id != application.cycle_id:
        raise SelectionError(_("This slot belongs to another cycle."), field="slot")
    if slot.starts_at <= now:
        raise SelectionError(_("This slot has already started: choose a later one."), field="slot")
    try:
        with transaction.atomic():
            interview, _created = Interview.objects.select_for_update().get_or_create(application=application)
            if interview.slot_id == slot.pk:
                return interview
            if interview.slot is not None and interview.slot.starts_at <= now:
                raise SelectionError(_("Your interview has already started: the slot can no longer change."))
            if Interview.objects.filter(slot=slot).exclude(pk=interview.pk).exists():
                raise Conflict(_("Someone has just taken this slot: choose another one."), field="slot")
            previous = interview.slot_id
            left = interview.slot
            interview.slot = slot
            interview.confirmed_at = now
            interview.save(update_fields=["slot", "confirmed_at"])
            if left is not None:
                # The slot the candidate leaves: its event is cancelled for them and its panel.
                left.sequence += 1
                left.save(update_fields=["sequence"])
                interview_cancel_send(interview=interview, slot=left, panel=list(left.panel.all()))
            # The calendar invitation to the candidate and each panel member, sent after the commit.
            interview_invitations_send(interview=interview)
            audit_record(
                actor=user,
                action="selection.slot_confirmed",
                target=application,
                data={"slot": slot.pk, "previous": previous},
            )
    except IntegrityError:  # two applicants confirming the same slot at the same moment
        raise Conflict(_("Someone has just taken this slot: choose another one."), field="slot") from None
    return interview


def written_task_record(*, interview: Interview, actor: User, score: Any, reason: str = "") -> Interview:
    """Record the written-task score; changing a recorded score is a correction and needs a reason."""
    rubric = _rubric_or_default(interview.application.cycle)
    value = _parse_score(score, low=0, high=rubric.written_task_max, label=_("Written task"), field="score")
    if interview.application.status != Status.INTERVIEW:
        raise SelectionError(_("Stage two of this application is closed."))
    with transaction.atomic():
        before = (
            Interview.objects.select_for_update()
            .values_list("written_task_score", flat=True)
            .get(pk=interview.pk)
        )
        if before is not None and before != value and not reason.strip():
            raise SelectionError(
                _("The written-task score %(score)s is already recorded: give the reason for the correction.")
                % {"score": before},
                field="reason",
            )
        Interview.objects.filter(pk=interview.pk).update(written_task_score=value, written_task_by=actor)
        interview.written_task_score = value
        audit_record(
            actor=actor,
            action="selection.written_task_scored",
            target=interview.application,
            data={"before": before, "after": value, "reason": reason.strip()},
        )
    return interview


def interview_for_interviewer(*, interviewer: User, interview_id: int) -> Interview:
    interview = (
        access.scope_interviews(
            interviewer,
            Interview.objects.select_related("application__cycle", "application__applicant", "slot"),
        )
        .filter(pk=interview_id)
        .first()
    )
    if interview is None:
        raise NotAllowed(_("You are not on the panel of this interview."))
    return interview


def interview_started_check(interview: Interview) -> None:
    """A panel scores an interview that has taken place, not before its slot starts (the panel is the
    slot's, so an interview without a slot has nobody to score it)."""
    slot = interview.slot
    if slot is not None and timezone.now() < slot.starts_at:
        raise SelectionError(
            _("The interview starts at %(start)s (Japan time): it can be scored once it has started.")
            % {"start": timezone.localtime(slot.starts_at).strftime("%Y-%m-%d %H:%M")}
        )


def interview_score_submit(
    *, interview_id: int, interviewer: User, score: Any, comment: str = ""
) -> InterviewScore:
    interview = interview_for_interviewer(interviewer=interviewer, interview_id=interview_id)
    rubric = _rubric_or_default(interview.application.cycle)
    value = _parse_score(
        score,
        low=rubric.interview_scale_min,
        high=rubric.interview_scale_max,
        label=_("Interview score"),
        field="score",
    )
    if interview.application.status != Status.INTERVIEW:
        raise SelectionError(_("Stage two of this application is closed."))
    interview_started_check(interview)
    try:
        with transaction.atomic():
            if InterviewScore.objects.filter(interview=interview, interviewer=interviewer).exists():
                raise Conflict(_("You already scored this interview; it cannot be scored twice."))
            row = InterviewScore.objects.create(
                interview=interview, interviewer=interviewer, score=value, comment=comment.strip()
            )
            audit_record(
                actor=interviewer,
                action="selection.interview_scored",
                target=interview.application,
                data={"score": value},
            )
    except IntegrityError:
        raise Conflict(_("You already scored this interview; it cannot be scored twice.")) from None
    return row


def final_decide(
    *,
    application: Application,
    actor: User,
    to: str,
    reason: str,
    expected_version: int | None,
    force_reason: str = "",
) -> None:
    """An officer's final decision on a MOFA-track candidate: passed / not passed, then recommended.

    Refused while the application window is open (unless `force_reason` says why), and "passed" for a
    candidate without the scores stage two requires."""
    if to not in FINAL_DECISIONS:
        raise SelectionError(_("Decision: choose passed, not passed or recommended."), field="decision")
    if to == Status.PASSED:
        missing_scores_check(application)
    with transaction.atomic():
        window_gate(cycle=application.cycle, actor=actor, step="final_decision", force_reason=force_reason)
        application_decide(
            application=application,
            to=to,
            actor=actor,
            reason=reason.strip() or "final decision list",
            expected_version=expected_version,
        )


def missing_scores_check(application: Application) -> None:
    """Stage two is the written task and the interview: a candidate passes with the written-task score
    and a score from every member of the interview's panel."""
    interview = (
        Interview.objects.filter(application=application)
        .select_related("slot")
        .prefetch_related("scores", "slot__panel")
        .first()
    )
    if interview is None or interview.written_task_score is None:
        raise SelectionError(
            _("The written-task score is missing: a candidate cannot pass without it."), field="decision"
        )
    scored = {s.interviewer_id for s in interview.scores.all()}
    if not scored:
        raise SelectionError(
            _("No interview score is recorded: a candidate cannot pass without the panel's scores."),
            field="decision",
        )
    waiting = [u for u in (interview.slot.panel.all() if interview.slot else []) if u.pk not in scored]
    if waiting:
        raise SelectionError(
            _("Not every panel member has scored the interview (%(names)s): a candidate cannot pass yet.")
            % {"names": ", ".join(u.get_full_name() or u.username for u in waiting)},
            field="decision",
        )


# --- Many interviews at once (a loader of past years: `jpo demo`) -----------------------------------


@dataclass(frozen=True)
class BookedInterview:
    """One candidate's interview: its slot's times and when the candidate confirmed it."""

    application_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    confirmed_at: dt.datetime


@dataclass(frozen=True)
class PanelScore:
    interview_id: int
    interviewer: User
    score: Any
    comment: str = ""


ALREADY_BOOKED = gettext_lazy(
    "This candidate already has an interview slot: move or cancel that one instead."
)
CONFIRMED_BEFORE_START = gettext_lazy("The candidate's confirmation must come before the slot starts.")


def interviews_schedule_bulk(
    *,
    cycle: Cycle,
    actor: User,
    interviews: Sequence[BookedInterview],
    panel: Sequence[User],
    meeting_url: str = "",
) -> list[Interview]:
    """Schedule many interviews at once, each on a slot of its own before `panel` and booked for its
    candidate as confirmed at `confirmed_at`: each slot checked as `slot_create` checks one, each booking
    as the candidate's confirmation is (the application at the interview stage, in the slot's cycle,
    with no slot yet), the confirmation before the start. One refusal refuses all, before anything is
    written. Written in bulk with the audit rows of each slot and booking; no calendar invitation is
    sent (a record of interviews, not an invitation to them). Returned in the order given."""
    if not interviews:
        return []
    for entry in interviews:
        meeting_url = _slot_check(
            starts_at=entry.starts_at, ends_at=entry.ends_at, meeting_url=meeting_url, panel=panel
        )
        if timezone.is_naive(entry.confirmed_at) or entry.confirmed_at > entry.starts_at:
            raise SelectionError(str(CONFIRMED_BEFORE_START), field="confirmed_at")
    ids = [entry.application_id for entry in interviews]
    if len(set(ids)) != len(ids):
        raise SelectionError(str(ALREADY_BOOKED))
    with transaction.atomic():
        applications = {
            a.pk: a
            for a in Application.objects.select_for_update()
            .filter(pk__in=ids)
            .only("pk", "cycle_id", "status")
        }
        for pk in ids:
            application = applications.get(pk)
            if application is None or application.status != Status.INTERVIEW:
                raise SelectionError(_("Stage two of this application is closed."))
            if application.cycle_id != cycle.pk:
                raise SelectionError(_("This slot belongs to another cycle."), field="slot")
        existing = {i.application_id: i for i in Interview.objects.filter(application_id__in=ids)}
        if any(i.slot_id is not None for i in existing.values()):
            raise Conflict(str(ALREADY_BOOKED))
        slots = InterviewSlot.objects.bulk_create(
            [
                InterviewSlot(cycle=cycle, starts_at=e.starts_at, ends_at=e.ends_at, meeting_url=meeting_url)
                for e in interviews
            ],
            batch_size=500,
        )
        InterviewSlot.panel.through.objects.bulk_create(
            [
                InterviewSlot.panel.through(interviewslot_id=slot.pk, user_id=u.pk)
                for slot in slots
                for u in panel
            ],
            batch_size=1000,
        )
        new = Interview.objects.bulk_create(
            [
                Interview(application_id=e.application_id, slot=slot, confirmed_at=e.confirmed_at)
                for e, slot in zip(interviews, slots, strict=True)
                if e.application_id not in existing
            ],
            batch_size=500,
        )
        booked = {i.application_id: i for i in new}
        for e, slot in zip(interviews, slots, strict=True):
            interview = existing.get(e.application_id)
            if interview is not None:
                interview.slot, interview.confirmed_at = slot, e.confirmed_at
                booked[e.application_id] = interview
        rows_update(Interview, ["slot", "confirmed_at"], [existing[pk] for pk in existing])
        label = Application._meta.label_lower
        AuditEvent.objects.bulk_create(
            [
                event
                for e, slot in zip(interviews, slots, strict=True)
                for event in (
                    AuditEvent(
                        actor=actor,
                        action="selection.slot_created",
                        target_type=InterviewSlot._meta.label_lower,
                        target_id=str(slot.pk),
                        data={"starts_at": e.starts_at.isoformat(), "panel": [u.pk for u in panel]},
                    ),
                    AuditEvent(
                        actor=actor,
                        action="selection.slot_confirmed",
                        target_type=label,
                        target_id=str(e.application_id),
                        data={"slot": slot.pk, "previous": None, "recorded_for_the_candidate": True},
                    ),
                )
            ],
            batch_size=1000,
        )
    return [booked[e.application_id] for e in interviews]


def written_tasks_record_bulk(*, actor: User, scores: Sequence[tuple[Interview, Any]]) -> int:
    """Record many written-task scores at once, each checked as `written_task_record` checks one (on the
    rubric's scale, the application at the interview stage); a score already recorded is refused (a
    correction goes through `written_task_record` with its reason). One refusal refuses all."""
    if not scores:
        return 0
    ids = [interview.pk for interview, _score in scores]
    with transaction.atomic():
        found = {
            i.pk: i
            for i in Interview.objects.select_for_update(of=("self",))
            .select_related("application__cycle")
            .filter(pk__in=ids)
        }
        rows: list[Interview] = []
        for interview, score in scores:
            row = found[interview.pk]
            rubric = _rubric_or_default(row.application.cycle)
            value = _parse_score(
                score, low=0, high=rubric.written_task_max, label=_("Written task"), field="score"
            )
            if row.application.status != Status.INTERVIEW:
                raise SelectionError(_("Stage two of this application is closed."))
            if row.written_task_score is not None:
                raise SelectionError(
                    _(
                        "The written-task score %(score)s is already recorded: give the reason for the correction."
                    )
                    % {"score": row.written_task_score},
                    field="reason",
                )
            row.written_task_score = value
            rows.append(row)
        rows_update(Interview, ["written_task_score"], rows)
        Interview.objects.filter(pk__in=[row.pk for row in rows]).update(written_task_by=actor)
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    actor=actor,
                    action="selection.written_task_scored",
                    target_type=Application._meta.label_lower,
                    target_id=str(row.application_id),
                    data={"before": None, "after": row.written_task_score, "reason": ""},
                )
                for row in rows
            ],
            batch_size=1000,
        )
    return len(rows)


def interview_scores_submit_bulk(*, scores: Sequence[PanelScore]) -> list[InterviewScore]:
    """Submit many panel scores at once, each checked as `interview_score_submit` checks one: the
    interviewer sits on the interview's panel, the score is on the rubric's scale, the application at
    the interview stage, the interview started, not scored before by that interviewer. One refusal
    refuses all, before anything is written. Written in bulk with one audit row per score; returned in
    the order given."""
    if not scores:
        return []
    found: dict[tuple[int, int], Interview] = {}
    by_interviewer: dict[int, tuple[User, list[int]]] = {}
    for entry in scores:
        by_interviewer.setdefault(entry.interviewer.pk, (entry.interviewer, []))[1].append(entry.interview_id)
    for interviewer, ids in by_interviewer.values():
        theirs = access.scope_interviews(
            interviewer, Interview.objects.select_related("application__cycle", "slot")
        ).filter(pk__in=ids)
        found.update({(interviewer.pk, i.pk): i for i in theirs})
    rubrics: dict[int, Rubric] = {}
    rows: list[tuple[Interview, PanelScore, int]] = []
    seen: set[tuple[int, int]] = set()
    for entry in scores:
        key = (entry.interviewer.pk, entry.interview_id)
        interview = found.get(key)
        if interview is None:
            raise NotAllowed(_("You are not on the panel of this interview."))
        cycle = interview.application.cycle
        if cycle.pk not in rubrics:
            rubrics[cycle.pk] = _rubric_or_default(cycle)
        value = _parse_score(
            entry.score,
            low=rubrics[cycle.pk].interview_scale_min,
            high=rubrics[cycle.pk].interview_scale_max,
            label=_("Interview score"),
            field="score",
        )
        if interview.application.status != Status.INTERVIEW:
            raise SelectionError(_("Stage two of this application is closed."))
        interview_started_check(interview)
        if key in seen:
            raise Conflict(_("You already scored this interview; it cannot be scored twice."))
        seen.add(key)
        rows.append((interview, entry, value))
    with transaction.atomic():
        done = InterviewScore.objects.filter(interview_id__in=[i.pk for i, _e, _v in rows]).values_list(
            "interviewer_id", "interview_id"
        )
        if seen & set(done):
            raise Conflict(_("You already scored this interview; it cannot be scored twice."))
        created = InterviewScore.objects.bulk_create(
            [
                InterviewScore(interview=i, interviewer=e.interviewer, score=v, comment=e.comment.strip())
                for i, e, v in rows
            ],
            batch_size=1000,
        )
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    actor=e.interviewer,
                    action="selection.interview_scored",
                    target_type=Application._meta.label_lower,
                    target_id=str(i.application_id),
                    data={"score": v},
                )
                for i, e, v in rows
            ],
            batch_size=1000,
        )
    return created

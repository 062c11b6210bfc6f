"""Results released together: decisions prepared in bulk, then released as one batch at a chosen time.

Preparing a decision changes nothing the applicant can see: the application keeps its status and no
e-mail exists. A release gathers the cycle's prepared decisions and is queued to run at its time; the
task (`release_run_task`, below) refuses to act before that time, then takes each decision
through the same door as a single decision (`stage_two.final_decide`, so every rule of the final list
applies), which records the status change and queues the result e-mail in one transaction. Each
decision's e-mail is linked to it: the release's page is the record of every message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from jpo.accounts.models import User
from jpo.accounts.services import audit_record
from jpo.applications.models import Application
from jpo.applications.workflow import TRANSITIONS, Status
from jpo.leases import LeaseLost, heartbeat, stale
from jpo.programme.models import Cycle, TrackKind
from jpo.selection.models import (
    Notification,
    PreparedDecision,
    PreparedState,
    Release,
    ReleaseStatus,
)
from jpo.selection.services.errors import Conflict, SelectionError
from jpo.selection.services.stage_two import FINAL_DECISIONS, final_decide

# The decisions a release carries: the final list's (MOFA track), each from the statuses the workflow
# table allows it from.
RELEASABLE: dict[str, frozenset[str]] = {
    decision: frozenset(source for source, targets in TRANSITIONS.items() if decision in targets)
    for decision in FINAL_DECISIONS
}
# Statuses of the applications listed for preparation.
RELEASE_SOURCES: tuple[str, ...] = tuple(sorted(set().union(*RELEASABLE.values())))

# The only moves a release makes (who moves it: the officer schedules and cancels, the task runs it).
RELEASE_TRANSITIONS: dict[str, frozenset[str]] = {
    ReleaseStatus.SCHEDULED: frozenset({ReleaseStatus.RUNNING, ReleaseStatus.CANCELLED}),
    ReleaseStatus.RUNNING: frozenset({ReleaseStatus.DONE, ReleaseStatus.FAILED}),
    ReleaseStatus.DONE: frozenset(),
    ReleaseStatus.CANCELLED: frozenset(),
    ReleaseStatus.FAILED: frozenset(),
}
HEARTBEAT_EVERY = 20  # decisions between two progress writes
MAX_REASON = 2000
MAX_NAMED = 5  # receipt numbers named in a refusal


def _release_move(release: Release, *, target: str, **fields: object) -> bool:
    """Move a release from the status it was read in to `target`, if nobody moved it meanwhile."""
    if target not in RELEASE_TRANSITIONS[release.status]:
        raise SelectionError(
            _("This release is %(status)s: it can no longer change.")
            % {"status": release.get_status_display()}
        )
    moved = Release.objects.filter(pk=release.pk, status=release.status).update(status=target, **fields) == 1
    if moved:
        release.status = target
        for name, value in fields.items():
            setattr(release, name, value)
    return moved


def _names(applications: Iterable[Application]) -> str:
    rows = list(applications)
    names = ", ".join(a.receipt_number or str(a.pk) for a in rows[:MAX_NAMED])
    return names + (" …" if len(rows) > MAX_NAMED else "")


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise SelectionError(_("Reason: write the reason for the decision."), field="reason")
    if len(reason) > MAX_REASON:
        raise SelectionError(_("Reason: at most %(n)s characters.") % {"n": MAX_REASON}, field="reason")
    return reason


def decisions_prepare(
    *,
    cycle: Cycle,
    actor: User,
    decision: str,
    reason: str,
    applications: QuerySet[Application],
    now: dt.datetime | None = None,
) -> int:
    """Prepare one decision, with one reason, for every application of `applications` (a selection or a
    whole filter, never loaded row by row). Replaces a decision prepared earlier and not yet scheduled.

    All or nothing: an application the decision cannot apply to, or one already in a scheduled release,
    refuses the whole request (naming it). Returns how many decisions were prepared.
    """
    now = now or timezone.now()
    if decision not in RELEASABLE:
        raise SelectionError(_("Decision: choose passed, not passed or recommended."), field="decision")
    reason = _clean_reason(reason)
    targets = applications.filter(cycle=cycle)
    with transaction.atomic():
        ids = list(targets.order_by().values_list("pk", flat=True))
        if not ids:
            raise SelectionError(_("Choose at least one application."), field="applications")
        chosen = Application.objects.filter(pk__in=ids)
        wrong = chosen.exclude(status__in=RELEASABLE[decision], track__kind=TrackKind.MOFA)
        if wrong.exists():
            raise SelectionError(
                _("“%(decision)s” cannot be decided for %(names)s (%(n)s applications): check their status.")
                % {
                    "decision": Status(decision).label,
                    "names": _names(wrong.order_by("pk")[: MAX_NAMED + 1]),
                    "n": wrong.count(),
                },
                field="decision",
            )
        scheduled = chosen.filter(
            prepared_decisions__state=PreparedState.PREPARED, prepared_decisions__release__isnull=False
        )
        if scheduled.exists():
            raise Conflict(
                _("%(names)s are in a scheduled release: cancel that release first.")
                % {"names": _names(scheduled.order_by("pk")[: MAX_NAMED + 1])}
            )
        existing = PreparedDecision.objects.select_for_update().filter(
            application_id__in=ids, state=PreparedState.PREPARED
        )
        replaced = set(existing.values_list("application_id", flat=True))
        existing.update(decision=decision, reason=reason, prepared_by=actor, prepared_at=now)
        PreparedDecision.objects.bulk_create(
            [
                PreparedDecision(
                    application_id=pk, decision=decision, reason=reason, prepared_by=actor, prepared_at=now
                )
                for pk in ids
                if pk not in replaced
            ],
            batch_size=1000,
        )
        audit_record(
            actor=actor,
            action="selection.decisions_prepared",
            target=cycle,
            data={
                "decision": decision,
                "reason": reason,
                "applications": sorted(ids),
                "replaced": len(replaced),
            },
        )
    return len(ids)


def decisions_discard(*, cycle: Cycle, actor: User, applications: QuerySet[Application]) -> int:
    """Withdraw prepared decisions that are not in a scheduled release. Returns how many."""
    with transaction.atomic():
        rows = PreparedDecision.objects.filter(
            application__in=applications.filter(cycle=cycle),
            state=PreparedState.PREPARED,
            release__isnull=True,
        )
        ids = sorted(rows.values_list("application_id", flat=True))
        if not ids:
            raise SelectionError(
                _("None of the chosen applications has a prepared decision that is not scheduled."),
                field="applications",
            )
        PreparedDecision.objects.filter(application_id__in=ids, state=PreparedState.PREPARED).delete()
        audit_record(
            actor=actor, action="selection.decisions_discarded", target=cycle, data={"applications": ids}
        )
    return len(ids)


def release_schedule(
    *, cycle: Cycle, actor: User, release_at: dt.datetime, now: dt.datetime | None = None
) -> Release:
    """Gather every prepared, unscheduled decision of the cycle into one release at `release_at`."""
    now = now or timezone.now()
    if timezone.is_naive(release_at):
        raise SelectionError(_("Release time: give a time zone-aware time."), field="release_at")
    if release_at <= now:
        raise SelectionError(
            _("Release time: choose a time in the future (it is %(now)s now, Japan time).")
            % {"now": timezone.localtime(now).strftime("%Y-%m-%d %H:%M")},
            field="release_at",
        )
    with transaction.atomic():
        Cycle.objects.select_for_update().get(pk=cycle.pk)
        pool = PreparedDecision.objects.select_for_update().filter(
            application__cycle=cycle, state=PreparedState.PREPARED, release__isnull=True
        )
        ids = list(pool.values_list("pk", flat=True))
        if not ids:
            raise SelectionError(_("There is no prepared decision to release: prepare decisions first."))
        release = Release.objects.create(cycle=cycle, release_at=release_at, created_by=actor, total=len(ids))
        PreparedDecision.objects.filter(pk__in=ids).update(release=release)
        audit_record(
            actor=actor,
            action="selection.release_scheduled",
            target=release,
            data={"cycle": cycle.code, "release_at": release_at.isoformat(), "decisions": len(ids)},
        )
        transaction.on_commit(lambda: release_enqueue(release=release), robust=True)
    return release


def release_enqueue(*, release: Release) -> None:
    """Hand the release to the task worker, to run at its time. A backend that cannot run a task later
    leaves it to the sweep (`jpo releases_due`), which runs what is due."""
    if release_run_task.get_backend().supports_defer:
        release_run_task.using(run_after=release.release_at).enqueue(release.pk)


def release_cancel(*, release: Release, actor: User, reason: str, now: dt.datetime | None = None) -> Release:
    """Cancel a release that has not started: its decisions go back to the prepared ones (unscheduled)."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise SelectionError(_("Reason: write why the release is cancelled."), field="reason")
    with transaction.atomic():
        release = Release.objects.select_for_update().get(pk=release.pk)
        if release.status != ReleaseStatus.SCHEDULED:
            raise Conflict(
                _("This release is %(status)s: only a scheduled release can be cancelled.")
                % {"status": release.get_status_display()}
            )
        _release_move(
            release,
            target=ReleaseStatus.CANCELLED,
            cancelled_by=actor,
            cancelled_at=now,
            cancel_reason=reason[:MAX_REASON],
        )
        freed = PreparedDecision.objects.filter(release=release, state=PreparedState.PREPARED).update(
            release=None
        )
        audit_record(
            actor=actor,
            action="selection.release_cancelled",
            target=release,
            data={"reason": reason[:MAX_REASON], "decisions": freed},
        )
    return release


def release_execute(*, release_id: int, now: dt.datetime | None = None) -> Release:
    """Run a release (the task body). Does nothing before the release time, nor to a release that was
    cancelled, finished or taken by another worker; safe to retry."""
    now = now or timezone.now()
    release = Release.objects.select_related("cycle", "created_by").get(pk=release_id)
    if release.status != ReleaseStatus.SCHEDULED or release.release_at > now:
        return release
    if not Release.objects.filter(pk=release.pk, status=ReleaseStatus.SCHEDULED, release_at__lte=now).update(
        status=ReleaseStatus.RUNNING, started_at=now, heartbeat_at=now
    ):
        release.refresh_from_db()
        return release
    release.status = ReleaseStatus.RUNNING
    try:
        _release_items(release)
    except LeaseLost:
        release.refresh_from_db()
        return release
    except Exception as error:
        _release_fail(release, error=str(error)[:4000], now=timezone.now())
        raise
    with transaction.atomic():
        finished = _release_move(release, target=ReleaseStatus.DONE, finished_at=timezone.now())
        release.refresh_from_db()
        if finished:
            audit_record(
                actor=release.created_by,
                action="selection.release_done",
                target=release,
                data={"released": release.released, "refused": release.refused},
            )
    return release


@task()
def release_run_task(release_id: int) -> dict[str, object]:
    """Release a batch of prepared decisions in the task worker; nothing happens before its time.
    Declared beside the work it runs and the service that queues it, so neither imports the other."""
    release = release_execute(release_id=release_id)
    return {"status": release.status, "released": release.released, "refused": release.refused}


def _release_items(release: Release) -> None:
    counts = {"processed": 0, "released": 0, "refused": 0}
    items = list(
        PreparedDecision.objects.filter(release=release, state=PreparedState.PREPARED)
        .select_related("application__applicant__user", "application__cycle", "application__track")
        .order_by("pk")
    )
    for n, item in enumerate(items, start=1):
        _release_one(item, actor=release.created_by)
        counts["processed"] += 1
        counts["released" if item.state == PreparedState.RELEASED else "refused"] += 1
        if n % HEARTBEAT_EVERY == 0 or n == len(items):
            heartbeat(Release, release.pk, now=timezone.now(), running=[ReleaseStatus.RUNNING], **counts)


def _release_one(item: PreparedDecision, *, actor: User | None) -> None:
    """One decision in its own transaction: a refused one (the application moved meanwhile, a rule of
    the final list) is recorded with its reason and does not hold back the others."""
    application = item.application
    try:
        with transaction.atomic():
            if not PreparedDecision.objects.filter(pk=item.pk, state=PreparedState.PREPARED).update(
                state=PreparedState.RELEASED, released_at=timezone.now()
            ):
                return  # another worker took it
            application.refresh_from_db(fields=["status", "version"])
            final_decide(
                application=application,
                actor=actor,  # type: ignore[arg-type]
                to=item.decision,
                reason=item.reason,
                expected_version=application.version,
            )
            notification = (
                Notification.objects.filter(application=application, status_reached=item.decision)
                .order_by("-pk")
                .first()
            )
            PreparedDecision.objects.filter(pk=item.pk).update(notification=notification)
            item.state = PreparedState.RELEASED
    except SelectionError as error:
        PreparedDecision.objects.filter(pk=item.pk, state=PreparedState.PREPARED).update(
            state=PreparedState.REFUSED, error=error.message[:2000]
        )
        item.state = PreparedState.REFUSED


def _release_fail(release: Release, *, error: str, now: dt.datetime) -> None:
    """Mark a running release failed; its decisions not yet released go back to the prepared ones."""
    with transaction.atomic():
        if Release.objects.filter(pk=release.pk, status=ReleaseStatus.RUNNING).update(
            status=ReleaseStatus.FAILED, finished_at=now, error=error
        ):
            freed = PreparedDecision.objects.filter(release=release, state=PreparedState.PREPARED).update(
                release=None
            )
            audit_record(
                actor=None,
                action="selection.release_failed",
                target=release,
                data={"error": error[:500], "returned": freed},
            )


def releases_expire(*, now: dt.datetime | None = None) -> int:
    """Mark failed the releases whose worker is gone (no progress for the lease's length)."""
    now = now or timezone.now()
    expired = 0
    for release in Release.objects.filter(stale(now=now, running=[ReleaseStatus.RUNNING], queued=[])):
        message = _(
            "The task worker stopped during this release (no progress since %(time)s). The decisions not "
            "released are back among the prepared ones: schedule them again."
        ) % {
            "time": timezone.localtime(release.heartbeat_at or release.created_at).strftime("%Y-%m-%d %H:%M")
        }
        _release_fail(release, error=message, now=now)
        expired += 1
    return expired


def releases_due(*, now: dt.datetime | None = None) -> list[Release]:
    """The sweep: fail releases whose worker is gone, then run every scheduled release that is due."""
    now = now or timezone.now()
    releases_expire(now=now)
    due = Release.objects.filter(status=ReleaseStatus.SCHEDULED, release_at__lte=now).values_list(
        "pk", flat=True
    )
    return [release_execute(release_id=pk, now=now) for pk in list(due)]

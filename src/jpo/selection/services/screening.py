"""Stage one, part one: bulk screening of a cycle's submitted applications with `jpo.policy`.

A run evaluates every screenable application of the cycle, stores one row per criterion (its outcome
and its message in English and Japanese) and the rules version used. Re-running is idempotent: an
application whose profile and rules are unchanged is left alone (officers' overrides are kept).
Statuses move in a separate step (`screening_apply_*`), after the officer has looked at the results.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from jpo.accounts.models import AuditEvent, User
from jpo.accounts.services import audit_record
from jpo.applications.models import Application
from jpo.applications.selectors import application_profiles_parsed
from jpo.applications.services import applications_transition_bulk
from jpo.applications.workflow import Status
from jpo.core import bulksql
from jpo.leases import LeaseLost, heartbeat, stale
from jpo.policy import Overlay, Profile, ProfileError, evaluate, parse_cycle, rules_version
from jpo.programme.models import Cycle
from jpo.programme.rules.selectors import effective_rules
from jpo.selection.models import (
    CriterionOutcome,
    RunStatus,
    Screening,
    ScreeningCriterion,
    ScreeningOutcome,
    ScreeningRun,
)
from jpo.selection.services.decisions import application_decide
from jpo.selection.services.errors import Conflict, SelectionError
from jpo.selection.services.notifications import (
    NOTIFY_STATUSES,
    notifications_prepare_bulk,
)
from jpo.selection.services.order import window_gate

SCREENABLE = (Status.SUBMITTED, Status.ELIGIBLE, Status.SCREENED_OUT)
Progress = Callable[[int, int], None]  # (processed, total), after each committed chunk
CHUNK = 2000  # applications per transaction: progress is committed after each (2% of 100,000)

# What each screening outcome moves the application to (needs_review: nothing until an officer decides).
TARGET = {ScreeningOutcome.ELIGIBLE: Status.ELIGIBLE, ScreeningOutcome.NOT_ELIGIBLE: Status.SCREENED_OUT}


def overall_outcome(effective: Sequence[str], *, error: str = "") -> str:
    """The outcome of an application from its criteria (after overrides)."""
    if error and not effective:
        return ScreeningOutcome.NEEDS_REVIEW
    if CriterionOutcome.FAILED in effective:
        return ScreeningOutcome.NOT_ELIGIBLE
    if CriterionOutcome.NEEDS_REVIEW in effective:
        return ScreeningOutcome.NEEDS_REVIEW
    return ScreeningOutcome.ELIGIBLE


# One encoder for every digest (json.dumps would build a new one per call); same bytes as
# json.dumps(profile, sort_keys=True, separators=(",", ":")).
# (check_circular off: a profile is a tree of plain dicts and lists, never a cycle).
_DIGEST_JSON = json.JSONEncoder(sort_keys=True, separators=(",", ":"), check_circular=False)


def profile_digest(profile: dict[str, Any]) -> str:
    return hashlib.sha256(_DIGEST_JSON.encode(profile).encode()).hexdigest()


def screening_run_start(
    *,
    cycle: Cycle,
    actor: User | None,
    kind: str = ScreeningRun.Kind.SCREEN,
    background: bool = True,
    force_reason: str = "",
) -> ScreeningRun:
    """Queue a bulk run (screen, or apply the outcomes); refuse while another run of the cycle is open,
    and while the application window is open unless `force_reason` says why (see `order`).
    With `background=False` the caller runs it (`jpo screening`) instead of the task worker."""
    with transaction.atomic():
        Cycle.objects.select_for_update().get(pk=cycle.pk)
        window_gate(cycle=cycle, actor=actor, step="screening", force_reason=force_reason)
        screening_runs_expire(cycle=cycle, now=timezone.now())
        if ScreeningRun.objects.filter(
            cycle=cycle, status__in=(RunStatus.PENDING, RunStatus.RUNNING)
        ).exists():
            raise Conflict(
                _("A screening run of this cycle is already queued or running: wait for it to finish.")
            )
        run = ScreeningRun.objects.create(cycle=cycle, kind=kind, started_by=actor)
        audit_record(actor=actor, action=f"selection.{kind}_queued", target=cycle, data={"run": run.pk})
        if background:
            transaction.on_commit(lambda: screening_run_task.enqueue(run.pk))
    return run


def screening_runs_expire(*, cycle: Cycle, now: dt.datetime) -> list[ScreeningRun]:
    """Mark failed the cycle's runs whose worker is gone (lease expired), so a new run may start."""
    expired = []
    for run in ScreeningRun.objects.filter(cycle=cycle).filter(
        stale(now=now, running=[RunStatus.RUNNING], queued=[RunStatus.PENDING])
    ):
        message = _(
            "The task worker stopped before finishing this run (no progress since %(time)s). Start it again."
        ) % {"time": timezone.localtime(run.heartbeat_at or run.created_at).strftime("%Y-%m-%d %H:%M")}
        if ScreeningRun.objects.filter(pk=run.pk, status=run.status).update(
            status=RunStatus.FAILED, finished_at=now, error=message
        ):
            audit_record(
                actor=None,
                action=f"selection.{run.kind}_expired",
                target=cycle,
                data={"run": run.pk, "status": run.status, "heartbeat_at": str(run.heartbeat_at or "")},
            )
            expired.append(run)
    return expired


def _evaluate(
    profile: tuple[dict[str, Any], Profile | None], cycle: str | int, rules: Overlay | None
) -> tuple[list[tuple[str, str, str, str]], str]:
    """The criterion rows of one profile (given as read and, where it could be, already parsed)."""
    data, parsed = profile
    try:
        decision = evaluate(data if parsed is None else parsed, cycle, rules=rules)
    except (ProfileError, LookupError, ValueError) as exc:
        return [], str(exc)
    return [(c.id, str(c.outcome), c.message["en"], c.message["ja"]) for c in decision.criteria], ""


SCREENING_COLUMNS = (
    "application_id",
    "run_id",
    "rules_version",
    "profile_sha256",
    "engine_outcome",
    "outcome",
    "error",
    "screened_at",
    "version",
)
CRITERION_COLUMNS = (
    "screening_id",
    "criterion",
    "outcome",
    "message_en",
    "message_ja",
    "override",
    "override_reason",
)


def _screen_chunk(
    ids: Sequence[int], *, cycle: Cycle, version: str, run: ScreeningRun | None, rules: Overlay | None = None
) -> int:
    """Screen one chunk of applications in one transaction; returns how many screenings changed.

    New results are written with plain multi-row inserts (the ORM's per-object work would cost more
    than the rules themselves at 100,000 applications); changed ones through the ORM.
    """
    now = timezone.now()
    read = application_profiles_parsed(ids)
    profiles = {app_id: data for app_id, (data, _parsed) in read.items()}
    known = {
        app_id: (rules, digest)
        for app_id, rules, digest in bulksql.select_by_ids(
            Screening, ("application", "rules_version", "profile_sha256"), "application", ids
        )
    }
    digests = {app_id: profile_digest(profile) for app_id, profile in profiles.items()}
    todo = [
        app_id for app_id in ids if app_id in profiles and known.get(app_id) != (version, digests[app_id])
    ]
    if not todo:
        return 0  # idempotent: same facts, same rules everywhere
    changed_ids = [app_id for app_id in todo if app_id in known]
    existing = (
        {
            s.application_id: s
            for s in Screening.objects.filter(application_id__in=changed_ids).prefetch_related(
                Prefetch("criteria", queryset=ScreeningCriterion.objects.order_by("id"))
            )
        }
        if changed_ids
        else {}
    )
    try:  # the rules' own reading of the code, once (each evaluation would parse it again)
        policy_cycle: str | int = parse_cycle(cycle.code, known=rules is None)
    except ValueError:
        policy_cycle = cycle.code  # then every evaluation says why, as it would anyway
    at = connection.ops.adapt_datetimefield_value(now)
    run_id = run.pk if run is not None else None
    new: list[tuple[Any, ...]] = []  # Screening rows, as SCREENING_COLUMNS
    new_criteria: list[tuple[int, list[tuple[str, str, str, str]]]] = []  # (application, its rows)
    updated: list[Screening] = []
    updated_criteria: list[ScreeningCriterion] = []
    created_criteria: list[ScreeningCriterion] = []
    deleted_criteria: list[int] = []
    for app_id in todo:
        rows, error = _evaluate(read[app_id], policy_cycle, rules)
        digest = digests[app_id]
        engine = overall_outcome([r[1] for r in rows], error=error)
        old = existing.get(app_id)
        if old is None:
            new.append((app_id, run_id, version, digest, engine, engine, error, at, 1))
            new_criteria.append((app_id, rows))
            continue
        by_id = {c.criterion: c for c in old.criteria.all()}
        effective = []
        for cid, outcome, en, ja in rows:
            row = by_id.pop(cid, None)
            if row is None:
                row = ScreeningCriterion(
                    screening=old, criterion=cid, outcome=outcome, message_en=en, message_ja=ja
                )
                created_criteria.append(row)
            else:
                row.outcome, row.message_en, row.message_ja = outcome, en, ja
                updated_criteria.append(row)
            effective.append(row.effective)
        deleted_criteria.extend(c.pk for c in by_id.values())
        old.run, old.rules_version, old.profile_sha256 = run, version, digest
        old.engine_outcome, old.error, old.screened_at = engine, error, now
        old.outcome = overall_outcome(effective, error=error)
        old.version += 1
        updated.append(old)
    with transaction.atomic():
        if new:
            bulksql.insert_rows(Screening._meta.db_table, SCREENING_COLUMNS, new)
            pks = dict(
                bulksql.select_by_ids(Screening, ("application", "id"), "application", [n[0] for n in new])
            )
            bulksql.insert_rows(
                ScreeningCriterion._meta.db_table,
                CRITERION_COLUMNS,
                [
                    (pk, cid, outcome, en, ja, "", "")
                    for app_id, rows in new_criteria
                    for pk in (pks[app_id],)
                    for cid, outcome, en, ja in rows
                ],
            )
        if updated:
            Screening.objects.bulk_update(
                updated,
                [
                    "run",
                    "rules_version",
                    "profile_sha256",
                    "engine_outcome",
                    "outcome",
                    "error",
                    "screened_at",
                    "version",
                ],
            )
        if updated_criteria:
            ScreeningCriterion.objects.bulk_update(updated_criteria, ["outcome", "message_en", "message_ja"])
        if created_criteria:
            ScreeningCriterion.objects.bulk_create(created_criteria)
        if deleted_criteria:
            ScreeningCriterion.objects.filter(pk__in=deleted_criteria).delete()
    return len(new) + len(updated)


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while one chunk is screened.

    A chunk makes about a hundred container objects per application (its profile, the rules' results,
    the rows) that reference counting frees when the chunk ends; the cyclic collector would traverse
    them over and over meanwhile (about a tenth of a bulk run). It is switched back on after the chunk
    (only if it was on), so whatever cycles there are get collected then.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _chunks(ids: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def cycle_screen(
    *,
    cycle: Cycle,
    run: ScreeningRun | None = None,
    chunk_size: int = CHUNK,
    progress: Progress | None = None,
    only: Sequence[int] | None = None,
) -> dict[str, int]:
    """Screen every screenable application of `cycle` (or those of `only`, e.g. the applications a loader
    of past years records) under the rules that govern it (its published rule set, else the policy
    files); progress is committed to `run` (and told to `progress`) after each chunk."""
    rules = effective_rules(cycle)
    version = rules_version(rules)
    applications = Application.objects.filter(cycle=cycle, status__in=SCREENABLE)
    if only is not None:
        applications = applications.filter(pk__in=only)
    ids = list(applications.order_by("pk").values_list("pk", flat=True))
    if run is not None:
        _run_begin(run, total=len(ids), rules_version=version)
    processed = changed = 0
    for chunk in _chunks(ids, chunk_size):
        with _cyclic_gc_paused():
            changed += _screen_chunk(chunk, cycle=cycle, version=version, run=run, rules=rules)
        processed += len(chunk)
        if run is not None:
            _run_beat(run, processed=processed, changed=changed)
        if progress is not None:
            progress(processed, len(ids))
    return {"total": len(ids), "changed": changed}


def screening_apply_one(
    *, application: Application, actor: User | None, expected_version: int | None
) -> bool:
    """Move one application to its screening outcome; False when there is nothing to move."""
    screening = Screening.objects.filter(application=application).first()
    if screening is None:
        raise SelectionError(_("This application has not been screened yet."))
    target = TARGET.get(ScreeningOutcome(screening.outcome))
    if target is None:
        raise SelectionError(
            _("The screening needs an officer's review: override the criteria that need review first.")
        )
    if application.status == target:
        return False
    if application.status not in SCREENABLE:
        raise SelectionError(_("This application is past screening."))
    application_decide(
        application=application,
        to=target,
        actor=actor,
        reason=f"screening ({screening.rules_version[:12]}): {screening.outcome}",
        expected_version=expected_version,
    )
    return True


def cycle_screening_apply(
    *,
    cycle: Cycle,
    actor: User | None,
    run: ScreeningRun | None = None,
    chunk_size: int = CHUNK,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Move every screened application to its outcome (eligible / screened out) and queue the e-mails.

    Set-based, a chunk of applications per transaction (`applications_transition_bulk`: the workflow
    table still decides each move, each move gets its StatusChange and audit row, written in bulk; the
    e-mails of the screened out are rendered and inserted in bulk too, sent after commit). Each chunk
    re-reads its outcomes and statuses under lock, so an application changed meanwhile (withdrawn,
    moved by an officer) is skipped and reported, never overwritten. Progress goes to `run`.
    """
    todo = [
        app_id
        for app_id, outcome, status in Screening.objects.filter(
            application__cycle=cycle, application__status__in=SCREENABLE, outcome__in=list(TARGET)
        )
        .order_by("application_id")
        .values_list("application_id", "outcome", "application__status")
        if status != TARGET[ScreeningOutcome(outcome)]
    ]
    if run is not None:
        _run_begin(run, total=len(todo))
    moved = processed = 0
    errors: list[str] = []
    for chunk in _chunks(todo, chunk_size):
        with transaction.atomic():
            current = Screening.objects.filter(
                application_id__in=bulksql.id_set(chunk), outcome__in=list(TARGET)
            ).values_list("application_id", "outcome", "rules_version", "application__status")
            groups: dict[Status, dict[int, str]] = {}
            for app_id, outcome, version, status in current:
                target = TARGET[ScreeningOutcome(outcome)]
                if status != target:
                    groups.setdefault(target, {})[app_id] = f"screening ({version[:12]}): {outcome}"
            refused: dict[int, str] = {}
            for target, reasons in groups.items():
                result = applications_transition_bulk(
                    ids=list(reasons), to=target, actor=actor, reasons=reasons
                )
                refused.update(result.refused)
                moved += len(result.moved)
                if target in NOTIFY_STATUSES:  # queued in the outbox, sent after commit
                    notifications_prepare_bulk(application_ids=list(result.moved), status=target)
        if refused:
            receipts = dict(
                Application.objects.filter(pk__in=list(refused)).values_list("pk", "receipt_number")
            )
            errors += [f"{receipts.get(pk) or pk}: {message}" for pk, message in sorted(refused.items())]
        processed += len(chunk)
        if run is not None:
            _run_beat(run, processed=processed, changed=moved, error="\n".join(errors)[:4000])
        if progress is not None:
            progress(processed, len(todo))
    return {"total": len(todo), "changed": moved, "errors": len(errors)}


def _run_begin(run: ScreeningRun, **fields: Any) -> None:
    now = timezone.now()
    if not ScreeningRun.objects.filter(pk=run.pk, status__in=(RunStatus.PENDING, RunStatus.RUNNING)).update(
        status=RunStatus.RUNNING, started_at=now, heartbeat_at=now, **fields
    ):
        raise LeaseLost(f"screening run {run.pk} is no longer open")


def _run_beat(run: ScreeningRun, **progress: Any) -> None:
    heartbeat(ScreeningRun, run.pk, now=timezone.now(), running=[RunStatus.RUNNING], **progress)


def screening_run_execute(*, run_id: int, progress: Progress | None = None) -> ScreeningRun:
    """Run a queued run (the task body, or `jpo screening`). Safe to retry: a finished run is left alone."""
    run = ScreeningRun.objects.select_related("cycle", "started_by").get(pk=run_id)
    if run.is_finished:
        return run
    try:
        if run.kind == ScreeningRun.Kind.SCREEN:
            result = cycle_screen(cycle=run.cycle, run=run, progress=progress)
        else:
            result = cycle_screening_apply(cycle=run.cycle, actor=run.started_by, run=run, progress=progress)
    except LeaseLost:  # marked failed meanwhile (its lease expired): a new run owns the cycle now
        run.refresh_from_db()
        return run
    except Exception as error:
        ScreeningRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), error=str(error)[:4000]
        )
        raise
    with transaction.atomic():
        finished = ScreeningRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
            status=RunStatus.DONE, finished_at=timezone.now()
        )
        run.refresh_from_db()
        if not finished:
            return run
        audit_record(
            actor=run.started_by,
            action=f"selection.{run.kind}_done",
            target=run.cycle,
            data={"run": run.pk, **result, "rules_version": run.rules_version},
        )
    return run


@task()
def screening_run_task(run_id: int) -> dict[str, object]:
    """Screen a cycle (or apply its screening outcomes) in the task worker; progress is on the run row.
    Declared beside the work it runs and the service that queues it, so neither imports the other."""
    run = screening_run_execute(run_id=run_id)
    return {"status": run.status, "total": run.total, "changed": run.changed}


def screening_criterion_override(
    *, criterion: ScreeningCriterion, outcome: str, reason: str, actor: User, expected_version: int
) -> Screening:
    """An officer sets (or clears, with outcome "") one criterion's outcome, with a written reason."""
    if outcome not in ("", *CriterionOutcome.values):
        raise SelectionError(_("Outcome: choose passed, not met or needs review."), field="outcome")
    reason = reason.strip()
    if not reason:
        raise SelectionError(_("Reason: write why you override the rules' result."), field="reason")
    with transaction.atomic():
        screening = (
            Screening.objects.select_for_update().select_related("application").get(pk=criterion.screening_id)
        )
        if screening.version != expected_version:
            raise Conflict(
                _(
                    "Someone else changed this screening meanwhile (version %(now)s, you read %(read)s). Reload it."
                )
                % {"now": screening.version, "read": expected_version}
            )
        if screening.application.status not in SCREENABLE:
            raise SelectionError(_("This application is past screening: its criteria can no longer change."))
        row = ScreeningCriterion.objects.get(pk=criterion.pk)
        before = row.override
        row.override = outcome
        row.override_reason = reason if outcome else ""
        row.override_by = actor if outcome else None
        row.override_at = timezone.now() if outcome else None
        row.save()
        effective = [c.effective for c in screening.criteria.all()]
        screening.outcome = overall_outcome(effective, error=screening.error)
        screening.version += 1
        screening.save(update_fields=["outcome", "version"])
        audit_record(
            actor=actor,
            action="selection.criterion_override",
            target=screening.application,
            data={
                "criterion": row.criterion,
                "rules": row.outcome,
                "before": before,
                "after": outcome,
                "reason": reason,
                "outcome": screening.outcome,
            },
        )
    return screening


def screenings_override_bulk(
    *,
    application_ids: Sequence[int],
    outcomes: Sequence[str],
    to: str,
    reason: str,
    actor: User,
    at: dt.datetime | None = None,
) -> int:
    """The officer sets, for many screenings at once, every criterion whose rules' outcome is one of
    `outcomes` (and that no override has set yet) to `to`, with one written reason: what
    `screening_criterion_override` does for one criterion (same refusals: a reason, applications still
    at screening), written in bulk (a loader of past years: `jpo demo`). `at`: when it was done (now by
    default). Each screening's outcome is recomputed and its version raised; one audit row per
    application. Returns how many screenings changed."""
    if to not in CriterionOutcome.values:
        raise SelectionError(_("Outcome: choose passed, not met or needs review."), field="outcome")
    reason = reason.strip()
    if not reason:
        raise SelectionError(_("Reason: write why you override the rules' result."), field="reason")
    at = at or timezone.now()
    with transaction.atomic():
        screenings = list(
            Screening.objects.select_for_update()
            .filter(application_id__in=list(application_ids))
            .select_related("application")
            .prefetch_related(Prefetch("criteria", queryset=ScreeningCriterion.objects.order_by("id")))
        )
        if any(s.application.status not in SCREENABLE for s in screenings):
            raise SelectionError(_("This application is past screening: its criteria can no longer change."))
        rows: list[ScreeningCriterion] = []
        changed: list[Screening] = []
        events = []
        for screening in screenings:
            criteria = list(screening.criteria.all())
            mine = [c for c in criteria if c.outcome in outcomes and not c.override]
            if not mine:
                continue
            for row in mine:
                row.override, row.override_reason, row.override_by, row.override_at = to, reason, actor, at
            rows += mine
            screening.outcome = overall_outcome([c.effective for c in criteria], error=screening.error)
            screening.version += 1
            changed.append(screening)
            events.append(
                AuditEvent(
                    actor=actor,
                    action="selection.criterion_override",
                    target_type=Application._meta.label_lower,
                    target_id=str(screening.application_id),
                    data={
                        "criteria": {c.criterion: c.outcome for c in mine},
                        "after": to,
                        "reason": reason,
                        "outcome": screening.outcome,
                    },
                )
            )
        bulksql.rows_update(
            ScreeningCriterion, ["override", "override_reason", "override_by", "override_at"], rows
        )
        bulksql.rows_update(Screening, ["outcome", "version"], changed)
        AuditEvent.objects.bulk_create(events, batch_size=500)
    return len(changed)

"""Writes about applications. Status changes go through `application_transition` only."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jpo.accounts import access
from jpo.accounts.models import AuditEvent, User
from jpo.accounts.services import audit_record
from jpo.applications import notifications, selfcheck
from jpo.applications.models import (
    Applicant,
    Application,
    CheckKind,
    Degree,
    Document,
    DraftStep,
    DuplicateFlag,
    DuplicateReason,
    EligibilityCheck,
    EmploymentPeriod,
    EndorsementRequest,
    EndorsementStatus,
    LanguageTest,
    Preference,
    StatusChange,
    Submission,
)
from jpo.applications.workflow import CORRECTIONS, TRACK_ONLY, TRANSITIONS, Status
from jpo.core.bulksql import id_set, rows_insert, rows_update
from jpo.core.errors import DomainError
from jpo.programme import windows
from jpo.programme.models import Cycle, Organization, Post, Track, TrackKind
from jpo.programme.selectors import partner_organizations


class IllegalTransition(DomainError):
    """The workflow table does not allow this move."""

    code = "application.illegal_transition"
    status_code = 409


class StaleApplication(DomainError):
    """Someone else changed the application since it was read: nothing was overwritten."""

    code = "application.stale"
    status_code = 409


def application_transition(
    *,
    application: Application,
    to: Status | str,
    actor: User | None,
    reason: str = "",
    expected_version: int | None = None,
    correction: bool = False,
) -> StatusChange:
    """Move `application` to status `to`, or refuse with `IllegalTransition` / `StaleApplication`.

    `expected_version` is the version the caller read; when given, a concurrent change is detected
    instead of silently overwritten. `correction=True`: a decision recorded by mistake is corrected
    (the `CORRECTIONS` table, not the moves of the year; a reason is required and recorded).
    """
    target = Status(to)
    with transaction.atomic():
        current = Application.objects.select_for_update().select_related("track").get(pk=application.pk)
        if expected_version is not None and current.version != expected_version:
            raise StaleApplication(
                _(
                    "This application was changed by someone else (version %(now)s, you read %(read)s). Reload it."
                )
                % {"now": current.version, "read": expected_version}
            )
        change = _transition_locked(
            current=current, target=target, actor=actor, reason=reason, correction=correction
        )
    application.refresh_from_db()
    return change


def _transition_locked(
    *,
    current: Application,
    target: Status,
    actor: User | None,
    reason: str,
    correction: bool = False,
    also: Mapping[str, Any] | None = None,
) -> StatusChange:
    """The move itself, on a row the caller read with `select_for_update` inside its open transaction
    (its track loaded). Writes the status (and the columns in `also`) in one UPDATE, the status change
    and its audit row, and sets on `current` what was written, so the caller need not read it again."""
    source = Status(current.status)
    if correction and not reason.strip():
        raise IllegalTransition(_("A correction needs a reason."))
    if target not in (CORRECTIONS.get(source, frozenset()) if correction else TRANSITIONS[source]):
        raise IllegalTransition(
            _("An application cannot move from “%(from)s” to “%(to)s”.")
            % {"from": source.label, "to": target.label}
        )
    track_kind = TRACK_ONLY.get(target)
    if track_kind is not None and current.track.kind != track_kind:
        raise IllegalTransition(
            _("“%(to)s” is not a step of the %(track)s.") % {"to": target.label, "track": current.track}
        )
    at = timezone.now().astimezone(dt.UTC)  # as the database gives it back: one snapshot text
    fields: dict[str, Any] = {"status": target.value, "updated_at": at, **(also or {})}
    if target == Status.SUBMITTED:
        fields["submitted_at"] = at
    Application.objects.filter(pk=current.pk).update(version=F("version") + 1, **fields)
    for name, value in fields.items():
        setattr(current, name, value)
    current.version += 1  # the row is locked: the version read is the one incremented
    change = StatusChange.objects.create(
        application=current, from_status=source.value, to_status=target.value, actor=actor, reason=reason
    )
    audit_record(
        actor=actor,
        action="application.correction" if correction else "application.transition",
        target=current,
        data={"from": source.value, "to": target.value, "reason": reason},
    )
    return change


@dataclass(frozen=True)
class BulkMoves:
    """What `applications_transition_bulk` did: the ids moved (with the status each left) and, for each
    id refused, why (the workflow's own message)."""

    moved: dict[int, str]
    refused: dict[int, str]


def applications_transition_bulk(
    *,
    ids: Sequence[int],
    to: Status | str,
    actor: User | None,
    reasons: Mapping[int, str] | str,
) -> BulkMoves:
    """Move many applications to status `to` with a few set-based statements, under the same rules as
    `application_transition`: each application is locked, checked against TRANSITIONS and the
    track-only moves, and gets its StatusChange and audit row (both inserted in bulk). Applications
    the table refuses are left alone and reported. Call it with a chunk of ids (a few thousand):
    everything happens in one transaction.
    """
    target = Status(to)
    sources = [s.value for s, allowed in TRANSITIONS.items() if target in allowed]
    track_kind = TRACK_ONLY.get(target)
    now = timezone.now()
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    moved: dict[int, str] = {}
    refused: dict[int, str] = {}
    with transaction.atomic():
        current = (
            Application.objects.filter(pk__in=id_set(ids))
            .select_for_update(of=("self",))
            .order_by()
            .values_list("pk", "status", "track__kind")
        )
        for pk, status, kind in current:
            if status not in sources:
                refused[pk] = _("An application cannot move from “%(from)s” to “%(to)s”.") % {
                    "from": Status(status).label,
                    "to": target.label,
                }
            elif track_kind is not None and kind != track_kind:
                refused[pk] = _("“%(to)s” is not a step of the %(track)s.") % {
                    "to": target.label,
                    "track": TrackKind(kind).label,
                }
            else:
                moved[pk] = status
        if not moved:
            return BulkMoves(moved, refused)
        Application.objects.filter(pk__in=id_set(moved), status__in=sources).update(
            status=target.value, version=F("version") + 1, updated_at=now
        )

        def reason(pk: int) -> str:
            return reasons if isinstance(reasons, str) else reasons.get(pk, "")

        rows_insert(
            StatusChange,
            ["application_id", "from_status", "to_status", "at", "actor_id", "reason"],
            ((pk, source, target.value, now, actor_id, reason(pk)) for pk, source in moved.items()),
        )
        label = Application._meta.label_lower
        rows_insert(
            AuditEvent,
            ["at", "actor_id", "action", "target_type", "target_id", "data"],
            (
                (
                    now,
                    actor_id,
                    "application.transition",
                    label,
                    str(pk),
                    {"from": source, "to": target.value, "reason": reason(pk)},
                )
                for pk, source in moved.items()
            ),
        )
    return BulkMoves(moved, refused)


@dataclass(frozen=True)
class PastMove:
    """One status change that happened in the past, for `applications_record_history`."""

    to: Status
    at: dt.datetime
    actor: User | None
    reason: str


def applications_record_history(
    *, histories: Sequence[tuple[Application, Sequence[PastMove]]], batch_size: int = 1000
) -> int:
    """Record the past status changes of applications in bulk (applications of past cycles loaded
    from elsewhere: `jpo demo`, an import of earlier years).

    Every move is checked against the same workflow table as `application_transition` (TRANSITIONS and
    the track-only moves), in order from the application's status (a draft, or where an earlier call
    left it, so that a loader can run the selection services between two parts of a history), with
    times that never go back (nor before its last recorded move); one refused move refuses everything
    (`IllegalTransition`) before anything is written. Then each application gets its final status (and
    `submitted_at`), the StatusChange rows carry the times given, and one audit row per application
    lists its path. The applications must be saved, with their track loaded and their status as stored.
    Returns how many status changes were recorded.
    """
    last_at = dict(
        StatusChange.objects.filter(application_id__in=[a.pk for a, moves in histories if moves and a.pk])
        .values("application_id")
        .annotate(last=Max("at"))
        .values_list("application_id", "last")
    )
    for application, moves in histories:
        if application.pk is None:
            raise IllegalTransition(_("Only saved applications can have a past recorded."))
        current, previous_at = Status(application.status), last_at.get(application.pk)
        for move in moves:
            target = Status(move.to)
            if target not in TRANSITIONS[current]:
                raise IllegalTransition(
                    _("An application cannot move from “%(from)s” to “%(to)s”.")
                    % {"from": current.label, "to": target.label}
                )
            track_kind = TRACK_ONLY.get(target)
            if track_kind is not None and application.track.kind != track_kind:
                raise IllegalTransition(
                    _("“%(to)s” is not a step of the %(track)s.")
                    % {"to": target.label, "track": application.track}
                )
            if previous_at is not None and move.at < previous_at:
                raise IllegalTransition(_("The moves of an application must be in the order they happened."))
            current, previous_at = target, move.at
    changes: list[tuple[Any, ...]] = []
    events: list[AuditEvent] = []
    moved: list[Application] = []
    for application, moves in histories:
        current = Status(application.status)
        for move in moves:
            target = Status(move.to)
            changes.append(
                (
                    application.pk,
                    current.value,
                    target.value,
                    move.at,
                    move.actor.pk if move.actor else None,
                    move.reason,
                )
            )
            if target == Status.SUBMITTED:
                application.submitted_at = move.at
            current = target
        if not moves:
            continue
        application.status = current.value
        application.version += len(moves)
        moved.append(application)
        events.append(
            AuditEvent(
                actor=None,
                action="application.history_recorded",
                target_type=application._meta.label_lower,
                target_id=str(application.pk),
                data={"path": [Status(m.to).value for m in moves]},
            )
        )
    with transaction.atomic():
        rows_insert(
            StatusChange, ["application_id", "from_status", "to_status", "at", "actor_id", "reason"], changes
        )
        rows_update(Application, ["status", "submitted_at", "version"], moved)
        AuditEvent.objects.bulk_create(events, batch_size=batch_size)
    return len(changes)


# --- Applicant portal: duplicates, drafts, documents, submission, withdrawal -------------------------


class ApplicationError(DomainError):
    """A portal action refused, with a message for the applicant in their language."""

    code = "application.refused"


def applicant_flag_duplicates(*, applicant: Applicant) -> list[DuplicateFlag]:
    """Flag other applicant records with the same name and date of birth, or the same e-mail address.

    One person, one account: nothing is refused here, the programme officer decides (officer list).
    Returns the open flags that concern `applicant`.
    """
    candidates: list[tuple[Applicant, str]] = []
    same_person = Applicant.objects.filter(
        family_name__iexact=applicant.family_name.strip(),
        given_name__iexact=applicant.given_name.strip(),
        birth_date=applicant.birth_date,
    ).exclude(pk=applicant.pk)
    candidates += [(other, DuplicateReason.NAME_AND_BIRTH_DATE) for other in same_person]
    if applicant.email:
        same_email = Applicant.objects.filter(email__iexact=applicant.email.strip()).exclude(pk=applicant.pk)
        candidates += [(other, DuplicateReason.EMAIL) for other in same_email]
    flags: list[DuplicateFlag] = []
    for other, reason in candidates:
        existing = DuplicateFlag.objects.filter(
            Q(applicant=applicant, other=other) | Q(applicant=other, other=applicant), reason=reason
        ).first()
        if existing is None:
            existing = DuplicateFlag.objects.create(applicant=applicant, other=other, reason=reason)
            audit_record(
                actor=None,
                action="applicant.duplicate_flagged",
                target=applicant,
                data={"other": other.pk, "reason": reason},
            )
        if existing.resolved_at is None:
            flags.append(existing)
    return flags


def duplicate_resolve(*, flag: DuplicateFlag, actor: User, resolution: str) -> DuplicateFlag:
    with transaction.atomic():
        flag = DuplicateFlag.objects.select_for_update().get(pk=flag.pk)
        flag.resolved_at = timezone.now()
        flag.resolved_by = actor
        flag.resolution = resolution
        flag.save(update_fields=["resolved_at", "resolved_by", "resolution"])
        audit_record(
            actor=actor, action="applicant.duplicate_resolved", target=flag, data={"resolution": resolution}
        )
    return flag


def duplicates_resolve(*, flags: QuerySet[DuplicateFlag], actor: User, resolution: str) -> int:
    """Mark every open flag of ``flags`` resolved with one note (one UPDATE, one audit row per flag)."""
    with transaction.atomic():
        ids = list(
            flags.filter(resolved_at__isnull=True)
            .select_for_update()
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        DuplicateFlag.objects.filter(pk__in=ids).update(
            resolved_at=timezone.now(), resolved_by=actor, resolution=resolution
        )
        AuditEvent.objects.bulk_create(
            (
                AuditEvent(
                    actor=actor,
                    action="applicant.duplicate_resolved",
                    target_type=DuplicateFlag._meta.label_lower,
                    target_id=str(pk),
                    data={"resolution": resolution},
                )
                for pk in ids
            ),
            batch_size=1000,
        )
    return len(ids)


def application_start(*, user: User, cycle: Cycle, now: dt.datetime) -> Application:
    """Open (or return) the applicant's draft for `cycle`; only while pre-registration or applications run."""
    applicant = Applicant.objects.filter(user=user).first()
    if applicant is None:
        raise ApplicationError(_("Your account has no applicant record. Contact the programme officer."))
    existing = Application.objects.filter(applicant=applicant, cycle=cycle).first()
    if existing is not None:
        return existing
    refusal = windows.start_refusal(cycle, now)
    if refusal:
        raise ApplicationError(refusal)
    track = cycle.tracks.order_by("kind").first()
    if track is None:
        raise ApplicationError(_("No track is offered in %(cycle)s yet.") % {"cycle": cycle.code})
    try:
        with transaction.atomic():
            application = Application.objects.create(applicant=applicant, cycle=cycle, track=track)
            audit_record(
                actor=user, action="application.started", target=application, data={"cycle": cycle.code}
            )
    except IntegrityError:  # the same person double-clicked "start": the first one won
        return Application.objects.get(applicant=applicant, cycle=cycle)
    return application


def _ensure_editable(application: Application, now: dt.datetime) -> None:
    if application.status != Status.DRAFT:
        raise ApplicationError(_("This application has been submitted and can no longer be changed."))
    if windows.past_deadline(application.cycle, now):
        raise ApplicationError(
            _("The deadline has passed (%(closes)s): the application can no longer be changed.")
            % {"closes": windows.format_instant(application.cycle.applications_close)}
        )


def draft_step_store(
    *, application: Application, step: str, data: dict[str, list[str]], is_valid: bool, now: dt.datetime
) -> DraftStep:
    """Keep what was typed in one step exactly as typed (valid or not)."""
    _ensure_editable(application, now)
    draft, _created = DraftStep.objects.update_or_create(
        application=application, step=step, defaults={"data": data, "is_valid": is_valid}
    )
    return draft


def application_personal_save(
    *, application: Application, actor: User, data: dict[str, Any], now: dt.datetime
) -> None:
    _ensure_editable(application, now)
    applicant = application.applicant
    with transaction.atomic():
        for field in (
            "family_name",
            "given_name",
            "family_name_kana",
            "given_name_kana",
            "birth_date",
            "sex",
        ):
            setattr(applicant, field, data[field])
        applicant.nationalities = data["nationalities"]
        applicant.save()
        applicant_flag_duplicates(applicant=applicant)


def _replace_rows(application: Application, model: type[Any], rows: list[dict[str, Any]]) -> None:
    model.objects.filter(application=application).delete()
    model.objects.bulk_create([model(application=application, **row) for row in rows])


def application_degrees_save(
    *, application: Application, rows: list[dict[str, Any]], now: dt.datetime
) -> None:
    _ensure_editable(application, now)
    with transaction.atomic():
        _replace_rows(application, Degree, rows)


def application_employment_save(
    *, application: Application, rows: list[dict[str, Any]], now: dt.datetime
) -> None:
    _ensure_editable(application, now)
    for row in rows:  # the forms check this too; the service never stores a reversed period
        if row["end"] is not None and row["end"] < row["start"]:
            raise ApplicationError(_("An employment period cannot end before it starts."))
    with transaction.atomic():
        _replace_rows(application, EmploymentPeriod, rows)


def application_languages_save(
    *, application: Application, rows: list[dict[str, Any]], now: dt.datetime
) -> None:
    _ensure_editable(application, now)
    with transaction.atomic():
        _replace_rows(application, LanguageTest, rows)


def application_service_save(*, application: Application, data: dict[str, Any], now: dt.datetime) -> None:
    _ensure_editable(application, now)
    fields = [
        "is_civil_servant",
        "ministry",
        "civil_servant_position",
        "former_jpo",
        "international_organization_staff",
        "prior_service_details",
    ]
    for field in fields:
        setattr(application, field, data[field])
    if not application.is_civil_servant:
        application.ministry = None
        application.civil_servant_position = ""
    application.save(update_fields=[*fields, "updated_at"])


def application_preferences_save(
    *,
    application: Application,
    track: Track,
    choices: list[tuple[Organization, Post | None]],
    now: dt.datetime,
) -> None:
    _ensure_editable(application, now)
    if track.cycle_id != application.cycle_id:
        raise ApplicationError(_("Choose a track of this cycle."), field="track")
    partners = set(
        partner_organizations(fiscal_year=application.cycle.fiscal_year).values_list("pk", flat=True)
    )
    for rank, (organization, _post) in enumerate(choices, start=1):
        if organization.pk not in partners:
            raise ApplicationError(
                _("%(code)s has no JPO agreement for %(cycle)s: choose one of the organizations listed.")
                % {"code": organization.code, "cycle": application.cycle},
                field=f"organization_{rank}",
            )
    with transaction.atomic():
        application.track = track
        application.save(update_fields=["track", "updated_at"])
        Preference.objects.filter(application=application).delete()
        Preference.objects.bulk_create(
            [
                Preference(application=application, organization=organization, post=post, rank=rank)
                for rank, (organization, post) in enumerate(choices, start=1)
            ]
        )


def document_store(
    *,
    application: Application,
    actor: User,
    kind: str,
    upload: UploadedFile,
    sha256: str,
    pages: int,
    now: dt.datetime,
) -> Document:
    """Store one checked PDF under a generated name, replacing the previous file of that kind."""
    _ensure_editable(application, now)
    document = Document(
        application=application,
        kind=kind,
        original_name=(upload.name or "document.pdf")[-255:],
        size=upload.size or 0,
        sha256=sha256,
        pages=pages,
    )
    upload.seek(0)
    document.file.save("document.pdf", upload, save=False)
    try:
        with transaction.atomic():
            old = list(Document.objects.select_for_update().filter(application=application, kind=kind))
            for previous in old:
                previous.delete()
                _delete_file_on_commit(previous.file.name)
            document.save()
            audit_record(
                actor=actor,
                action="document.uploaded",
                target=application,
                data={"kind": kind, "sha256": sha256, "size": document.size},
            )
    except Exception:
        if document.file.name:
            default_storage.delete(document.file.name)
        raise
    return document


def _delete_file_on_commit(name: str | None) -> None:
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


def document_delete(*, document: Document, actor: User, now: dt.datetime) -> None:
    _ensure_editable(document.application, now)
    name = document.file.name
    with transaction.atomic():
        document.delete()
        audit_record(
            actor=actor, action="document.deleted", target=document.application, data={"kind": document.kind}
        )
        _delete_file_on_commit(name)


def receipt_number_for(application: Application) -> str:
    """`JPO-<fiscal year>-<application number>`: unique (one application per applicant and cycle) and
    drawn without any lock, so a deadline surge never queues on a shared counter."""
    return f"JPO-{application.cycle.fiscal_year}-{application.pk:06d}"


def application_submit(
    *, application: Application, actor: User, language: str, now: dt.datetime, status_url: str = ""
) -> tuple[Submission, bool]:
    """Submit: check the window, completeness and eligibility, freeze a snapshot, give a receipt number.

    Idempotent: a second call (a double-clicked button) returns the existing submission and
    `created=False`, sending nothing. Raises ApplicationError with the reason otherwise.
    """
    from jpo.applications import selectors

    with transaction.atomic():
        # One query locks the row and reads what the checks, the snapshot and the e-mail need (the row
        # only: the joined rows are not locked); the related lists follow in one query each.
        locked = selectors.application_with_relations(
            Application.objects.select_for_update(of=("self",))
        ).get(pk=application.pk)
        if locked.status != Status.DRAFT:
            submission = Submission.objects.filter(application=locked).first()
            if submission is not None:
                return submission, False
            raise ApplicationError(
                _("This application is “%(status)s” and cannot be submitted.")
                % {"status": locked.get_status_display()}
            )
        refusal = windows.submission_refusal(locked.cycle, now)
        if refusal:
            raise ApplicationError(refusal)
        selectors.application_prefetch_for_submission(locked)  # everything, loaded once
        missing = selectors.application_missing(locked)
        if missing:
            raise ApplicationError(" ".join(str(item["message"]) for item in missing))
        result = selfcheck.run(locked)
        if not result.available:
            raise ApplicationError(result.error or _("The eligibility check could not be run."))
        failed = [c for c in result.criteria if c["outcome"] == "failed"]
        if failed:
            key = "ja" if language.startswith("ja") else "en"
            raise ApplicationError(
                _(
                    "You do not meet every eligibility criterion, so the application cannot be submitted: %(why)s"
                )
                % {"why": " ".join(c["message"][key] for c in failed)}
            )
        receipt = receipt_number_for(locked)
        # The row is locked since the first read: move it here, without a second lock and read.
        _transition_locked(
            current=locked,
            target=Status.SUBMITTED,
            actor=actor,
            reason="submitted by the applicant",
            also={"receipt_number": receipt},
        )
        check = EligibilityCheck.objects.create(
            application=locked,
            kind=CheckKind.SUBMISSION,
            eligible=result.eligible,
            needs_review=result.needs_review,
            rules_version=result.rules_version,
            criteria=result.criteria,
        )
        if locked.is_civil_servant and locked.ministry_id is not None:
            EndorsementRequest.objects.get_or_create(
                application=locked, defaults={"ministry_id": locked.ministry_id}
            )
        assert locked.submitted_at is not None
        snapshot = selectors.application_snapshot(locked, receipt_number=receipt, check=check)
        digest = hashlib.sha256(
            json.dumps(snapshot, sort_keys=True, ensure_ascii=False).encode("utf-8")
        ).hexdigest()
        submission = Submission.objects.create(
            application=locked,
            receipt_number=receipt,
            submitted_at=locked.submitted_at,
            snapshot=snapshot,
            snapshot_sha256=digest,
        )
        audit_record(
            actor=actor,
            action="application.submitted",
            target=locked,
            data={"receipt_number": receipt, "snapshot_sha256": digest},
        )
        notifications.submission_confirmation(submission=submission, language=language, status_url=status_url)
        if locked.is_civil_servant:
            notifications.endorsement_requested(application=locked)
    for name in ("status", "submitted_at", "receipt_number", "version", "updated_at"):
        setattr(application, name, getattr(locked, name))  # what was written, without reading it back
    return submission, True


WITHDRAWABLE = frozenset(s for s, nxt in TRANSITIONS.items() if Status.WITHDRAWN in nxt)


def application_withdraw(
    *, application: Application, actor: User, reason: str, now: dt.datetime
) -> StatusChange:
    """The applicant withdraws, before the deadline only."""
    if windows.past_deadline(application.cycle, now):
        raise ApplicationError(
            _("The deadline has passed (%(closes)s): to withdraw now, write to the programme officer.")
            % {"closes": windows.format_instant(application.cycle.applications_close)}
        )
    if application.status not in WITHDRAWABLE:
        raise ApplicationError(_("This application can no longer be withdrawn."))
    try:
        return application_transition(
            application=application,
            to=Status.WITHDRAWN,
            actor=actor,
            reason=reason or "withdrawn by the applicant",
        )
    except IllegalTransition as error:
        raise ApplicationError(str(error)) from error


def eligibility_check_mark_reviewed(*, check: EligibilityCheck, actor: User) -> None:
    with transaction.atomic():
        EligibilityCheck.objects.filter(pk=check.pk).update(reviewed_at=timezone.now(), reviewed_by=actor)
        audit_record(actor=actor, action="eligibility.reviewed", target=check.application)


# --- The ministry's endorsement of a civil servant's application -----------------------------------

ENDORSEMENT_DECISIONS = frozenset({EndorsementStatus.ENDORSED, EndorsementStatus.DECLINED})


class EndorsementError(DomainError):
    """The decision cannot be recorded. `already_decided` tells a second decision (HTTP 409) apart."""

    code = "endorsement.refused"

    def __init__(self, message: str, *, field: str | None = None, already_decided: bool = False) -> None:
        super().__init__(message, field=field)
        self.already_decided = already_decided
        if already_decided:
            self.status_code = 409


def endorsement_decide(
    *,
    endorsement: EndorsementRequest,
    actor: User,
    decision: str,
    reason: str = "",
    now: dt.datetime,
) -> EndorsementRequest:
    """The ministry HR officer endorses or declines (declining needs a written reason).

    One decision per request: a second one (another officer, a stale page, a double click) is
    refused with `already_decided=True` and nothing is written. The applicant is told by e-mail,
    in their preferred language, once the decision is committed.
    """
    reason = reason.strip()
    if decision not in ENDORSEMENT_DECISIONS:
        raise EndorsementError(_("Choose to endorse or to decline."), field="decision")
    if decision == EndorsementStatus.DECLINED and not reason:
        raise EndorsementError(_("Write the reason for declining the endorsement."), field="reason")
    with transaction.atomic():
        locked = (
            EndorsementRequest.objects.select_for_update()
            .select_related("application")
            .get(pk=endorsement.pk)
        )
        if not access.is_ministry_hr(actor) or locked.ministry_id != actor.ministry_id:
            raise EndorsementError(_("Only your own ministry's endorsement requests can be decided."))
        if locked.status != EndorsementStatus.REQUESTED:
            raise EndorsementError(
                _("This endorsement request was already decided (%(status)s); nothing was changed.")
                % {"status": locked.get_status_display()},
                already_decided=True,
            )
        if locked.application.status == Status.WITHDRAWN:
            raise EndorsementError(_("The applicant withdrew this application; no decision is needed."))
        locked.status = decision
        locked.reason = reason
        locked.decided_at = now
        locked.decided_by = actor
        locked.full_clean(exclude=["application", "ministry"])
        locked.save(update_fields=["status", "reason", "decided_at", "decided_by"])
        audit_record(
            actor=actor,
            action=f"endorsement.{decision}",
            target=locked.application,
            data={"endorsement": locked.pk, "ministry": locked.ministry_id, "reason": reason},
        )
        notifications.endorsement_decided(endorsement=locked)
    endorsement.refresh_from_db()
    return endorsement


# --- Personal data: who read it ---------------------------------------------------------------------


def personal_data_read(*, actor: User, applicant_id: int, what: str, target: Model, path: str = "") -> None:
    """Record that `actor` read an applicant's personal data (`what`: the page or file). The applicant's
    own reads are not recorded: the log answers who else saw it."""
    from jpo.applications.models import PersonalDataAccess

    if not actor.is_authenticated or Applicant.objects.filter(pk=applicant_id, user_id=actor.pk).exists():
        return
    PersonalDataAccess.objects.create(
        actor=actor,
        applicant_id=applicant_id,
        what=what,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        path=path[:300],
    )


def personal_data_read_many(
    *, actor: User, reads: Iterable[tuple[int, Model]], what: str, path: str = ""
) -> None:
    """`personal_data_read` for a list page: one row per (applicant id, object) shown, in one query."""
    from jpo.applications.models import PersonalDataAccess

    if not actor.is_authenticated:
        return
    own = set(Applicant.objects.filter(user_id=actor.pk).values_list("pk", flat=True))
    PersonalDataAccess.objects.bulk_create(
        PersonalDataAccess(
            actor=actor,
            applicant_id=applicant_id,
            what=what,
            target_type=target._meta.label_lower,
            target_id=str(target.pk),
            path=path[:300],
        )
        for applicant_id, target in reads
        if applicant_id not in own
    )


# --- Personal data: anonymising a closed cycle after the retention period ---------------------------

# Statuses of an application still in selection; a cycle with any of them is not closed. Drafts left
# after the deadline are abandoned, not in progress.
IN_SELECTION = frozenset(
    {
        Status.SUBMITTED,
        Status.ELIGIBLE,
        Status.UNDER_REVIEW,
        Status.SHORTLISTED,
        Status.INTERVIEW,
        Status.PASSED,
        Status.RECOMMENDED,
        Status.FORWARDED,
    }
)


class PurgeRefused(DomainError):
    """The cycle may not be anonymised (yet); the message says why."""

    code = "purge.refused"
    status_code = 409


@dataclass(frozen=True)
class PurgePlan:
    cycle: Cycle
    closed_at: dt.datetime
    purge: list[int]  # applicant ids to anonymise
    kept_selected: int  # selected or dispatched: their data serves the dispatch and the alumni record
    kept_other_cycle: int  # also applied in a cycle still open or within the retention period
    already: int


def cycle_closed_at(*, cycle: Cycle, now: dt.datetime) -> dt.datetime | None:
    """When the cycle closed: its window has closed and no application is still in selection; the moment
    is the later of the deadline and the last status change. None while it is not closed."""
    from django.db.models import Max

    if cycle.applications_close is not None and cycle.applications_close > now:
        return None
    applications = Application.objects.filter(cycle=cycle)
    if applications.filter(status__in=IN_SELECTION).exists():
        return None
    last = StatusChange.objects.filter(application__cycle=cycle).aggregate(at=Max("at"))["at"]
    moments = [m for m in (cycle.applications_close, last) if m is not None]
    return max(moments) if moments else None


def _retention() -> dt.timedelta:
    from django.conf import settings

    days = settings.JPO_PERSONAL_DATA_RETENTION_DAYS
    if days is None:
        raise PurgeRefused(
            _(
                "No retention period is set: set JPO_PERSONAL_DATA_RETENTION_DAYS (days after a cycle "
                "closes during which applicants' personal data is kept)."
            )
        )
    return dt.timedelta(days=days)


def cycle_purge_plan(*, cycle: Cycle, now: dt.datetime) -> PurgePlan:
    """Which applicants of `cycle` `jpo purge` would anonymise, and why the others are kept."""
    retention = _retention()
    closed_at = cycle_closed_at(cycle=cycle, now=now)
    if closed_at is None:
        raise PurgeRefused(
            _("%(cycle)s is not closed: applications are still in selection or its window is open.")
            % {"cycle": cycle.code}
        )
    if closed_at + retention > now:
        raise PurgeRefused(
            _("%(cycle)s closed on %(closed)s; its retention period ends on %(ends)s.")
            % {
                "cycle": cycle.code,
                "closed": timezone.localdate(closed_at).isoformat(),
                "ends": timezone.localdate(closed_at + retention).isoformat(),
            }
        )
    purgeable_cycles: dict[int, bool] = {cycle.pk: True}
    purge: list[int] = []
    kept_selected = kept_other = already = 0
    applicants = (
        Applicant.objects.filter(applications__cycle=cycle).distinct().prefetch_related("applications__cycle")
    )
    for applicant in applicants.order_by("pk"):
        if applicant.purged_at is not None:
            already += 1
            continue
        apps = list(applicant.applications.all())
        if any(a.status == Status.SELECTED or hasattr(a, "dispatch") for a in apps):
            kept_selected += 1
            continue
        for a in apps:
            if a.cycle_id not in purgeable_cycles:
                other = cycle_closed_at(cycle=a.cycle, now=now)
                purgeable_cycles[a.cycle_id] = other is not None and other + retention <= now
        if not all(purgeable_cycles[a.cycle_id] for a in apps):
            kept_other += 1
            continue
        purge.append(applicant.pk)
    return PurgePlan(cycle, closed_at, purge, kept_selected, kept_other, already)


def _generalised_birth_date(birth_date: dt.date, references: list[dt.date]) -> dt.date:
    """The latest date that gives the same age (in whole years, jpo.policy.age_on) on every reference
    date as the real one: statistics by age stay the same, the day of birth is gone."""
    from jpo.policy import age_on

    def years_before(day: dt.date, years: int) -> dt.date:
        try:
            return day.replace(year=day.year - years)
        except ValueError:  # 29 February in a common year
            return day.replace(year=day.year - years, day=28)

    references = [ref for ref in references if ref >= birth_date]
    ages = [age_on(birth_date, ref) for ref in references]
    # Each reference bounds the birth date from above near `ref - age years` (a day later under the
    # Japanese rule that a year is added on the eve of the birthday); the tightest bound that still
    # gives every age is the answer. The real date always qualifies, so the search ends there at worst.
    candidates = {
        years_before(ref, age) + dt.timedelta(days=k)
        for ref, age in zip(references, ages, strict=True)
        for k in (0, 1)
    }
    for candidate in sorted(candidates | {birth_date}, reverse=True):
        if candidate >= birth_date and all(
            candidate <= ref and age_on(candidate, ref) == age
            for ref, age in zip(references, ages, strict=True)
        ):
            return candidate
    return birth_date  # unreachable: the real date qualifies


def cycle_purge(*, plan: PurgePlan, now: dt.datetime, actor: User | None = None) -> int:
    """Anonymise the applicants of `plan`: names, contact, exact birth date, free texts, documents, draft
    data, the submitted snapshot, e-mails and history go; what statistics count (status history, track,
    sex, age on each reference date, civil-servant flag, ministry, organizations, degree levels, test
    scores) stays. All or nothing: the apps above erase their own texts in the same transaction
    (`jpo.applications.interface.applicant_purging`)."""
    from jpo.applications.interface import applicant_purging
    from jpo.outbox.models import Email

    with transaction.atomic():
        for applicant in Applicant.objects.select_for_update().filter(
            pk__in=plan.purge, purged_at__isnull=True
        ):
            applications = list(applicant.applications.select_related("cycle"))
            app_ids = [a.pk for a in applications]
            user = applicant.user
            addresses = {applicant.email} | ({user.email} if user is not None else set())
            placeholder = f"anonymised-{applicant.pk}@example.invalid"
            for document in Document.objects.filter(application_id__in=app_ids):
                document.file.delete(save=False)
            Document.objects.filter(application_id__in=app_ids).delete()
            DraftStep.objects.filter(application_id__in=app_ids).delete()
            Submission.objects.filter(application_id__in=app_ids).update(snapshot={}, snapshot_sha256="")
            Degree.objects.filter(application_id__in=app_ids).update(field="", institution="")
            EmploymentPeriod.objects.filter(application_id__in=app_ids).update(
                employer="", title="", description=""
            )
            StatusChange.objects.filter(application_id__in=app_ids).update(reason="")
            EndorsementRequest.objects.filter(application_id__in=app_ids).exclude(status="declined").update(
                reason=""
            )
            EndorsementRequest.objects.filter(application_id__in=app_ids, status="declined").update(
                reason="-"
            )
            # The apps above erase what they keep about these applications (the selection: reviews'
            # and interviews' comments, conflicts' reasons, result e-mails): see `interface`.
            applicant_purging.send(sender=Applicant, application_ids=app_ids, placeholder=placeholder)
            Email.objects.filter(recipient__in=addresses).update(recipient=placeholder, subject="", body="")
            DuplicateFlag.objects.filter(Q(applicant=applicant) | Q(other=applicant)).delete()
            Application.objects.filter(pk__in=app_ids).update(
                civil_servant_position="", prior_service_details=""
            )
            references = [a.cycle.reference_date or a.cycle.starts_on for a in applications]
            Applicant.objects.filter(pk=applicant.pk).update(
                family_name="",
                given_name="",
                family_name_kana="",
                given_name_kana="",
                email=placeholder,
                birth_date=_generalised_birth_date(applicant.birth_date, references),
                purged_at=now,
            )
            # The change history holds every earlier value: it goes too.
            Applicant.history.filter(id=applicant.pk).delete()
            Application.history.filter(id__in=app_ids).delete()
            if user is not None:
                user.username = f"anonymised-{user.pk}"
                user.email = f"anonymised-user-{user.pk}@example.invalid"
                user.first_name = user.last_name = ""
                user.is_active = False
                user.set_unusable_password()
                user.save()
                AuditEvent.objects.filter(target_type="accounts.user", target_id=str(user.pk)).update(data={})
        audit_record(
            actor=actor,
            action="cycle.personal_data_purged",
            target=plan.cycle,
            data={"applicants": len(plan.purge), "closed_at": plan.closed_at.isoformat()},
        )
    return len(plan.purge)

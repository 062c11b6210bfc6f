"""Writes of rule sets (see the package docstring for the contract). Every write is atomic and audited."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from jpo import policy
from jpo.accounts.models import User
from jpo.accounts.services import audit_record
from jpo.programme.models import Cycle, RuleSet, RuleSetParameter, RuleSetStatus
from jpo.programme.rules.documents import parse_rule_set_document
from jpo.programme.rules.errors import RuleSetError
from jpo.programme.rules.selectors import parameter_entry, rule_set_entries, starting_rules
from jpo.safety.versions import StaleEdit, version_claim

S = RuleSetStatus
RULE_SET_TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.PUBLISHED}),
    S.PUBLISHED: frozenset({S.SUPERSEDED}),
    S.SUPERSEDED: frozenset(),
}


def _transition(
    *, rule_set: RuleSet, to: str, actor: User | None, data: dict[str, Any] | None = None
) -> None:
    if to not in RULE_SET_TRANSITIONS[rule_set.status]:
        raise RuleSetError(
            f"a {RuleSetStatus(rule_set.status).label.lower()} rule set cannot become "
            f"{RuleSetStatus(to).label.lower()}"
        )
    previous = rule_set.status
    rule_set.status = to
    fields = ["status"]
    if to == S.PUBLISHED:
        rule_set.published_at = timezone.now()
        rule_set.published_by = actor if actor is not None and actor.is_authenticated else None
        fields += ["published_at", "published_by"]
    rule_set.save(update_fields=fields)
    audit_record(
        actor=actor,
        action="programme.rule_set.status",
        target=rule_set,
        data={"cycle": rule_set.cycle.code, "from": previous, "to": to, **(data or {})},
    )


def _row_fields(entry: Mapping[str, Any]) -> dict[str, Any]:
    source = entry.get("source") or {}
    return {
        "value": entry.get("value"),
        "exceptions": dict(entry.get("exceptions") or {}),
        "candidates": list(entry.get("candidates") or []),
        "uncertain": bool(entry.get("uncertain", False)),
        "source_label": str(source.get("label") or ""),
        "source_url": str(source.get("url") or ""),
        "note": str(entry.get("note") or ""),
    }


def _write_draft(
    *, cycle: Cycle, entries: Mapping[str, Mapping[str, Any]], based_on: str, actor: User | None
) -> RuleSet:
    """Create the cycle's draft with `entries`, or replace the values of the existing draft."""
    draft = RuleSet.objects.select_for_update().filter(cycle=cycle, status=S.DRAFT).first()
    if draft is None:
        draft = RuleSet.objects.create(
            cycle=cycle,
            status=S.DRAFT,
            based_on=based_on[:200],
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        bulk_create_with_history(
            [RuleSetParameter(rule_set=draft, name=name, **_row_fields(e)) for name, e in entries.items()],
            RuleSetParameter,
            default_user=actor if actor is not None and actor.is_authenticated else None,
        )
        audit_record(
            actor=actor,
            action="programme.rule_set.create",
            target=draft,
            data={"cycle": cycle.code, "based_on": based_on},
        )
        return draft
    rows = {row.name: row for row in draft.parameters.all()}
    changed = []
    for name, entry in entries.items():
        fields = _row_fields(entry)
        row = rows.pop(name, None)
        if row is None:
            RuleSetParameter.objects.create(rule_set=draft, name=name, **fields)
            changed.append(name)
            continue
        if any(getattr(row, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(row, k, v)
            row.save()  # one row at a time, so that each change has its history record
            changed.append(name)
    for row in rows.values():
        row.delete()
        changed.append(row.name)
    draft.based_on = based_on[:200]
    draft.save(update_fields=["based_on"])
    audit_record(
        actor=actor,
        action="programme.rule_set.replace",
        target=draft,
        data={"cycle": cycle.code, "based_on": based_on, "changed": sorted(changed)},
    )
    return draft


@transaction.atomic
def rule_set_create_for_cycle(*, cycle: Cycle, actor: User | None) -> RuleSet:
    """A new draft for `cycle`, copied from the newest rules that apply (see the package docstring)."""
    Cycle.objects.select_for_update().filter(pk=cycle.pk).first()  # one draft at a time per cycle
    if RuleSet.objects.filter(cycle=cycle, status=S.DRAFT).exists():
        raise RuleSetError(f"{cycle.code} already has a draft rule set")
    based_on, entries = starting_rules(cycle)
    return _write_draft(cycle=cycle, entries=entries, based_on=based_on, actor=actor)


def _window_opened(cycle: Cycle) -> bool:
    return cycle.applications_open is not None and cycle.applications_open <= timezone.now()


@transaction.atomic
def rule_set_update_parameter(
    *,
    rule_set: RuleSet,
    name: str,
    value: Any,
    source_label: str = "",
    source_url: str = "",
    note: str = "",
    actor: User | None,
    reason: str | None = None,
    exceptions: Mapping[str, Any] | None = None,
    candidates: list[Any] | None = None,
    uncertain: bool | None = None,
    expected_version: int | None = None,
) -> RuleSetParameter:
    """Set one parameter of a draft, validated; see the package docstring. `expected_version`: the
    parameter's version the form was read at (0: not in the draft yet); `StaleEdit` if it moved on."""
    locked = RuleSet.objects.select_for_update().select_related("cycle").get(pk=rule_set.pk)
    if locked.status != S.DRAFT:
        raise RuleSetError(
            f"only a draft can be changed; this {locked.cycle.code} rule set is {locked.get_status_display()}"
        )
    if name not in policy.parameter_names():
        raise RuleSetError(
            f"{name}: not a parameter the policy knows", problems={name: ["unknown parameter"]}
        )
    if _window_opened(locked.cycle) and not (reason or "").strip():
        raise RuleSetError(
            f"{name}: a reason is required: the {locked.cycle.code} application window has opened",
            problems={name: ["a reason is required once the application window has opened"]},
        )
    row = locked.parameters.select_for_update().filter(name=name).first()
    read_version = row.version if row is not None else 0
    if expected_version is not None and expected_version != read_version:
        raise StaleEdit()
    current = parameter_entry(row) if row is not None else {}
    raw: dict[str, Any] = {
        "value": value,
        "source": {"label": source_label, "url": source_url or None},
        "note": note,
        "exceptions": current.get("exceptions") if exceptions is None else exceptions,
        "candidates": current.get("candidates") if candidates is None else candidates,
        "uncertain": current.get("uncertain", False) if uncertain is None else uncertain,
    }
    if value != "unknown" and candidates is None:
        raw["candidates"] = None  # possible values only describe an unknown value
    entry = policy.normalize_entry(raw)
    problems = policy.validate_entry(name, entry, fiscal_year=locked.cycle.fiscal_year)
    if problems:
        raise RuleSetError("; ".join(problems), problems={name: problems})
    fields = _row_fields(entry)
    if row is None:
        row = RuleSetParameter(rule_set=locked, name=name)
    for k, v in fields.items():
        setattr(row, k, v)
    row.version = read_version + 1
    row.save()
    version_claim(locked, expected_version=None)  # a publish form read before this change is stale
    audit_record(
        actor=actor,
        action="programme.rule_set.parameter",
        target=locked,
        data={"cycle": locked.cycle.code, "name": name, "old": current, "new": entry, "reason": reason or ""},
    )
    rule_set.refresh_from_db()
    return row


@transaction.atomic
def rule_set_publish(
    *,
    rule_set: RuleSet,
    actor: User | None,
    confirm_unknown: bool = False,
    expected_version: int | None = None,
) -> RuleSet:
    """Publish a draft: it governs its cycle from now on; the published one it replaces is superseded.
    `expected_version`: the draft's version the officer reviewed (`StaleEdit` if it changed since)."""
    locked = RuleSet.objects.select_for_update().select_related("cycle").get(pk=rule_set.pk)
    version_claim(locked, expected_version=expected_version)
    code = locked.cycle.code
    if locked.status != S.DRAFT:
        raise RuleSetError(
            f"only a draft can be published; this {code} rule set is {locked.get_status_display()}"
        )
    entries = rule_set_entries(locked)
    problems: dict[str, list[str]] = {}
    for name in policy.parameter_names():
        if name not in entries:
            problems[name] = [f"{name}: missing from the rule set"]
        else:
            found = policy.validate_entry(name, entries[name], fiscal_year=locked.cycle.fiscal_year)
            if found:
                problems[name] = found
    if problems:
        raise RuleSetError("; ".join(p for ps in problems.values() for p in ps), problems=problems)
    unknown = policy.unknown_criterion_parameters(entries)
    if unknown and not confirm_unknown:
        raise RuleSetError(
            f"{code}: {', '.join(unknown)} unknown; applications that depend on them would go to review "
            "(confirm to publish anyway)",
            unknown=unknown,
        )
    current = RuleSet.objects.select_for_update().filter(cycle=locked.cycle, status=S.PUBLISHED).first()
    if current is not None:
        _transition(rule_set=current, to=S.SUPERSEDED, actor=actor, data={"by": locked.pk})
    locked.unknown_confirmed = unknown
    locked.save(update_fields=["unknown_confirmed"])
    _transition(rule_set=locked, to=S.PUBLISHED, actor=actor, data={"unknown_confirmed": unknown})
    return locked


@transaction.atomic
def rule_set_load(*, data: Any, actor: User | None) -> RuleSet:
    """Create or replace the draft of the cycle named in `data` (the `jpo rules show` document)."""
    fiscal_year, entries = parse_rule_set_document(data)
    cycle = Cycle.objects.select_for_update().filter(fiscal_year=fiscal_year).first()
    if cycle is None:
        cycle = Cycle(fiscal_year=fiscal_year)
        cycle.full_clean()
        cycle.save()
        audit_record(
            actor=actor, action="programme.cycle.create", target=cycle, data={"fiscal_year": fiscal_year}
        )
    return _write_draft(cycle=cycle, entries=entries, based_on="loaded from a file", actor=actor)

"""Writes about the programme's reference data: organizations, agreements, ministries, cycles, tracks.

Every function is an idempotent upsert by natural key (organization code, ministry code, fiscal year,
cycle + track kind, organization + first fiscal year). It writes and audits only what changed, so
loading the same reference data twice writes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from django.db import models, transaction

from jpo import policy
from jpo.accounts.models import User
from jpo.accounts.services import audit_record
from jpo.core.errors import DomainError
from jpo.programme.models import Agreement, Cycle, Ministry, Organization, Track, TrackKind
from jpo.safety.versions import version_claim

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")

Change = Literal["created", "updated", "unchanged"]
M = TypeVar("M", bound=models.Model)


class ReferenceDataError(DomainError, ValueError):
    """A reference-data file is malformed; the message names the file and the row."""

    code = "reference_data.invalid"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _upsert(
    *, model: type[M], lookup: Mapping[str, Any], values: Mapping[str, Any], actor: User | None, action: str
) -> tuple[M, Change]:
    """Create the row found by `lookup`, or update the fields of `values` that differ. Audits a change."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        audit_record(
            actor=actor,
            action=f"{action}.create",
            target=obj,
            data={
                k: _jsonable(v) for k, v in {**lookup, **values}.items() if not isinstance(v, models.Model)
            },
        )
        return obj, "created"
    changed = {}
    for name, value in values.items():
        old = getattr(obj, name)
        if old != value:
            changed[name] = {"old": _jsonable(old), "new": _jsonable(value)}
            setattr(obj, name, value)
    if not changed:
        return obj, "unchanged"
    obj.full_clean()
    obj.save(update_fields=list(changed))
    audit_record(actor=actor, action=f"{action}.update", target=obj, data=changed)
    return obj, "updated"


@transaction.atomic
def organization_upsert(
    *,
    code: str,
    name_en: str,
    name_ja: str,
    kind: str,
    headquarters: str = "",
    source: str = "",
    actor: User | None = None,
) -> tuple[Organization, Change]:
    return _upsert(
        model=Organization,
        lookup={"code": code},
        values={
            "name_en": name_en,
            "name_ja": name_ja,
            "kind": kind,
            "headquarters": headquarters,
            "source": source,
        },
        actor=actor,
        action="programme.organization",
    )


@transaction.atomic
def agreement_upsert(
    *,
    organization: Organization,
    starts_fiscal_year: int,
    ends_fiscal_year: int | None = None,
    source: str,
    actor: User | None = None,
) -> tuple[Agreement, Change]:
    return _upsert(
        model=Agreement,
        lookup={"organization": organization, "starts_fiscal_year": starts_fiscal_year},
        values={"ends_fiscal_year": ends_fiscal_year, "source": source},
        actor=actor,
        action="programme.agreement",
    )


@transaction.atomic
def ministry_upsert(
    *, code: str, name_en: str, name_ja: str, actor: User | None = None
) -> tuple[Ministry, Change]:
    return _upsert(
        model=Ministry,
        lookup={"code": code},
        values={"name_en": name_en, "name_ja": name_ja},
        actor=actor,
        action="programme.ministry",
    )


@transaction.atomic
def cycle_upsert(
    *,
    fiscal_year: int,
    reference_date: dt.date | None = None,
    preregistration_opens: dt.datetime | None = None,
    preregistration_closes: dt.datetime | None = None,
    applications_open: dt.datetime | None = None,
    applications_close: dt.datetime | None = None,
    source: str = "",
    actor: User | None = None,
) -> tuple[Cycle, Change]:
    """Upsert one cycle. Slots and budget are left alone (officers set them; no public source gives them per cycle)."""
    for name, value in {
        "preregistration_opens": preregistration_opens,
        "preregistration_closes": preregistration_closes,
        "applications_open": applications_open,
        "applications_close": applications_close,
    }.items():
        if value is not None and value.tzinfo is None:
            raise ValueError(f"{name} of FY{fiscal_year} must be an aware datetime")
    return _upsert(
        model=Cycle,
        lookup={"fiscal_year": fiscal_year},
        values={
            "reference_date": reference_date,
            "preregistration_opens": preregistration_opens,
            "preregistration_closes": preregistration_closes,
            "applications_open": applications_open,
            "applications_close": applications_close,
            "source": source,
        },
        actor=actor,
        action="programme.cycle",
    )


@transaction.atomic
def track_upsert(
    *, cycle: Cycle, kind: str, organizations: Iterable[Organization] = (), actor: User | None = None
) -> tuple[Track, Change]:
    """Upsert the track `kind` of `cycle` and set exactly `organizations` on it."""
    track, change = _upsert(
        model=Track, lookup={"cycle": cycle, "kind": kind}, values={}, actor=actor, action="programme.track"
    )
    wanted = {o.pk for o in organizations}
    current = set(track.organizations.values_list("pk", flat=True))
    if wanted != current:
        track.organizations.set(wanted)
        if change == "unchanged":
            change = "updated"
        codes = sorted(Organization.objects.filter(pk__in=wanted).values_list("code", flat=True))
        audit_record(
            actor=actor, action="programme.track.organizations", target=track, data={"organizations": codes}
        )
    return track, change


# --- Reference data files ------------------------------------------------------------------------


def _read_yaml(name: str) -> dict[str, Any]:
    path = REFERENCE_DIR / name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ReferenceDataError(f"{path.name}: cannot be read ({exc})") from exc
    if not isinstance(data, dict):
        raise ReferenceDataError(f"{path.name}: expected a mapping at the top level")
    return data


def _instant(value: Any, *, where: str) -> dt.datetime | None:
    if value is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise ReferenceDataError(f"{where}: {value!r} is not an ISO 8601 date-time") from exc
    if parsed.utcoffset() != dt.timedelta(hours=9):
        raise ReferenceDataError(f"{where}: {value!r} must carry the Asia/Tokyo offset +09:00")
    return parsed.astimezone(TOKYO)


def _date(value: Any, *, where: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ReferenceDataError(f"{where}: {value!r} is not an ISO 8601 date") from exc


@dataclass(frozen=True)
class CycleFacts:
    """What cycles.yaml says about one cycle beyond the model fields (published funnel figures)."""

    fiscal_year: int
    applicants: int | None = None
    offers: int | None = None
    offers_by_track: dict[str, int] = field(default_factory=dict)


def reference_organizations() -> list[dict[str, Any]]:
    return list(_read_yaml("organizations.yaml")["organizations"])


def census_partner_codes() -> dict[str, str]:
    """Codes of the staff statistics -> the partner's code (`census_codes` in organizations.yaml)."""
    return {
        str(census).strip().upper(): str(row["code"])
        for row in reference_organizations()
        for census in row.get("census_codes") or []
    }


def reference_ministries() -> list[dict[str, Any]]:
    rows = _read_yaml("ministries.yaml")["ministries"]
    for row in rows:
        row["established"] = _date(
            row.get("established"), where=f"ministries.yaml {row.get('code')}.established"
        )
    return list(rows)


def reference_cycles() -> list[dict[str, Any]]:
    """The cycles of `reference/cycles.yaml`, each with its windows as ISO instants (Asia/Tokyo) and its
    `source` text derived from jpo.policy's cycles.yaml (the one source of the windows and their
    citations); the reference file adds only published counts and a `note`."""
    rows = []
    for i, row in enumerate(_read_yaml("cycles.yaml")["cycles"], start=1):
        try:
            fiscal_year = int(row["fiscal_year"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ReferenceDataError(f"cycles.yaml row {i} (FY{row.get('fiscal_year')}): {exc}") from exc
        info = policy.cycles().get(fiscal_year)
        if info is None:
            raise ReferenceDataError(f"cycles.yaml row {i} (FY{fiscal_year}): not a cycle of jpo.policy")
        rows.append({**row, **_policy_window(info, note=str(row.get("note") or ""))})
    return rows


def _opening(day: dt.date | None, time: str | None) -> str | None:
    return None if day is None else f"{day.isoformat()}T{time or '00:00'}:00+09:00"


def _closing(day: dt.date | None, time: str | None) -> str | None:
    """A closing day without a published time, or a published "23:59", ends at 23:59:59 (that second
    is still accepted)."""
    if day is None:
        return None
    return f"{day.isoformat()}T{'23:59:59' if time in (None, '23:59') else f'{time}:00'}+09:00"


def _policy_window(info: policy.CycleInfo, *, note: str) -> dict[str, Any]:
    """The window fields of a reference cycle row, from the policy's record of the cycle."""
    window = info.applications
    row: dict[str, Any] = {
        "applications_open": _opening(window.opens, window.opens_time),
        "applications_close": _closing(window.closes, window.closes_time),
    }
    if info.pre_registration is not None:
        row["preregistration_opens"] = _opening(info.pre_registration.opens, info.pre_registration.opens_time)
        row["preregistration_closes"] = _closing(
            info.pre_registration.closes, info.pre_registration.closes_time
        )
    if window.opens and window.closes:
        said = f"Applications {window.opens.isoformat()} to {window.closes.isoformat()}"
    elif window.opens:
        said = f"Window opened {window.opens.isoformat()} (closing date not found)"
    else:
        said = "Window not found" + (
            f"; guidelines published {info.published.isoformat()}" if info.published else ""
        )
    cited = "; ".join(f"{s.label} {s.url}" if s.url else s.label for s in (info.source, *info.see_also) if s)
    parts = [f"{said}: {cited}" if cited else said]
    if window.opens and not window.opens_time:
        if window.closes and window.closes_time:
            parts.append("Opening time of day not published: recorded as 00:00 JST (project convention)")
        elif window.closes:
            parts.append(
                "Time of day not published: recorded as 00:00 JST opening, 23:59:59 JST closing, the whole"
                " last day (project convention)"
            )
        else:
            parts.append("Time of day not published: recorded as 00:00 JST (project convention)")
    if note:
        parts.append(note)
    row["source"] = ". ".join(parts)
    return row


def reference_cycle_facts() -> dict[int, CycleFacts]:
    facts = {}
    for row in reference_cycles():
        published = row.get("published") or {}
        facts[int(row["fiscal_year"])] = CycleFacts(
            fiscal_year=int(row["fiscal_year"]),
            applicants=published.get("applicants"),
            offers=published.get("offers"),
            offers_by_track=dict(published.get("offers_by_track") or {}),
        )
    return facts


# The organization track (国際機関選考枠) starts in FY2019 (FY2019: UNDP, WFP, OECD; docs/sources.md, section 2).
ORGANIZATION_TRACK_FIRST_YEAR = 2019


def organization_track_codes(fiscal_year: int) -> list[str] | None:
    """Codes of the organization-track organizations in `fiscal_year`, read from jpo.policy.

    [] when the cycle has no organization track (before FY2019); None when it has one but the policy
    does not know the list (FY2022-FY2025: no public source gives it).
    """
    if fiscal_year < ORGANIZATION_TRACK_FIRST_YEAR:
        return []
    value = policy.parameter("organization_track", fiscal_year).value
    return None if value is policy.UNKNOWN else list(value)


def cycle_reference_date(fiscal_year: int) -> dt.date | None:
    """The age reference date of the cycle from jpo.policy (None where the policy says unknown)."""
    value = policy.parameter("age_reference_date", fiscal_year).value
    return None if value is policy.UNKNOWN else policy.resolve_date(value, fiscal_year)


def max_organizations(fiscal_year: int) -> int | None:
    """How many organizations an application may name (jpo.policy; None where unknown)."""
    value = policy.parameter("max_organizations", fiscal_year).value
    return None if value is policy.UNKNOWN else int(value)


@dataclass
class LoadCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, change: Change) -> None:
        setattr(self, change, getattr(self, change) + 1)

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


@transaction.atomic
def programme_load_reference_data(
    *, actor: User | None = None, only_missing: bool = False
) -> dict[str, LoadCounts]:
    """Upsert organizations, agreements, ministries, cycles FY2017-FY2026 and their tracks.

    With `only_missing`, rows that exist already (by natural key) are left exactly as they are, so
    what an officer has edited since (a cycle's deadline, an organization's name) survives (`jpo demo`).

    Organizations, ministries and cycle windows come from the YAML files of `reference/`; the cycles'
    age reference dates and the organization-track organizations come from `jpo.policy`.

    All or nothing: a malformed row raises `ReferenceDataError` naming the file and row, and nothing is written.
    """
    counts = {
        name: LoadCounts() for name in ("organizations", "agreements", "ministries", "cycles", "tracks")
    }
    organizations: dict[str, Organization] = {}
    if only_missing:
        organizations = {o.code: o for o in Organization.objects.all()}
        present_agreements = set(Agreement.objects.values_list("organization__code", "starts_fiscal_year"))
        present_ministries = set(Ministry.objects.values_list("code", flat=True))
        present_cycles = set(Cycle.objects.values_list("fiscal_year", flat=True))
    for i, row in enumerate(reference_organizations(), start=1):
        where = f"organizations.yaml row {i} ({row.get('code')})"
        if only_missing and row.get("code") in organizations:
            counts["organizations"].add("unchanged")
            agreement = row.get("agreement") or {}
            key = (row.get("code"), int(agreement.get("starts_fiscal_year", 0)))
            if key in present_agreements:
                counts["agreements"].add("unchanged")
                continue
            _, change = agreement_upsert(
                organization=organizations[row["code"]],
                starts_fiscal_year=int(agreement["starts_fiscal_year"]),
                ends_fiscal_year=agreement.get("ends_fiscal_year"),
                source=agreement["source"],
                actor=actor,
            )
            counts["agreements"].add(change)
            continue
        try:
            org, change = organization_upsert(
                code=row["code"],
                name_en=row["name_en"],
                name_ja=row["name_ja"],
                kind=row["kind"],
                headquarters=row.get("headquarters", ""),
                source=row["source"],
                actor=actor,
            )
            counts["organizations"].add(change)
            organizations[org.code] = org
            agreement = row["agreement"]
            _, change = agreement_upsert(
                organization=org,
                starts_fiscal_year=int(agreement["starts_fiscal_year"]),
                ends_fiscal_year=agreement.get("ends_fiscal_year"),
                source=agreement["source"],
                actor=actor,
            )
            counts["agreements"].add(change)
        except KeyError as exc:
            raise ReferenceDataError(f"{where}: missing field {exc}") from exc
        except Exception as exc:
            if isinstance(exc, ReferenceDataError):
                raise
            raise ReferenceDataError(f"{where}: {exc}") from exc
    for row in reference_organizations():
        codes = [str(c) for c in row.get("census_codes") or []]
        if codes and row.get("code") in organizations:
            partner = organizations[row["code"]]
            Organization.objects.filter(code__in=codes).exclude(pk=partner.pk).update(partner=partner)
    for i, row in enumerate(reference_ministries(), start=1):
        if only_missing and row.get("code") in present_ministries:
            counts["ministries"].add("unchanged")
            continue
        try:
            _, change = ministry_upsert(
                code=row["code"], name_en=row["name_en"], name_ja=row["name_ja"], actor=actor
            )
        except KeyError as exc:
            raise ReferenceDataError(f"ministries.yaml row {i}: missing field {exc}") from exc
        counts["ministries"].add(change)
    for i, row in enumerate(reference_cycles(), start=1):
        where = f"cycles.yaml row {i} (FY{row.get('fiscal_year')})"
        if only_missing and row.get("fiscal_year") in present_cycles:
            counts["cycles"].add("unchanged")
            continue  # its tracks too: an officer may have changed them
        try:
            fiscal_year = int(row["fiscal_year"])
            cycle, change = cycle_upsert(
                fiscal_year=fiscal_year,
                reference_date=cycle_reference_date(fiscal_year),
                preregistration_opens=_instant(
                    row.get("preregistration_opens"), where=f"{where}.preregistration_opens"
                ),
                preregistration_closes=_instant(
                    row.get("preregistration_closes"), where=f"{where}.preregistration_closes"
                ),
                applications_open=_instant(row.get("applications_open"), where=f"{where}.applications_open"),
                applications_close=_instant(
                    row.get("applications_close"), where=f"{where}.applications_close"
                ),
                source=row["source"],
                actor=actor,
            )
        except KeyError as exc:
            raise ReferenceDataError(f"{where}: missing field {exc}") from exc
        except ReferenceDataError:
            raise
        except Exception as exc:
            raise ReferenceDataError(f"{where}: {exc}") from exc
        counts["cycles"].add(change)
        _, change = track_upsert(cycle=cycle, kind=TrackKind.MOFA, actor=actor)
        counts["tracks"].add(change)
        if fiscal_year < ORGANIZATION_TRACK_FIRST_YEAR:
            continue
        codes = organization_track_codes(fiscal_year) or []
        if codes:
            unknown = [c for c in codes if c not in organizations]
            if unknown:
                raise ReferenceDataError(
                    f"organization track FY{fiscal_year}: unknown organizations {unknown}"
                )
        # Where the policy does not know the list (None), the track exists with no organizations set.
        _, change = track_upsert(
            cycle=cycle,
            kind=TrackKind.ORGANIZATION,
            organizations=[organizations[c] for c in codes],
            actor=actor,
        )
        counts["tracks"].add(change)
    return counts


# --- Cycles created and edited by the officer ------------------------------------------------------


class CycleError(DomainError, ValueError):
    """A cycle the officer asked for cannot be saved as given; `field` names the form field at fault."""

    code = "cycle.invalid"


@dataclass(frozen=True)
class CycleWindows:
    """The two windows of a cycle, as aware instants (None where not decided yet)."""

    preregistration_opens: dt.datetime | None = None
    preregistration_closes: dt.datetime | None = None
    applications_open: dt.datetime | None = None
    applications_close: dt.datetime | None = None


def cycle_windows_errors(*, fiscal_year: int, windows: CycleWindows) -> list[tuple[str, str]]:
    """Every problem with the windows of cycle `fiscal_year`, as (field, message), in both languages.

    A window lies between 1 April of the year before the fiscal year and 31 March after it (calls seen
    so far ran from January to May around the start of the fiscal year); each closes after it opens;
    pre-registration opens no later than applications and closes no later than they do.
    """
    from django.utils.translation import gettext as _

    from jpo.programme.windows import format_instant

    errors: list[tuple[str, str]] = []
    earliest = dt.datetime(fiscal_year - 1, 4, 1, tzinfo=TOKYO)
    latest = dt.datetime(fiscal_year + 1, 3, 31, 23, 59, 59, tzinfo=TOKYO)
    values = {
        "preregistration_opens": windows.preregistration_opens,
        "preregistration_closes": windows.preregistration_closes,
        "applications_open": windows.applications_open,
        "applications_close": windows.applications_close,
    }
    for name, value in values.items():
        if value is None:
            continue
        if value.tzinfo is None:
            raise ValueError(f"{name} must be an aware datetime")
        if not earliest <= value <= latest:
            errors.append(
                (
                    name,
                    _("A date of FY%(fy)s must lie between %(earliest)s and %(latest)s.")
                    % {
                        "fy": fiscal_year,
                        "earliest": format_instant(earliest),
                        "latest": format_instant(latest),
                    },
                )
            )
    pairs = [
        (
            "applications_close",
            windows.applications_open,
            windows.applications_close,
            _("The application window must close after it opens."),
        ),
        (
            "preregistration_closes",
            windows.preregistration_opens,
            windows.preregistration_closes,
            _("The pre-registration window must close after it opens."),
        ),
    ]
    for name, opens, closes, message in pairs:
        if opens is not None and closes is not None and closes <= opens:
            errors.append((name, message))
    p_opens, a_open = windows.preregistration_opens, windows.applications_open
    if p_opens is not None and a_open is not None and p_opens > a_open:
        errors.append(
            (
                "preregistration_opens",
                _("Pre-registration cannot open after the application window opens."),
            )
        )
    p_closes, a_close = windows.preregistration_closes, windows.applications_close
    if p_closes is not None and a_close is not None and p_closes > a_close:
        errors.append(
            (
                "preregistration_closes",
                _("Pre-registration cannot close after the application window closes."),
            )
        )
    both = _("Give both the opening and the closing time of a window, or neither.")
    for opens_name, closes_name in (
        ("preregistration_opens", "preregistration_closes"),
        ("applications_open", "applications_close"),
    ):
        if values[opens_name] is None and values[closes_name] is not None:
            errors.append((opens_name, both))
        elif values[opens_name] is not None and values[closes_name] is None:
            errors.append((closes_name, both))
    return errors


def _track_errors(*, fiscal_year: int, organizations: Iterable[Organization]) -> list[tuple[str, str]]:
    """Organizations of the organization track must accept Japanese JPOs in that fiscal year."""
    from django.utils.translation import gettext as _

    errors = []
    for org in organizations:
        covered = any(
            a.starts_fiscal_year <= fiscal_year
            and (a.ends_fiscal_year is None or fiscal_year <= a.ends_fiscal_year)
            for a in org.agreements.all()
        )
        if not covered:
            errors.append(
                (
                    "organizations",
                    _("%(org)s has no agreement with Japan covering FY%(fy)s.")
                    % {"org": org.code, "fy": fiscal_year},
                )
            )
    return errors


def _raise_first(errors: list[tuple[str, str]]) -> None:
    if errors:
        field_name, message = errors[0]
        raise CycleError(message, field=field_name)


def _set_tracks(
    *,
    cycle: Cycle,
    mofa_track: bool,
    organization_track: bool,
    organizations: list[Organization],
    actor: User,
) -> None:
    from django.utils.translation import gettext as _

    if not mofa_track and not organization_track:
        raise CycleError(_("A cycle needs at least one track."), field="mofa_track")
    if organization_track and not organizations:
        raise CycleError(
            _("Choose the organizations that run their own second stage in the organization track."),
            field="organizations",
        )
    if organizations and not organization_track:
        raise CycleError(
            _("Organizations belong to the organization track: tick it, or clear the organizations."),
            field="organization_track",
        )
    for kind, wanted, orgs in (
        (TrackKind.MOFA, mofa_track, []),
        (TrackKind.ORGANIZATION, organization_track, organizations),
    ):
        existing = Track.objects.filter(cycle=cycle, kind=kind).first()
        if wanted:
            track_upsert(cycle=cycle, kind=kind, organizations=orgs, actor=actor)
        elif existing is not None:
            if existing.applications.exists():
                raise CycleError(
                    _("The %(track)s already has applications: it cannot be removed.")
                    % {"track": existing.get_kind_display()},
                    field="mofa_track" if kind == TrackKind.MOFA else "organization_track",
                )
            audit_record(actor=actor, action="programme.track.delete", target=existing, data={"kind": kind})
            existing.delete()


@transaction.atomic
def cycle_create(
    *,
    fiscal_year: int,
    windows: CycleWindows,
    slots: int | None,
    mofa_track: bool,
    organization_track: bool,
    organizations: Iterable[Organization] = (),
    source: str = "",
    max_organizations: int | None = None,
    actor: User,
) -> Cycle:
    """Create cycle `fiscal_year` with its windows, slots and tracks, and its draft rule set (a copy of
    the newest rules, see `rule_set_create_for_cycle`) with the organizations an applicant may list and
    those of the organization track; raises CycleError naming the field.

    All or nothing: nothing is written unless every check passes.
    """
    from django.utils.translation import gettext as _

    if not 1974 <= fiscal_year <= 2100:
        raise CycleError(_("Give a fiscal year between 1974 and 2100."), field="fiscal_year")
    if Cycle.objects.select_for_update().filter(fiscal_year=fiscal_year).exists():
        raise CycleError(
            _("FY%(fy)s already exists: open it to edit it.") % {"fy": fiscal_year}, field="fiscal_year"
        )
    orgs = list(organizations)
    _raise_first(
        cycle_windows_errors(fiscal_year=fiscal_year, windows=windows)
        + _track_errors(fiscal_year=fiscal_year, organizations=orgs)
    )
    cycle = Cycle(
        fiscal_year=fiscal_year,
        preregistration_opens=windows.preregistration_opens,
        preregistration_closes=windows.preregistration_closes,
        applications_open=windows.applications_open,
        applications_close=windows.applications_close,
        slots=slots,
        source=source,
    )
    cycle.full_clean()
    cycle.save()
    audit_record(
        actor=actor,
        action="programme.cycle.create",
        target=cycle,
        data={
            "fiscal_year": fiscal_year,
            "slots": slots,
            **{k: _jsonable(v) for k, v in windows.__dict__.items()},
        },
    )
    _set_tracks(
        cycle=cycle,
        mofa_track=mofa_track,
        organization_track=organization_track,
        organizations=orgs,
        actor=actor,
    )
    _start_rules(
        cycle=cycle, max_organizations=max_organizations, organizations=orgs, source=source, actor=actor
    )
    return cycle


def _start_rules(
    *,
    cycle: Cycle,
    max_organizations: int | None,
    organizations: list[Organization],
    source: str,
    actor: User,
) -> None:
    from django.utils.translation import gettext as _

    from jpo.programme.rules.errors import RuleSetError
    from jpo.programme.rules.services import rule_set_create_for_cycle, rule_set_update_parameter

    draft = rule_set_create_for_cycle(cycle=cycle, actor=actor)
    given: dict[str, Any] = {"organization_track": sorted(o.code for o in organizations) or None}
    if max_organizations is not None:
        given["max_organizations"] = max_organizations
    for name, value in given.items():
        try:
            rule_set_update_parameter(
                rule_set=draft,
                name=name,
                value=value,
                source_label=source,
                note="Set by the programme officer when the cycle was created.",
                reason="cycle created",
                actor=actor,
            )
        except RuleSetError as error:
            raise CycleError(
                _("This value is refused by the rules: %(why)s") % {"why": error},
                field="max_organizations" if name == "max_organizations" else "organizations",
            ) from error


@transaction.atomic
def cycle_update(
    *,
    cycle: Cycle,
    windows: CycleWindows,
    slots: int | None,
    mofa_track: bool,
    organization_track: bool,
    organizations: Iterable[Organization] = (),
    source: str = "",
    actor: User,
    expected_version: int | None = None,
) -> Cycle:
    """Change a cycle's windows, slots and tracks (its fiscal year stays); audits what changed.
    `expected_version`: the cycle's version the form was read at (`StaleEdit` if it moved on)."""
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    version_claim(cycle, expected_version=expected_version)
    orgs = list(organizations)
    _raise_first(
        cycle_windows_errors(fiscal_year=cycle.fiscal_year, windows=windows)
        + _track_errors(fiscal_year=cycle.fiscal_year, organizations=orgs)
    )
    cycle, _change = _upsert(
        model=Cycle,
        lookup={"fiscal_year": cycle.fiscal_year},
        values={**windows.__dict__, "slots": slots, "source": source},
        actor=actor,
        action="programme.cycle",
    )
    _set_tracks(
        cycle=cycle,
        mofa_track=mofa_track,
        organization_track=organization_track,
        organizations=orgs,
        actor=actor,
    )
    return cycle


# --- The cycle's window, for the rules pages (publishing and re-screening: jpo.selection.services.rules)


def cycle_window_opened(cycle: Cycle, now: dt.datetime) -> bool:
    return cycle.applications_open is not None and cycle.applications_open <= now

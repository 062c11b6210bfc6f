"""Writes: CSV imports of the inputs of the desirable ranges, and loading the shipped reference data.

Every import reads and checks the whole file first: every row and every cell, each error a
`core.tabular.RowError` naming the row and the column; a file with any error is refused with
`ImportRefused` listing them all. Otherwise it writes everything in one transaction. Imports are idempotent: rows are keyed (a State's
ISO code, and the period, year or date) and a row already present with the same values is left alone;
a changed value is updated. A load that changes something records a `DataLoad` and an audit event.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jpo.accounts.models import User
from jpo.accounts.services import audit_record
from jpo.core.tabular import ImportRefused, RowError
from jpo.leases import LeaseLost, heartbeat, stale
from jpo.programme.labels import member_state_names_ja
from jpo.representation.models import (
    AssessmentRate,
    DataLoad,
    MemberState,
    Population,
    PublishedStatusCount,
    ReferenceLoad,
    ReferenceLoadStatus,
    RepresentationStatus,
    StaffCount,
)
from jpo.representation.validation import (
    WHOLE_FILE,
    FileErrors,
    Row,
    parse_date,
    parse_decimal,
    parse_iso3,
    parse_period,
    parse_text,
    parse_whole,
    read_rows,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
MEMBER_STATES_FILE = DATA_DIR / "un_member_states.csv"
SCALE_FILE = DATA_DIR / "un_scale_of_assessments.csv"
POPULATION_FILE = DATA_DIR / "population.csv"
STAFF_FILE = DATA_DIR / "japan_staff.csv"
PUBLISHED_COUNTS_FILE = DATA_DIR / "published_status_counts.csv"

# Sources of the shipped files (data/SOURCES.md); a `source` column in a file takes precedence.
SOURCE_MEMBER_STATES = (
    "datasets/country-codes, data/country-codes.csv (commit caa72d1e, PDDL), UNTERM short names; "
    "UN admission dates where two listings agree"
)
SOURCE_POPULATION = (
    "World Bank SP.POP.TOTL (mid-year population) via datasets/population, data/population.csv "
    "(commit 425fc447, PDDL)"
)
SCALE_RESOLUTIONS = {
    "2016-2018": "GA resolution 70/245",
    "2019-2021": "GA resolution 73/271",
    "2022-2024": "GA resolution 76/238",
    "2025-2027": "adopted by the General Assembly in December 2024",
}
SOURCE_SCALE = (
    "UN regular-budget scale of assessments {period} ({resolution}), transcribed in "
    "tierravivaai/cali-fund-allocation-model, data-raw/UNGA_scale_of_assessment.csv (commit 49a54de2)"
)

# The rates of one period must add up to 100 per cent within this tolerance. 193 rates published to three
# decimals can drift from 100 by at most 193 x 0.0005 = 0.0965 through rounding alone; the shipped periods
# add up to exactly 100.000.
RATE_SUM_TOLERANCE = Decimal("0.1")


class TextSink(Protocol):
    """Where progress lines go: a text stream or a management command's `self.stdout`."""

    def write(self, text: str, /) -> Any: ...


def _refused(message: str) -> ImportRefused:
    """A refusal that is about no row of a file (a load already running, or stopped)."""
    return ImportRefused([RowError(0, WHOLE_FILE, message)], message=message)


@dataclass(frozen=True)
class ImportResult:
    dataset: str
    file_name: str
    read: int
    created: int
    updated: int
    unchanged: int
    skipped: int

    def summary(self) -> str:
        return _(
            "%(dataset)s: %(read)s rows read, %(created)s created, %(updated)s updated, "
            "%(unchanged)s unchanged, %(skipped)s skipped"
        ) % {
            "dataset": self.dataset,
            "read": self.read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
        }


def _read(path: Path | str, required: Sequence[str]) -> tuple[list[Row], FileErrors]:
    errors = FileErrors(Path(path).name)
    return read_rows(path, required=required, errors=errors), errors


def _states_by_iso3() -> dict[str, MemberState]:
    return {state.iso3: state for state in MemberState.objects.all()}


def _write(
    *,
    dataset: str,
    path: Path | str,
    model: type[models.Model],
    key: Callable[[Any], tuple[Any, ...]],
    existing: Iterable[Any],
    wanted: dict[tuple[Any, ...], dict[str, Any]],
    fields: Sequence[str],
    read: int,
    skipped: int,
    actor: User | None,
) -> ImportResult:
    """Create the missing rows, update the changed ones, leave the rest; all in one transaction."""
    current = {key(obj): obj for obj in existing}
    to_create = []
    to_update = []
    for row_key, values in wanted.items():
        obj = current.get(row_key)
        if obj is None:
            to_create.append(model(**values))
        elif any(getattr(obj, name) != values[name] for name in fields):
            for name in fields:
                setattr(obj, name, values[name])
            to_update.append(obj)
    result = ImportResult(
        dataset=dataset,
        file_name=Path(path).name,
        read=read,
        created=len(to_create),
        updated=len(to_update),
        unchanged=len(wanted) - len(to_create) - len(to_update),
        skipped=skipped,
    )
    if to_create or to_update:
        with transaction.atomic():
            model._default_manager.bulk_create(to_create, batch_size=500)
            if to_update:
                model._default_manager.bulk_update(to_update, list(fields), batch_size=500)
            load = DataLoad.objects.create(
                actor=actor if actor is not None and actor.is_authenticated else None,
                dataset=dataset,
                file_name=result.file_name,
                rows_read=result.read,
                rows_created=result.created,
                rows_updated=result.updated,
                rows_unchanged=result.unchanged,
                rows_skipped=result.skipped,
            )
            audit_record(
                actor=actor,
                action="representation.import",
                target=load,
                data={
                    "dataset": dataset,
                    "file": result.file_name,
                    "created": result.created,
                    "updated": result.updated,
                },
            )
    return result


def member_states_import(*, path: Path | str = MEMBER_STATES_FILE, actor: User | None = None) -> ImportResult:
    """Columns iso3, m49, name, admission_date (blank allowed), optional name_ja and source. Without a
    name_ja column the Japanese name comes from the shipped list (programme.labels.member_state_names_ja)."""
    rows, errors = _read(path, ["iso3", "m49", "name", "admission_date"])
    names_ja = member_state_names_ja()
    wanted: dict[tuple[Any, ...], dict[str, Any]] = {}
    for line, row in rows:
        before = len(errors)
        iso3 = errors.cell(parse_iso3, row["iso3"], line=line)
        m49 = row["m49"]
        if not (len(m49) == 3 and m49.isdigit()):
            errors.add(line, "m49", _("“%(value)s” is not a three-digit M49 code") % {"value": m49})
        values = {
            "iso3": iso3,
            "m49": m49,
            "name": errors.cell(parse_text, row["name"], line=line, column="name"),
            "name_ja": (row.get("name_ja") or "").strip() or names_ja.get(iso3 or "", ""),
            "admission_date": errors.cell(
                parse_date, row["admission_date"], line=line, column="admission_date", required=False
            ),
            "source": errors.cell(
                parse_text,
                row.get("source") or SOURCE_MEMBER_STATES,
                line=line,
                column="source",
                max_length=500,
            ),
        }
        if iso3 is not None and (iso3,) in wanted:
            errors.add(line, "iso3", _("%(iso3)s appears twice") % {"iso3": iso3})
        if len(errors) == before:
            wanted[(iso3,)] = values
    errors.check()
    return _write(
        dataset="member_states",
        path=path,
        model=MemberState,
        key=lambda obj: (obj.iso3,),
        existing=MemberState.objects.all(),
        wanted=wanted,
        fields=["m49", "name", "name_ja", "admission_date", "source"],
        read=len(rows),
        skipped=0,
        actor=actor,
    )


def assessment_rates_import(*, path: Path | str = SCALE_FILE, actor: User | None = None) -> ImportResult:
    """Columns iso3, period (e.g. 2016-2018), rate_pct (per cent, at most 3 decimals), optional source.

    Every State must already be a Member State; each period's rates must add up to 100 per cent within
    `RATE_SUM_TOLERANCE`.
    """
    rows, errors = _read(path, ["iso3", "period", "rate_pct"])
    states = _states_by_iso3()
    wanted: dict[tuple[Any, ...], dict[str, Any]] = {}
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for line, row in rows:
        before = len(errors)
        iso3 = errors.cell(parse_iso3, row["iso3"], line=line)
        if iso3 is not None and iso3 not in states:
            errors.add(line, "iso3", _("%(iso3)s is not a Member State") % {"iso3": iso3})
        years = errors.cell(parse_period, row["period"], line=line)
        rate = errors.cell(parse_decimal, row["rate_pct"], line=line, column="rate_pct", places=3)
        if rate is not None and rate > 100:
            errors.add(line, "rate_pct", _("%(value)s is above 100") % {"value": rate})
        period = row["period"]
        source = row.get("source") or SOURCE_SCALE.format(
            period=period, resolution=SCALE_RESOLUTIONS.get(period, "resolution not recorded")
        )
        source = errors.cell(parse_text, source, line=line, column="source", max_length=500)
        if (iso3, period) in wanted:
            errors.add(
                line, "iso3", _("%(iso3)s appears twice for %(period)s") % {"iso3": iso3, "period": period}
            )
        if len(errors) > before:
            continue
        start, end = years
        wanted[(iso3, period)] = {
            "state": states[iso3],
            "period": period,
            "start_year": start,
            "end_year": end,
            "rate_pct": rate,
            "source": source,
        }
        sums[period] += rate
    for period, total in sorted(sums.items()):
        if abs(total - 100) > RATE_SUM_TOLERANCE:
            errors.add(
                0,
                "rate_pct",
                _("the rates for %(period)s add up to %(total)s per cent, not 100 (tolerance %(tolerance)s)")
                % {"period": period, "total": total, "tolerance": RATE_SUM_TOLERANCE},
            )
    errors.check()
    return _write(
        dataset="assessment_rates",
        path=path,
        model=AssessmentRate,
        key=lambda obj: (obj.state.iso3, obj.period),
        existing=AssessmentRate.objects.select_related("state"),
        wanted=wanted,
        fields=["start_year", "end_year", "rate_pct", "source"],
        read=len(rows),
        skipped=0,
        actor=actor,
    )


def populations_import(*, path: Path | str = POPULATION_FILE, actor: User | None = None) -> ImportResult:
    """Columns iso3, year, population, optional source. Economies that are not Member States are skipped."""
    rows, errors = _read(path, ["iso3", "year", "population"])
    states = _states_by_iso3()
    wanted: dict[tuple[Any, ...], dict[str, Any]] = {}
    skipped = 0
    for line, row in rows:
        before = len(errors)
        iso3 = errors.cell(parse_iso3, row["iso3"], line=line)
        year = errors.cell(parse_whole, row["year"], line=line, column="year", minimum=1900, maximum=32_767)
        if year is not None and year > 2100:
            errors.add(line, "year", _("%(value)s is not a plausible year") % {"value": year})
        population = errors.cell(
            parse_whole, row["population"], line=line, column="population", maximum=10**18
        )
        source = errors.cell(
            parse_text, row.get("source") or SOURCE_POPULATION, line=line, column="source", max_length=500
        )
        if len(errors) > before:
            continue
        if iso3 not in states:
            skipped += 1
            continue
        if (iso3, year) in wanted:
            errors.add(line, "iso3", _("%(iso3)s appears twice for %(year)s") % {"iso3": iso3, "year": year})
            continue
        wanted[(iso3, year)] = {
            "state": states[iso3],
            "year": year,
            "population": population,
            "source": source,
        }
    errors.check()
    return _write(
        dataset="populations",
        path=path,
        model=Population,
        key=lambda obj: (obj.state.iso3, obj.year),
        existing=Population.objects.select_related("state"),
        wanted=wanted,
        fields=["population", "source"],
        read=len(rows),
        skipped=skipped,
        actor=actor,
    )


def staff_counts_import(*, path: Path | str = STAFF_FILE, actor: User | None = None) -> ImportResult:
    """Columns iso3, as_of (date), staff, source; optional as_of_label and published_range."""
    rows, errors = _read(path, ["iso3", "as_of", "staff", "source"])
    states = _states_by_iso3()
    wanted: dict[tuple[Any, ...], dict[str, Any]] = {}
    for line, row in rows:
        before = len(errors)
        iso3 = errors.cell(parse_iso3, row["iso3"], line=line)
        if iso3 is not None and iso3 not in states:
            errors.add(line, "iso3", _("%(iso3)s is not a Member State") % {"iso3": iso3})
        as_of = errors.cell(parse_date, row["as_of"], line=line, column="as_of")
        if as_of is not None and (iso3, as_of) in wanted:
            errors.add(line, "as_of", _("%(iso3)s appears twice for this date") % {"iso3": iso3})
        values = {
            "state": states.get(iso3 or ""),
            "as_of": as_of,
            "as_of_label": row.get("as_of_label", "")[:40],
            "staff": errors.cell(parse_whole, row["staff"], line=line, column="staff"),
            "published_range": row.get("published_range", "")[:40],
            "source": errors.cell(parse_text, row["source"], line=line, column="source", max_length=500),
        }
        if len(errors) == before:
            wanted[(iso3, as_of)] = values
    errors.check()
    return _write(
        dataset="staff_counts",
        path=path,
        model=StaffCount,
        key=lambda obj: (obj.state.iso3, obj.as_of),
        existing=StaffCount.objects.select_related("state"),
        wanted=wanted,
        fields=["as_of_label", "staff", "published_range", "source"],
        read=len(rows),
        skipped=0,
        actor=actor,
    )


def published_status_counts_import(
    *, path: Path | str = PUBLISHED_COUNTS_FILE, actor: User | None = None
) -> ImportResult:
    """Columns as_of, status (unrepresented, under, within, over), count, source."""
    rows, errors = _read(path, ["as_of", "status", "count", "source"])
    wanted: dict[tuple[Any, ...], dict[str, Any]] = {}
    for line, row in rows:
        before = len(errors)
        as_of = errors.cell(parse_date, row["as_of"], line=line, column="as_of")
        status = row["status"]
        if status not in RepresentationStatus.values:
            errors.add(
                line,
                "status",
                _("“%(value)s” is not one of %(choices)s")
                % {"value": status, "choices": ", ".join(RepresentationStatus.values)},
            )
        elif as_of is not None and (as_of, status) in wanted:
            errors.add(line, "status", _("this status appears twice for this date"))
        values = {
            "as_of": as_of,
            "status": status,
            "count": errors.cell(parse_whole, row["count"], line=line, column="count"),
            "source": errors.cell(parse_text, row["source"], line=line, column="source", max_length=500),
        }
        if len(errors) == before:
            wanted[(as_of, status)] = values
    errors.check()
    return _write(
        dataset="published_status_counts",
        path=path,
        model=PublishedStatusCount,
        key=lambda obj: (obj.as_of, obj.status),
        existing=PublishedStatusCount.objects.all(),
        wanted=wanted,
        fields=["count", "source"],
        read=len(rows),
        skipped=0,
        actor=actor,
    )


def representation_load_reference_data(
    *,
    stdout: TextSink | None = None,
    actor: User | None = None,
    member_states: Path | str = MEMBER_STATES_FILE,
    scale: Path | str = SCALE_FILE,
    population: Path | str = POPULATION_FILE,
    staff: Path | str = STAFF_FILE,
    published_counts: Path | str = PUBLISHED_COUNTS_FILE,
) -> list[ImportResult]:
    """Load (or refresh) the shipped reference data; idempotent. Progress lines go to `stdout` if given.

    All five files are loaded in one transaction: if one fails, nothing is written.
    """
    steps: list[tuple[str, Callable[..., ImportResult], Path | str]] = [
        (_("Member States"), member_states_import, member_states),
        (_("Scales of assessments"), assessment_rates_import, scale),
        (_("Populations"), populations_import, population),
        (_("Staff in posts subject to geographical distribution"), staff_counts_import, staff),
        (_("Published counts by status"), published_status_counts_import, published_counts),
    ]
    now = timezone.now()
    reference_loads_expire(now=now)
    with transaction.atomic():
        # One load at a time; a load left by a killed process was just marked failed above.
        if ReferenceLoad.objects.select_for_update().filter(status=ReferenceLoadStatus.RUNNING).exists():
            raise _refused(_("Another load of the reference data is running: wait for it to finish."))
        run = ReferenceLoad.objects.create(
            actor=actor if actor is not None and actor.is_authenticated else None,
            status=ReferenceLoadStatus.RUNNING,
            heartbeat_at=now,
        )
    running: list[str] = [ReferenceLoadStatus.RUNNING]
    results = []
    try:
        with transaction.atomic():
            for number, (label, function, path) in enumerate(steps, start=1):
                heartbeat(ReferenceLoad, run.pk, now=timezone.now(), running=running)
                if stdout is not None:
                    stdout.write(f"[{number}/{len(steps)}] {label} ({Path(path).name}) …\n")
                result = function(path=path, actor=actor)
                results.append(result)
                if stdout is not None:
                    stdout.write(f"      {result.summary()}\n")
            finished = timezone.now()
            heartbeat(
                ReferenceLoad,
                run.pk,
                now=finished,
                running=running,
                status=ReferenceLoadStatus.DONE,
                finished_at=finished,
            )
    except LeaseLost:  # marked failed meanwhile (its lease ran out): nothing was written
        raise _refused(_("The load took too long and was stopped: nothing was loaded.")) from None
    except Exception as error:
        ReferenceLoad.objects.filter(pk=run.pk, status=ReferenceLoadStatus.RUNNING).update(
            status=ReferenceLoadStatus.FAILED, finished_at=timezone.now(), error=str(error)[:2000]
        )
        raise
    return results


def reference_loads_expire(*, now: dt.datetime) -> int:
    """Mark failed the loads whose process stopped (heartbeat older than the lease); they can be run again."""
    expired = 0
    for run in ReferenceLoad.objects.filter(stale(now=now, running=[ReferenceLoadStatus.RUNNING], queued=[])):
        since = timezone.localtime(run.heartbeat_at or run.created_at).strftime("%Y-%m-%d %H:%M")
        if ReferenceLoad.objects.filter(pk=run.pk, status=ReferenceLoadStatus.RUNNING).update(
            status=ReferenceLoadStatus.FAILED,
            finished_at=now,
            error=_(
                "The load stopped (no sign of progress since %(since)s): nothing was loaded. Run it again."
            )
            % {"since": since},
        ):
            audit_record(actor=None, action="representation.load_expired", target=run, data={})
            expired += 1
    return expired

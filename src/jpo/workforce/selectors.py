"""Reads for the workforce dashboard, exports and report. Aggregates only; a fixed number of queries.

Every row of every table carries its source and reference date (the `title` of the row and a column).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from jpo.placement.models import Dispatch, Outcome, OutcomeKind
from jpo.programme.labels import member_state_label, published_date_label
from jpo.programme.models import Organization
from jpo.workforce.importing import member_state_names, normalize_org_code
from jpo.workforce.models import (
    Category,
    CensusImport,
    CensusRow,
    CensusSource,
    FormerJpoFigure,
    Grade,
    Sex,
    Target,
)
from jpo.workforce.notes import note_label
from jpo.workforce.targets import TargetProgress

RETAINED_KINDS = (OutcomeKind.REGULAR_POST_SAME, OutcomeKind.OTHER_ORGANIZATION)
RANKING_SHOWN = 10
# Shares published without a count.
PUBLISHED_WOMEN_SHARES: tuple[tuple[dt.date, str, str, str], ...] = (
    (
        dt.date(2017, 12, 31),
        "end 2017",
        "61.3%",
        "[press] https://www.nyseikatsu.com/ny-news/12/2018/23957/ ; [Kono] https://ch.nicovideo.jp/taro/blomaga/ar1635418",
    ),
)


@dataclass
class Table:
    """A table shown on the dashboard and exportable as CSV or XLSX."""

    slug: str
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    row_titles: list[str] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)

    def add(self, cells: list[Any], title: str) -> None:
        self.rows.append(cells)
        self.row_titles.append(title)

    @property
    def lines(self) -> list[tuple[str, list[Any]]]:
        """(hover text naming source and reference date, cells) for each row."""
        return list(zip(self.row_titles, self.rows, strict=True))


@dataclass
class Observation:
    date: dt.date
    published: str  # the reference date as the source wrote it ("end 2024"); `label` reads it
    headcount: int
    source: str
    citation: str
    note: str = ""

    @property
    def label(self) -> str:
        """The reference date in the reader's language: "end 2024" / "2024年末" (programme.labels)."""
        return published_date_label(self.published)

    @property
    def source_label(self) -> str:
        return str(CensusSource(self.source).label)

    @property
    def hover(self) -> str:
        text = _("%(count)s · %(date)s · source: %(source)s · %(citation)s") % {
            "count": f"{self.headcount:,}",
            "date": self.label or self.date.isoformat(),
            "source": self.source_label,
            "citation": self.citation,
        }
        return f"{text} · {note_label(self.note)}" if self.note else text


@dataclass
class JapanSeries:
    """Japanese staff from one source and category, by reference date: totals, senior posts, women, variants."""

    source: str
    category: str
    total: dict[dt.date, Observation] = field(default_factory=dict)
    senior: dict[dt.date, Observation] = field(default_factory=dict)
    women: dict[dt.date, Observation] = field(default_factory=dict)
    senior_women: dict[dt.date, Observation] = field(default_factory=dict)
    p_level: dict[dt.date, Observation] = field(default_factory=dict)
    variants: list[tuple[str, Observation]] = field(default_factory=list)

    @property
    def dates(self) -> list[dt.date]:
        return sorted(set(self.total) | set(self.senior) | set(self.women))

    def missing_years(self) -> list[int]:
        years = {d.year for d in self.total}
        if not years:
            return []
        return [y for y in range(min(years), max(years) + 1) if y not in years]


def japan_series() -> dict[tuple[str, str], JapanSeries]:
    """Every Japan-wide series (all organizations), one per (source, category). One query."""
    rows = CensusRow.objects.filter(nationality="JPN", org_code="", entity="").only(
        "source",
        "reference_date",
        "reference_label",
        "category",
        "grade",
        "sex",
        "variant",
        "headcount",
        "citation",
        "note",
    )
    out: dict[tuple[str, str], JapanSeries] = {}
    for row in rows.order_by("reference_date", "variant"):
        series = out.setdefault(
            (row.source, row.category), JapanSeries(source=row.source, category=row.category)
        )
        obs = Observation(
            row.reference_date, row.reference_label, row.headcount, row.source, row.citation, row.note
        )
        if row.variant:
            series.variants.append((row.variant, obs))
            continue
        if row.grade == Grade.ALL and row.sex == Sex.ALL:
            series.total[row.reference_date] = obs
        elif row.grade == Grade.SENIOR and row.sex == Sex.ALL:
            series.senior[row.reference_date] = obs
        elif row.grade == Grade.ALL and row.sex == Sex.FEMALE:
            series.women[row.reference_date] = obs
        elif row.grade == Grade.SENIOR and row.sex == Sex.FEMALE:
            series.senior_women[row.reference_date] = obs
        elif row.grade == Grade.P_LEVEL and row.sex == Sex.ALL:
            series.p_level[row.reference_date] = obs
    return out


def mofa_series(all_series: dict[tuple[str, str], JapanSeries]) -> JapanSeries:
    return all_series.get(
        (CensusSource.MOFA, Category.PROFESSIONAL_HIGHER),
        JapanSeries(source=CensusSource.MOFA, category=Category.PROFESSIONAL_HIGHER),
    )


@dataclass
class TargetStatus:
    target: Target
    progress: TargetProgress
    latest: Observation | None


def target_statuses(all_series: dict[tuple[str, str], JapanSeries]) -> list[TargetStatus]:
    """Each active target against the latest figure of its series on or before its deadline."""
    statuses = []
    for target in Target.objects.filter(is_active=True):
        series = all_series.get((target.source, target.category))
        observations = {}
        if series is not None and target.nationality == "JPN":
            observations = series.senior if target.grade == Grade.SENIOR else series.total
        eligible = [d for d in observations if d <= target.deadline]
        latest = observations[max(eligible)] if eligible else None
        progress = TargetProgress(
            target=target.headcount,
            baseline=target.baseline_headcount,
            baseline_date=target.baseline_date,
            deadline=target.deadline,
            latest=latest.headcount if latest else None,
            latest_date=latest.date if latest else None,
        )
        statuses.append(TargetStatus(target=target, progress=progress, latest=latest))
    return statuses


def _pct(part: int | None, whole: int | None) -> str:
    if part is None or not whole:
        return ""
    return f"{100.0 * part / whole:.1f}%"


def _fmt(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:,.{digits}f}"


def table_targets(statuses: list[TargetStatus]) -> Table:
    table = Table(
        "targets",
        _("Targets: progress, gap and growth per year"),
        [
            _("Target"),
            _("Headcount"),
            _("Deadline"),
            _("Baseline"),
            _("Latest figure"),
            _("Latest reference date"),
            _("Progress"),
            _("Gap"),
            _("Growth needed per year (baseline to deadline)"),
            _("Growth achieved per year (baseline to latest)"),
            _("Growth needed per year from latest"),
            _("Source document"),
            _("Citation"),
        ],
    )
    for status in statuses:
        t, p = status.target, status.progress
        table.add(
            [
                t.display_name,
                t.headcount,
                t.deadline_shown,
                f"{t.baseline_headcount} ({t.baseline_shown})",
                p.latest if p.latest is not None else "",
                status.latest.label if status.latest else "",
                _fmt(p.progress_percent) + ("%" if p.progress_percent is not None else ""),
                p.gap if p.gap is not None else "",
                _fmt(p.needed_per_year),
                _fmt(p.achieved_per_year),
                _fmt(p.needed_per_year_from_latest),
                t.source_document,
                t.citation,
            ],
            f"{t.source_document} · {t.citation}",
        )
    table.footnotes.append(
        _(
            "Growth per year is headcount per year of 365.25 days between the reference dates. The latest figure is the newest one of the target's series on or before its deadline."
        )
    )
    return table


def table_mofa(series: JapanSeries) -> Table:
    table = Table(
        "mofa-series",
        _("Japanese staff in professional and higher posts (MOFA count)"),
        [
            _("Reference date"),
            _("Total"),
            _("Senior (D-1 and above)"),
            _("Women"),
            _("Share of women"),
            _("Women in senior posts"),
            _("Source"),
            _("Note"),
        ],
    )
    for date in series.dates:
        total, senior, women = series.total.get(date), series.senior.get(date), series.women.get(date)
        senior_women = series.senior_women.get(date)
        first = total or senior or women
        assert first is not None
        citations = " ; ".join(dict.fromkeys(o.citation for o in (total, senior, women) if o))
        notes = " ".join(dict.fromkeys(note_label(o.note) for o in (total, senior, women) if o and o.note))
        table.add(
            [
                first.label,
                total.headcount if total else "",
                senior.headcount if senior else "",
                women.headcount if women else "",
                _pct(women.headcount if women else None, total.headcount if total else None),
                senior_women.headcount if senior_women else "",
                citations,
                notes,
            ],
            f"{first.source_label} · {first.label} · {citations}",
        )
    for variant, obs in series.variants:
        table.add(
            [f"{obs.label} [{variant}]", obs.headcount, "", "", "", "", obs.citation, note_label(obs.note)],
            obs.hover,
        )
    missing = series.missing_years()
    if missing:
        table.footnotes.append(
            _("No published figure found for: %(years)s. These years are left blank, not interpolated.")
            % {"years": ", ".join(str(y) for y in missing)}
        )
    table.footnotes.append(
        _(
            "Where only a year is published the figure is placed at 1 January of that year. Sources of different quality are marked [MOFA], [press], [3rd]."
        )
    )
    return table


def table_sources(all_series: dict[tuple[str, str], JapanSeries]) -> Table:
    keys = sorted(all_series)
    table = Table(
        "sources",
        _("Japanese staff by source, side by side (never merged)"),
        [_("Year")] + [f"{CensusSource(s).label} — {Category(c).label}" for s, c in keys],
    )
    by_year: dict[int, dict[tuple[str, str], Observation]] = defaultdict(dict)
    for key in keys:
        for date, obs in all_series[key].total.items():
            by_year[date.year][key] = obs
    for year in sorted(by_year):
        cells: list[Any] = [year]
        hover = []
        for key in keys:
            found = by_year[year].get(key)
            cells.append(f"{found.headcount} ({found.label})" if found else "")
            if found:
                hover.append(found.hover)
        table.add(cells, " | ".join(hover))
    table.footnotes.append(
        _(
            "The sources count different things (professional and higher posts; posts subject to geographical distribution; all staff categories) and on different dates."
        )
    )
    return table


def table_women(series: JapanSeries) -> Table:
    table = Table(
        "women",
        _("Share of women among Japanese staff (MOFA count)"),
        [_("Reference date"), _("Women"), _("Total"), _("Share of women"), _("Source")],
    )
    rows: list[tuple[dt.date, list[Any], str]] = []
    for date, women in series.women.items():
        total = series.total.get(date)
        rows.append(
            (
                date,
                [
                    women.label,
                    women.headcount,
                    total.headcount if total else "",
                    _pct(women.headcount, total.headcount if total else None),
                    women.citation,
                ],
                women.hover,
            )
        )
    for date, label, share, citation in PUBLISHED_WOMEN_SHARES:
        if date not in series.women:
            total = series.total.get(date)
            rows.append(
                (
                    date,
                    [
                        published_date_label(label),
                        "",
                        total.headcount if total else "",
                        share + " " + _("(published share, no count)"),
                        citation,
                    ],
                    citation,
                )
            )
    for _date, cells, hover in sorted(rows, key=lambda r: r[0]):
        table.add(cells, hover)
    return table


def table_former_jpos() -> Table:
    table = Table(
        "former-jpos",
        _("Former JPOs among Japanese staff (published figures)"),
        [
            _("Reference date"),
            _("Organization"),
            _("Posts"),
            _("Former JPOs"),
            _("Japanese staff"),
            _("Share"),
            _("As published"),
            _("Source"),
        ],
    )
    for fig in FormerJpoFigure.objects.select_related("organization__partner"):
        table.add(
            [
                fig.reference_shown,
                fig.organization.reported_as.code if fig.organization else _("All organizations"),
                _("Senior (D-1 and above)") if fig.senior_only else _("All professional and higher"),
                fig.former_jpos if fig.former_jpos is not None else "",
                fig.of_staff if fig.of_staff is not None else "",
                _pct(fig.former_jpos, fig.of_staff),
                fig.statement,
                fig.citation,
            ],
            f"{fig.reference_shown} · {fig.citation}",
        )
    return table


def table_organizations() -> Table:
    """All staff by organization (CEB), with Japanese staff where a figure per organization exists."""
    totals = (
        CensusRow.objects.filter(source=CensusSource.CEB, nationality="", grade=Grade.ALL, sex=Sex.ALL)
        .exclude(org_code="")
        .values("org_code", "reference_date")
        .annotate(staff=Sum("headcount"))
        .order_by()
    )
    japanese = (
        CensusRow.objects.filter(nationality="JPN", grade=Grade.ALL, sex=Sex.ALL, variant="")
        .exclude(org_code="")
        .values("org_code", "reference_date", "source")
        .annotate(staff=Sum("headcount"))
        .order_by()
    )
    dates: set[dt.date] = set()
    staff: dict[str, dict[dt.date, int]] = defaultdict(dict)
    for row in totals:
        dates.add(row["reference_date"])
        staff[row["org_code"]][row["reference_date"]] = row["staff"]
    latest_japanese: dict[str, tuple[dt.date, int, str]] = {}
    for row in japanese:
        current = latest_japanese.get(row["org_code"])
        if current is None or row["reference_date"] > current[0]:
            latest_japanese[row["org_code"]] = (row["reference_date"], row["staff"], row["source"])
    ordered_dates = sorted(dates)
    last = ordered_dates[-1] if ordered_dates else None
    table = Table(
        "organizations",
        _("Staff by organization (CEB personnel statistics, all nationalities)"),
        [_("Organization")]
        + [str(d.year) if (d.month, d.day) == (12, 31) else d.isoformat() for d in ordered_dates]
        + [_("Japanese staff (latest figure)"), _("Japanese staff: date and source")],
    )
    codes = sorted(
        set(staff) | set(latest_japanese), key=lambda c: -(staff.get(c, {}).get(last, 0) if last else 0)
    )
    # A code linked to a partner (CEB's "UN" is the UN Secretariat) shows the partner's name beside it.
    partners = {
        normalize_org_code(o.code): o.partner
        for o in Organization.objects.filter(partner__isnull=False).select_related("partner")
    }
    for code in codes:
        jp = latest_japanese.get(code)
        partner = partners.get(normalize_org_code(code))
        table.add(
            [f"{partner.name} ({code})" if partner is not None else code]
            + [staff.get(code, {}).get(d, "") for d in ordered_dates]
            + [jp[1] if jp else "", f"{jp[0].isoformat()} {CensusSource(jp[2]).label}" if jp else ""],
            _(
                "CEB personnel statistics, staff with contracts of one year or more; a year alone means 31 December"
            ),
        )
    table.footnotes.append(
        _(
            "CEB: UN System Chief Executives Board personnel statistics (UN-ICC/ICC-Data-Hackathon-2021). Sub-entities and the two rows published for UNDP and for WHO in 2019 are added up. No per-organization count of Japanese staff is published for most organizations."
        )
    )
    return table


def table_rankings() -> tuple[Table, list[dict[str, Any]]]:
    """Headcounts by nationality, one group per source, date and category; ranked by headcount."""
    rows = (
        CensusRow.objects.filter(org_code="", grade=Grade.ALL, sex=Sex.ALL, entity="", variant="")
        .exclude(nationality="")
        .values_list(
            "source",
            "reference_date",
            "reference_label",
            "category",
            "nationality",
            "headcount",
            "published_rank",
            "citation",
        )
        .order_by("-reference_date", "source", "category", "-headcount")
    )
    groups: dict[tuple[str, dt.date, str], list[tuple[Any, ...]]] = defaultdict(list)
    for row in rows:
        groups[(row[0], row[1], row[3])].append(row)
    names = member_state_names()
    table = Table(
        "rankings",
        _("Headcount by nationality (where the source gives several nationalities)"),
        [
            _("Reference date"),
            _("Source"),
            _("Category"),
            _("Position in this list"),
            _("Rank as published"),
            _("Nationality"),
            _("Headcount"),
            _("Citation"),
        ],
    )
    group_info = []
    for (source, _date, category), members in groups.items():
        if len(members) < 2:
            continue
        shown = [(i, m) for i, m in enumerate(members, start=1) if i <= RANKING_SHOWN or m[4] == "JPN"]
        for position, m in shown:
            table.add(
                [
                    published_date_label(m[2]) or m[1].isoformat(),
                    CensusSource(source).label,
                    Category(category).label,
                    position,
                    m[6] or "",
                    f"{m[4]} {member_state_label(m[4], names.get(m[4], ''))}".strip(),
                    m[5],
                    m[7],
                ],
                f"{CensusSource(source).label} · {published_date_label(m[2]) or m[1].isoformat()} · {m[7]}",
            )
        group_info.append(
            {
                "source": source,
                "date": published_date_label(members[0][2]) or members[0][1].isoformat(),
                "size": len(members),
            }
        )
    table.footnotes.append(
        _(
            "“Position in this list” counts only the nationalities present in the data; “rank as published” is the source's own rank where it gives one."
        )
    )
    return table, group_info


def table_programme(series: JapanSeries) -> Table:
    """Figures computed from this system's own programme records, next to the MOFA count."""
    dispatched = {
        row["year"]: row
        for row in Dispatch.objects.annotate(year=ExtractYear("start_date"))
        .values("year")
        .annotate(n=Count("id"), synthetic=Count("id", filter=Q(application__applicant__is_synthetic=True)))
        .order_by()
    }
    retained = {
        row["year"]: row["n"]
        for row in Outcome.objects.filter(kind__in=RETAINED_KINDS)
        .annotate(year=ExtractYear("recorded_on"))
        .values("year")
        .annotate(n=Count("id"))
        .order_by()
    }
    census_by_year = {d.year: obs for d, obs in series.total.items()}
    years = sorted(set(dispatched) | set(retained) | set(census_by_year))
    table = Table(
        "programme",
        _("Programme records (computed from this system) next to the MOFA count"),
        [
            _("Year"),
            _("JPOs dispatched (records)"),
            _("of which synthetic demonstration records"),
            _("Former JPOs who won a post (records, by year recorded)"),
            _("Former JPOs who won a post, cumulative (records)"),
            _("MOFA count of Japanese staff"),
            _("Change on the previous MOFA figure"),
        ],
    )
    cumulative = 0
    previous: Observation | None = None
    for year in years:
        cumulative += retained.get(year, 0)
        obs = census_by_year.get(year)
        change = ""
        if obs is not None and previous is not None:
            change = _("%(change)s (since %(date)s)") % {
                "change": f"{obs.headcount - previous.headcount:+d}",
                "date": previous.label,
            }
        d = dispatched.get(year)
        table.add(
            [
                year,
                d["n"] if d else 0,
                d["synthetic"] if d else 0,
                retained.get(year, 0),
                cumulative,
                obs.headcount if obs else "",
                change,
            ],
            _("Computed from this system's dispatch and outcome records")
            + (f" · {obs.hover}" if obs else ""),
        )
        if obs is not None:
            previous = obs
    table.footnotes.append(
        _(
            "Programme columns are computed from this system's own dispatch and outcome records, not published statistics; in a demonstration installation these records are synthetic. A JPO is counted as winning a post when the outcome is a regular post at the same organization or a post at another international organization."
        )
    )
    return table


def dashboard_tables() -> dict[str, Any]:
    """Everything the dashboard, the exports and the PDF report show."""
    all_series = japan_series()
    mofa = mofa_series(all_series)
    statuses = target_statuses(all_series)
    rankings, ranking_groups = table_rankings()
    tables = {
        t.slug: t
        for t in (
            table_targets(statuses),
            table_mofa(mofa),
            table_sources(all_series),
            table_women(mofa),
            table_former_jpos(),
            table_organizations(),
            rankings,
            table_programme(mofa),
        )
    }
    return {
        "all_series": all_series,
        "mofa": mofa,
        "statuses": statuses,
        "tables": tables,
        "ranking_groups": ranking_groups,
    }


def census_import_list(*, limit: int = 20) -> list[CensusImport]:
    return list(CensusImport.objects.select_related("imported_by").defer("content")[:limit])

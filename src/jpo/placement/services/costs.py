"""Cost estimates from the editable cost table (the published grade: P-2 step I in year one, step II in year two,
allowances by duty station). The table carries no real figures unless an officer enters them; every
estimate says whether it rests on illustrative rates, and which rates are missing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from jpo.accounts.models import User
from jpo.accounts.services import audit_record
from jpo.placement.models import CostTable, Dispatch, DispatchCost, DutyStationAllowance, SalaryRate
from jpo.placement.terms import add_years, fiscal_year_of
from jpo.programme.labels import fiscal_year_label


@dataclass
class CostEstimate:
    by_fiscal_year: dict[int, int] = field(default_factory=dict)
    illustrative: bool = False
    missing: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing and bool(self.by_fiscal_year)

    @property
    def total(self) -> int | None:
        return sum(self.by_fiscal_year.values()) if self.complete else None


class _Rates:
    """All cost tables loaded once (a handful of rows) so estimates cost no query per post."""

    def __init__(self) -> None:
        self.tables = list(CostTable.objects.order_by("fiscal_year"))
        self.salary: dict[tuple[int, str, int], int] = {
            (r.table_id, r.grade, r.step): r.annual_yen for r in SalaryRate.objects.all()
        }
        self.allowance: dict[tuple[int, str], int] = {
            (a.table_id, a.duty_station.casefold()): a.annual_yen for a in DutyStationAllowance.objects.all()
        }

    def table_for(self, fiscal_year: int) -> CostTable | None:
        found = None
        for table in self.tables:
            if table.fiscal_year <= fiscal_year:
                found = table
        return found

    def salary_for(self, table: CostTable, grade: str, step: int) -> int | None:
        # The published grade names steps for years one and two only: later years use the highest step the
        # table holds up to the service year.
        for s in range(step, 0, -1):
            if (table.pk, grade, s) in self.salary:
                return self.salary[(table.pk, grade, s)]
        return None


def rates() -> _Rates:
    return _Rates()


def estimate(
    *, grade: str, duty_station: str, start: dt.date, last_day: dt.date, loaded: _Rates | None = None
) -> CostEstimate:
    """Cost of service from `start` to `last_day` (inclusive), split over Japanese fiscal years.

    Service year k runs from the k-th anniversary of the start; its annual salary (step k) plus the duty
    station's allowance is charged pro rata by days to the fiscal years it overlaps.
    """
    loaded = loaded or _Rates()
    result = CostEstimate()
    year = 1
    segment_start = start
    while segment_start <= last_day:
        segment_end = min(add_years(start, year) - dt.timedelta(days=1), last_day)
        service_days = (add_years(start, year) - add_years(start, year - 1)).days
        day = segment_start
        while day <= segment_end:
            fy = fiscal_year_of(day)
            fy_end = min(dt.date(fy + 1, 3, 31), segment_end)
            days = (fy_end - day).days + 1
            table = loaded.table_for(fy)
            if table is None:
                result.missing.append(_("%(fy)s: no cost table") % {"fy": fiscal_year_label(fy)})
            else:
                salary = loaded.salary_for(table, grade, year)
                allowance = loaded.allowance.get((table.pk, duty_station.casefold()))
                if salary is None:
                    result.missing.append(
                        _("%(fy)s table: no salary for %(grade)s")
                        % {"fy": fiscal_year_label(table.fiscal_year), "grade": grade}
                    )
                if allowance is None:
                    result.missing.append(
                        _("%(fy)s table: no allowance for %(station)s")
                        % {"fy": fiscal_year_label(table.fiscal_year), "station": duty_station}
                    )
                if salary is not None and allowance is not None:
                    amount = round((salary + allowance) * days / service_days)
                    result.by_fiscal_year[fy] = result.by_fiscal_year.get(fy, 0) + amount
                    result.illustrative = result.illustrative or table.is_illustrative
            day = fy_end + dt.timedelta(days=1)
        segment_start = segment_end + dt.timedelta(days=1)
        year += 1
    result.missing = sorted(set(result.missing))
    return result


def dispatch_costs_refresh(*, dispatch: Dispatch, actor: User | None = None) -> CostEstimate:
    """Recompute the stored cost by fiscal year of one dispatch (after creation, extension or end)."""
    with transaction.atomic():
        result = estimate(
            grade=dispatch.post.grade,
            duty_station=dispatch.duty_station or dispatch.post.duty_station,
            start=dispatch.start_date,
            last_day=dispatch.last_day,
        )
        DispatchCost.objects.filter(dispatch=dispatch).delete()
        DispatchCost.objects.bulk_create(
            DispatchCost(
                dispatch=dispatch, fiscal_year=fy, amount_yen=amount, is_illustrative=result.illustrative
            )
            for fy, amount in sorted(result.by_fiscal_year.items())
        )
        audit_record(
            actor=actor,
            action="placement.dispatch_costs",
            target=dispatch,
            data={"by_fiscal_year": result.by_fiscal_year, "missing": result.missing},
        )
    return result

"""Builders for tests: real rows through the real models."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from jpo.representation.models import AssessmentRate, MemberState, Population, StaffCount


def make_states(
    count: int, *, period: str = "2016-2018", year: int = 2016, japan_staff: int | None = 79
) -> None:
    """`count` Member States (Japan first) whose rates add up to 100, each with a population."""
    start, end = (int(part) for part in period.split("-"))
    rates = (
        [Decimal("10.000")] + [Decimal("90.000") / (count - 1)] * (count - 1) if count > 1 else [Decimal(100)]
    )
    for index in range(count):
        iso3 = "JPN" if index == 0 else f"X{chr(65 + index // 26)}{chr(65 + index % 26)}"
        state = MemberState.objects.create(
            iso3=iso3, m49=f"{index:03d}", name="Japan" if index == 0 else f"State {index:03d}", source="test"
        )
        AssessmentRate.objects.create(
            state=state,
            period=period,
            start_year=start,
            end_year=end,
            rate_pct=rates[index].quantize(Decimal("0.001")),
            source="test",
        )
        Population.objects.create(state=state, year=year, population=1_000_000 * (index + 1), source="test")
        if index == 0 and japan_staff is not None:
            StaffCount.objects.create(
                state=state, as_of=dt.date(2017, 12, 31), staff=japan_staff, source="test"
            )
        elif index % 3 == 1:
            StaffCount.objects.create(state=state, as_of=dt.date(2017, 12, 31), staff=index, source="test")

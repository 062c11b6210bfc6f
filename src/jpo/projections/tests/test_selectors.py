"""Inputs read from the database: the shipped series with its gaps, targets, dispatch and outcome aggregates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jpo.placement.models import OutcomeKind
from jpo.placement.services.outcomes import outcome_record
from jpo.placement.tests import factories
from jpo.projections.selectors import dispatch_records, projection_inputs, published_series


@pytest.mark.django_db
def test_published_series_keeps_gaps_and_maps_early_dates_to_the_previous_year(loaded: None) -> None:
    series = published_series()
    years = [p.year for p in series]
    assert 2023 not in years and 2013 not in years  # no figure published: a gap, not a value
    by_year = {p.year: p for p in series}
    assert by_year[2024].headcount == 979
    assert by_year[2003].headcount == 610 and by_year[2003].label == "Jan 2004"
    assert years == sorted(set(years))


@pytest.mark.django_db
def test_inputs_have_the_official_targets_and_policy(loaded: None) -> None:
    inputs = projection_inputs(today=dt.date(2026, 12, 1))
    assert {t.headcount for t in inputs.targets} == {1000, 671}
    assert all(t.official for t in inputs.targets)
    assert inputs.dispatch_years == 2 and "https://" in inputs.dispatch_years_source
    assert inputs.track_today is True
    assert inputs.records.dispatches_per_year is None  # no dispatch recorded: not estimable, not zero


@pytest.mark.django_db
def test_dispatch_records_count_recent_complete_years_and_outcomes_by_civil_servant_status(
    officer: Any,
) -> None:
    org = factories.organization()
    fy2022, fy2023, fy2024 = factories.cycle(2022), factories.cycle(2023), factories.cycle(2024)
    kept = factories.dispatched(actor=officer, cycle_row=fy2022, org=org, start=dt.date(2023, 1, 6))
    lost = factories.dispatched(actor=officer, cycle_row=fy2023, org=org, start=dt.date(2024, 1, 8))
    civil = factories.dispatched(
        actor=officer, cycle_row=fy2023, org=org, start=dt.date(2024, 1, 9), civil_servant=True
    )
    factories.dispatched(
        actor=officer, cycle_row=fy2024, org=org, start=dt.date(2025, 1, 6)
    )  # current year: incomplete
    outcome_record(
        actor=officer,
        dispatch=kept,
        kind=OutcomeKind.REGULAR_POST_SAME,
        recorded_on=dt.date(2025, 4, 1),
        grade="P-2",
    )
    outcome_record(
        actor=officer, dispatch=lost, kind=OutcomeKind.OTHER_EMPLOYMENT, recorded_on=dt.date(2026, 4, 1)
    )
    outcome_record(
        actor=officer, dispatch=civil, kind=OutcomeKind.OTHER_EMPLOYMENT, recorded_on=dt.date(2026, 5, 1)
    )
    records = dispatch_records(today=dt.date(2025, 9, 1))
    assert records.years == (2023, 2024)  # records begin in 2023; 2025 is not complete
    assert records.dispatches == 3 and records.civil_servants == 1
    assert records.dispatches_per_year == 1.5
    assert (records.retained, records.not_retained) == (1, 1)
    assert (records.civil_retained, records.civil_not_retained) == (0, 1)

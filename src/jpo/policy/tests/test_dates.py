from datetime import date

import pytest

from jpo.policy import (
    age_on,
    born_on_or_after_for_limit,
    date_age_reached,
    fiscal_year_end,
    fiscal_year_of,
    fiscal_year_start,
)
from jpo.policy.dates import add_months, add_years, parse_iso_date, whole_months_and_days


@pytest.mark.parametrize(
    ("day", "fiscal_year"),
    [
        (date(2019, 4, 1), 2019),
        (date(2019, 3, 31), 2018),
        (date(2020, 3, 31), 2019),
        (date(2019, 12, 31), 2019),
        (date(2020, 1, 1), 2019),
        (date(2022, 2, 1), 2021),  # the FY2022 exam window lies in fiscal year 2021
    ],
)
def test_fiscal_year_of(day: date, fiscal_year: int) -> None:
    assert fiscal_year_of(day) == fiscal_year


def test_fiscal_year_bounds() -> None:
    assert fiscal_year_start(2019) == date(2019, 4, 1)
    assert fiscal_year_end(2019) == date(2020, 3, 31)
    for fy in range(2000, 2030):
        assert fiscal_year_of(fiscal_year_start(fy)) == fy
        assert fiscal_year_of(fiscal_year_end(fy)) == fy


def test_published_fy2012_boundary() -> None:
    # "35 or younger as of 1 Apr 2012 (born on or after 2 Apr 1976)"
    assert born_on_or_after_for_limit(35, date(2012, 4, 1)) == date(1976, 4, 2)
    assert age_on(date(1976, 4, 2), date(2012, 4, 1)) == 35
    assert age_on(date(1976, 4, 1), date(2012, 4, 1)) == 36


def test_published_fy2016_additional_round_boundary() -> None:
    # "35 or younger as of 1 Jan 2017 (born on or after 2 Jan 1981)"
    assert born_on_or_after_for_limit(35, date(2017, 1, 1)) == date(1981, 1, 2)


def test_age_reached_the_day_before_the_birthday() -> None:
    assert date_age_reached(date(1976, 4, 2), 36) == date(2012, 4, 1)
    assert date_age_reached(date(1976, 4, 1), 36) == date(2012, 3, 31)


def test_29_february_birthday() -> None:
    born = date(1984, 2, 29)
    # leap year: new age on 29 February
    assert age_on(born, date(2020, 2, 28)) == 35
    assert age_on(born, date(2020, 2, 29)) == 36
    # common year: new age on 1 March, reached at the end of 28 February
    assert age_on(born, date(2021, 2, 28)) == 36
    assert age_on(born, date(2021, 3, 1)) == 37
    assert date_age_reached(born, 37) == date(2021, 2, 28)
    assert date_age_reached(born, 36) == date(2020, 2, 28)


@pytest.mark.parametrize(
    ("limit", "on", "earliest"),
    [
        (35, date(2020, 2, 28), date(1984, 2, 29)),  # born 29 Feb 1984 is still 35 on 28 Feb 2020
        (35, date(2020, 2, 29), date(1984, 3, 1)),  # ... and 36 on 29 Feb 2020
        (36, date(2021, 2, 28), date(1984, 2, 29)),  # common year: still 36 on 28 Feb 2021
        (35, date(2021, 3, 1), date(1985, 3, 2)),
        (35, date(2022, 2, 1), date(1986, 2, 2)),
    ],
)
def test_boundary_matches_age_on(limit: int, on: date, earliest: date) -> None:
    boundary = born_on_or_after_for_limit(limit, on)
    assert boundary == earliest
    assert age_on(boundary, on) <= limit
    assert age_on(date.fromordinal(boundary.toordinal() - 1), on) > limit


def test_boundary_is_consistent_with_age_on_for_every_day_of_a_leap_cycle() -> None:
    start = date(2019, 1, 1).toordinal()
    for offset in range(0, 4 * 366, 7):
        on = date.fromordinal(start + offset)
        boundary = born_on_or_after_for_limit(35, on)
        assert age_on(boundary, on) == 35
        assert age_on(date.fromordinal(boundary.toordinal() - 1), on) == 36


def test_age_before_birth_is_an_error() -> None:
    with pytest.raises(ValueError):
        age_on(date(2000, 1, 2), date(2000, 1, 1))


def test_month_arithmetic() -> None:
    assert add_months(date(2020, 1, 31), 1) == date(2020, 3, 1)
    assert add_months(date(2020, 3, 8), 24) == date(2022, 3, 8)
    assert add_years(date(2020, 2, 29), 1) == date(2021, 3, 1)
    assert whole_months_and_days(date(2020, 4, 1), date(2022, 3, 31)) == (24, 0)
    assert whole_months_and_days(date(2020, 4, 1), date(2022, 3, 30)) == (23, 30)
    assert whole_months_and_days(date(2016, 10, 2), date(2018, 9, 30)) == (23, 29)
    assert whole_months_and_days(date(2020, 1, 31), date(2020, 2, 29)) == (1, 0)


@pytest.mark.parametrize("text", ["2022-02-30", "2022-2-1", "20220201", "2022-W01-1", "", "1 Feb 2022"])
def test_strict_iso_dates(text: str) -> None:
    with pytest.raises(ValueError):
        parse_iso_date(text)


def test_in_force_is_the_newest_entry_dated_on_or_before_the_day() -> None:
    from jpo.policy.dates import in_force

    entries = [(date(2010, 4, 1), "a"), (date(2015, 4, 1), "b"), (date(2020, 4, 1), "c")]
    since = lambda e: e[0]  # noqa: E731
    assert in_force(entries, date(2010, 3, 31), since=since) is None
    assert in_force(entries, date(2010, 4, 1), since=since) == entries[0]
    assert in_force(entries, date(2020, 3, 31), since=since) == entries[1]
    assert in_force(entries, date(2030, 1, 1), since=since) == entries[2]

"""Japanese fiscal years and ages.

Fiscal year
    The Japanese fiscal year N runs from 1 April N to 31 March N+1 ("FY2019" starts on 2019-04-01).
    A selection cycle is named by the fiscal year of its exam ("FY2022" cycle); its applications may be
    taken before that fiscal year starts (the FY2022 window was 1 Feb - 7 Mar 2022).

Age
    Japanese law (Act on Counting Ages, 年齢計算ニ関スル法律, and Civil Code art. 143) counts age from the
    day of birth and makes a year of age complete at the end (24:00) of the day before each birthday.
    Consequences, which this module reproduces:

    * On the birthday itself the person already has the new age, all day. "35 or younger on
      1 April 2012" therefore excludes anyone born on 1 April 1976 (36 from the first instant of
      1 April 2012) and admits anyone born on 2 April 1976: MOFA's published boundary for FY2012 was
      "born on or after 2 April 1976", and for the FY2016 additional round
      "35 or younger on 1 January 2017, born on or after 2 January 1981".
    * The legal day on which an age is *reached* (満N歳に達した日) is the day before the birthday
      (`date_age_reached`); this matters for rules worded "has reached age N by date D".
    * 29 February births: when a year has no 29 February, the year of age ends with the last day of
      February (Civil Code art. 143(2)), so the new age starts on 1 March in common years and on
      29 February in leap years; the legal day of reaching it is 28 February in every year.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from functools import lru_cache
from typing import TypeVar

T = TypeVar("T")

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def parse_iso_date(text: str) -> date:
    """Parse a strict ISO 8601 calendar date (YYYY-MM-DD); ValueError otherwise."""
    if not isinstance(text, str):
        raise ValueError(text)
    return _parse_iso_text(text)


@lru_cache(maxsize=65536)
def _parse_iso_text(text: str) -> date:
    # Cached: bulk screening parses the same few thousand dates over and over (dates are immutable;
    # a failure is not cached and raises again).
    if not _ISO_DATE.match(text):
        raise ValueError(text)
    return date.fromisoformat(text)


def fiscal_year_of(day: date) -> int:
    """The Japanese fiscal year that contains `day` (1 April to 31 March)."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_start(fiscal_year: int) -> date:
    """1 April of the fiscal year."""
    return date(fiscal_year, 4, 1)


def fiscal_year_end(fiscal_year: int) -> date:
    """31 March of the following calendar year."""
    return date(fiscal_year + 1, 3, 31)


def _birthday_in(birth_date: date, year: int) -> date:
    """The first day on which the new age holds in `year` (1 March for 29 Feb births in common years)."""
    if birth_date.month == 2 and birth_date.day == 29 and not calendar.isleap(year):
        return date(year, 3, 1)
    return birth_date.replace(year=year)


def age_on(birth_date: date, on: date) -> int:
    """Age held during the whole of day `on` under Japanese law (see the module docstring)."""
    if on < birth_date:
        raise ValueError("the date is before the birth date")
    years = on.year - birth_date.year
    if on < _birthday_in(birth_date, on.year):
        years -= 1
    return years


def date_age_reached(birth_date: date, age: int) -> date:
    """The legal day on which `age` is reached: the day before the birthday (28 Feb for 29 Feb births)."""
    return _birthday_in(birth_date, birth_date.year + age) - timedelta(days=1)


def born_on_or_after_for_limit(age_limit: int, on: date) -> date:
    """Earliest birth date of someone who is `age_limit` or younger on `on`.

    born_on_or_after_for_limit(35, date(2012, 4, 1)) == date(1976, 4, 2), as MOFA published for FY2012.
    """
    # The person is too old exactly when the birthday of age_limit + 1 falls on or before `on`.
    year = on.year - age_limit - 1
    try:
        candidate = date(year, on.month, on.day) + timedelta(days=1)
    except ValueError:  # `on` is 29 February and `year` is a common year
        candidate = date(year, 3, 1)
    # Adjust by single days so the answer is defined by age_on itself, whatever the calendar.
    while age_on(candidate, on) > age_limit:
        candidate += timedelta(days=1)
    while age_on(candidate - timedelta(days=1), on) <= age_limit:
        candidate -= timedelta(days=1)
    return candidate


def add_years(day: date, years: int) -> date:
    """Same calendar day `years` later; 29 February becomes 1 March in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def add_months(day: date, months: int) -> date:
    """Same day of the month `months` later; a missing day rolls to the first of the next month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = 29 if month == 2 and calendar.isleap(year) else _DAYS_IN_MONTH[month - 1]
    if day.day > last:
        return date(year, month, last) + timedelta(days=1)
    return date(year, month, day.day)


def whole_months_and_days(start: date, end_inclusive: date) -> tuple[int, int]:
    """Whole calendar months in the period start..end (inclusive), and the days left over.

    2020-04-01..2022-03-31 is (24, 0); 2020-04-01..2022-03-30 is (23, 30).
    """
    stop = end_inclusive + timedelta(days=1)
    months = (stop.year - start.year) * 12 + (stop.month - start.month)
    reached = add_months(start, months)
    while months > 0 and reached > stop:
        months -= 1
        reached = add_months(start, months)
    return months, (stop - reached).days


def in_force(entries: Sequence[T], on: date, *, since: Callable[[T], date]) -> T | None:
    """The newest of `entries` (sorted by `since`) dated on or before `on`; None before the first.

    The one rule of every dated table: the policy's parameters (`on` = the start of the cycle's fiscal
    year) and the representation calculator's (`on` = any date). A value read from such a table means the
    same everywhere: a number or rule; `unknown` where no public source gives it; `null` (None) only
    where the rule does not apply (ended, or not yet started). See ARCHITECTURE.md.
    """
    found = None
    for entry in entries:
        if since(entry) <= on:
            found = entry
        else:
            break
    return found

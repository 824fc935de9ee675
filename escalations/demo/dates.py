"""The demo's dates: London wall-clock times in UTC, the reporting years, and the
partnership's Christmas closure."""

from __future__ import annotations

import datetime as dt

from workflows import calendar
from workflows.calendar import LONDON

MINUTE = dt.timedelta(minutes=1)
ONE_DAY = dt.timedelta(days=1)
WORKDAY = (dt.time(9), dt.time(17))


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    """A London wall-clock time on ``day``, in UTC (arithmetic in UTC is safe across the
    clocks changing)."""
    return dt.datetime.combine(day, time, tzinfo=LONDON).astimezone(dt.UTC)


def _reporting_year_start(now: dt.datetime, *, years_back: int) -> dt.date:
    """The first day of the reporting year (April to March) ``years_back`` years before."""
    today = now.astimezone(LONDON).date()
    year = today.year if today.month >= 4 else today.year - 1
    return dt.date(year - years_back, 4, 1)


def _closures(first_day: dt.date) -> frozenset[dt.date]:
    """One partnership-wide closure: the working days between Christmas and New Year in the
    second reporting year (29 to 31 December 2025 when the first year starts in April 2024)."""
    days = (dt.date(first_day.year + 1, 12, day) for day in range(27, 32))
    return frozenset(day for day in days if calendar.is_working_day(day))

"""The working-day calendar of the escalation policy (DESIGN.md section 4, "Timers").

A pure module: the standard library and the pinned ``holidays`` package, nothing of ours and
nothing of Django's, so the state machine, the timers, the seed and the annual report all count
days the same way.

The rules it enforces:

* **Working days** exclude Saturdays, Sundays, the bank holidays of the partnership's calendar
  region (including substitute days, e.g. Monday 28 December 2026 for Boxing Day on a Saturday)
  and the partnership's closure days.
* **Day 0** of a standard stage is the day it starts if that is a working day and the stage
  started before the daily cut-off (Europe/London wall time), otherwise the next working day.
* A **standard stage is due** at the cut-off on day 0 + N working days, stored as an aware
  datetime in Europe/London.
* An **urgent stage is due** N real clock hours after it starts, any day of the week.
* The **reminder** goes at the reminder hour on the due day (urgent: two hours before the due
  moment).
* **Working days taken** (stored when a stage concludes and shown in the annual report) is
  :func:`working_days_elapsed`.

Regions map to the ``holidays.UK`` subdivisions: ``england-and-wales`` → ``ENG`` (Wales has the
same bank holidays), ``scotland`` → ``SCT``, ``northern-ireland`` → ``NIR``. Only bank holidays
count ("public" category); anything else a partnership closes on (e.g. Easter Monday for many
Scottish councils, a local holiday) is a closure day.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable, Set
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from holidays import HolidayBase
from holidays.countries.united_kingdom import UK

__all__ = [
    "LONDON",
    "REGIONS",
    "add_working_days",
    "day_zero",
    "is_working_day",
    "next_working_day",
    "reminder_at",
    "stage_due_at",
    "urgent_due_at",
    "working_days_between",
    "working_days_elapsed",
]

REGIONS: tuple[str, ...] = ("england-and-wales", "scotland", "northern-ireland")
LONDON = zoneinfo.ZoneInfo("Europe/London")

DEFAULT_REGION = "england-and-wales"
DEFAULT_CUTOFF = time(17)
DEFAULT_REMINDER = time(9)
URGENT_REMINDER_BEFORE = timedelta(hours=2)

_SUBDIVISIONS: dict[str, str] = {
    "england-and-wales": "ENG",
    "scotland": "SCT",
    "northern-ireland": "NIR",
}
_ONE_DAY = timedelta(days=1)
_SATURDAY = 5  # date.weekday(): Monday is 0, Saturday 5, Sunday 6.


# --------------------------------------------------------------------------------------------
# Internals
# --------------------------------------------------------------------------------------------


def _subdivision(region: str) -> str:
    try:
        return _SUBDIVISIONS[region]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown calendar region {region!r}; expected one of {', '.join(REGIONS)}"
        ) from None


@lru_cache(maxsize=1024)
def _bank_holidays(region: str, year: int) -> HolidayBase:
    """The ``holidays`` object of one region and year, built once (never auto-expanded)."""
    # holidays.UK; its __init__ is unannotated.
    return UK(subdiv=_subdivision(region), years=year, expand=False)  # type: ignore[no-untyped-call]


@lru_cache(maxsize=1024)
def _holiday_dates(region: str, year: int) -> frozenset[date]:
    """The bank holidays (substitute days included) of one region and year, as a set."""
    return frozenset(_bank_holidays(region, year))


@lru_cache(maxsize=1024)
def _weekday_holidays(region: str, year: int) -> tuple[date, ...]:
    """The bank holidays of one region and year that fall Monday to Friday, in order."""
    return tuple(sorted(d for d in _holiday_dates(region, year) if d.weekday() < _SATURDAY))


def _closure_set(closures: Iterable[date]) -> Set[date]:
    if isinstance(closures, (set, frozenset)):
        return closures
    return frozenset(closures)


def _check_date(value: date, name: str) -> None:
    # A datetime is a date, but it never equals one: it would silently miss every holiday.
    if isinstance(value, datetime):
        raise TypeError(f"{name} must be a date, not a datetime (use day_zero for moments)")


def _check_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got naive {value.isoformat()}")


def _check_wall_time(value: time, name: str) -> None:
    if value.tzinfo is not None:
        raise ValueError(f"{name} is a Europe/London wall-clock time and must be naive")


def _is_working(day: date, region: str, closed: Set[date]) -> bool:
    return (
        day.weekday() < _SATURDAY
        and day not in _holiday_dates(region, day.year)
        and day not in closed
    )


def _next_working(day: date, region: str, closed: Set[date]) -> date:
    day += _ONE_DAY
    while not _is_working(day, region, closed):
        day += _ONE_DAY
    return day


def _weekdays_before(ordinal: int) -> int:
    """Monday-to-Friday days among ordinals 1 .. ordinal - 1 (ordinal 1, 1 Jan 0001, a Monday)."""
    weeks, rest = divmod(ordinal - 1, 7)
    return weeks * 5 + min(rest, 5)


def _local_date(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()


# --------------------------------------------------------------------------------------------
# Days
# --------------------------------------------------------------------------------------------


def is_working_day(
    day: date, *, region: str = DEFAULT_REGION, closures: Iterable[date] = ()
) -> bool:
    """Whether ``day`` is a working day: the unit every standard timescale counts in.

    Policy rule (section 4, "Timers"): working days exclude weekends, the bank holidays of the
    partnership's region (``holidays.UK`` for ``ENG``/``SCT``/``NIR``, substitute days included)
    and the partnership's closure days (``closures``, any iterable of dates).
    """
    _check_date(day, "day")
    _subdivision(region)
    return _is_working(day, region, _closure_set(closures))


def next_working_day(
    day: date, *, region: str = DEFAULT_REGION, closures: Iterable[date] = ()
) -> date:
    """The first working day strictly after ``day``.

    Policy rule: day 0 of a stage that starts on a non-working day, or after the cut-off, is the
    next working day.
    """
    _check_date(day, "day")
    _subdivision(region)
    return _next_working(day, region, _closure_set(closures))


def add_working_days(
    start: date, days: int, *, region: str = DEFAULT_REGION, closures: Iterable[date] = ()
) -> date:
    """The date ``days`` working days after ``start``.

    Policy rule: a standard stage is due on day 0 + N working days. A ``start`` that is not a
    working day counts from the next working day, so ``days=0`` returns ``start`` if it is a
    working day and otherwise the next working day. For example, in England and Wales
    ``add_working_days(date(2026, 12, 24), 3)`` is Thursday 31 December 2026 (25 December and
    the Boxing Day substitute on Monday 28 December are bank holidays).

    Note that for a non-working ``start`` this is not the inverse of
    :func:`working_days_between`, which counts the day ``start`` is moved to as well.
    """
    _check_date(start, "start")
    _subdivision(region)
    if days < 0:
        raise ValueError(f"days must not be negative, got {days}")
    closed = _closure_set(closures)
    day = start if _is_working(start, region, closed) else _next_working(start, region, closed)
    for _ in range(days):
        day = _next_working(day, region, closed)
    return day


def working_days_between(
    start: date, end: date, *, region: str = DEFAULT_REGION, closures: Iterable[date] = ()
) -> int:
    """The number of working days after ``start``, up to and including ``end``.

    ``start`` itself never counts; 0 when ``end`` is on or before ``start``. For working days
    ``d`` and ``n >= 0``: ``working_days_between(d, add_working_days(d, n)) == n``.

    Policy rule: the unit of every duration in working days (stage durations, raising to
    resolution in the annual report). Computed arithmetically (weekdays in the range, less the
    weekday bank holidays and closure days in it), so long spans cost no more than short ones.
    """
    _check_date(start, "start")
    _check_date(end, "end")
    _subdivision(region)
    if end <= start:
        return 0
    count = _weekdays_before(end.toordinal() + 1) - _weekdays_before(start.toordinal() + 1)
    for year in range(start.year, end.year + 1):
        for holiday in _weekday_holidays(region, year):
            if start < holiday <= end:
                count -= 1
    for closed in set(closures):
        if (
            start < closed <= end
            and closed.weekday() < _SATURDAY
            and closed not in _holiday_dates(region, closed.year)
        ):
            count -= 1
    return count


# --------------------------------------------------------------------------------------------
# Moments
# --------------------------------------------------------------------------------------------


def day_zero(
    started_at: datetime,
    *,
    region: str = DEFAULT_REGION,
    closures: Iterable[date] = (),
    cutoff: time = DEFAULT_CUTOFF,
) -> date:
    """Day 0 of a standard stage that started at ``started_at`` (an aware datetime).

    Policy rule: day 0 is the day the stage starts (its Europe/London date) if that is a working
    day and the local time is before the cut-off, otherwise the next working day. A stage started
    exactly at the cut-off (17:00:00 by default) counts as after it.
    """
    _check_aware(started_at, "started_at")
    _check_wall_time(cutoff, "cutoff")
    _subdivision(region)
    closed = _closure_set(closures)
    local = started_at.astimezone(LONDON)
    day = local.date()
    if local.time() < cutoff and _is_working(day, region, closed):
        return day
    return _next_working(day, region, closed)


def stage_due_at(
    started_at: datetime,
    days: int,
    *,
    region: str = DEFAULT_REGION,
    closures: Iterable[date] = (),
    cutoff: time = DEFAULT_CUTOFF,
) -> datetime:
    """The due moment of a standard stage of ``days`` working days started at ``started_at``.

    Policy rule: a standard stage is due at the cut-off (Europe/London wall time) on day 0 +
    ``days`` working days (see :func:`day_zero` and :func:`add_working_days`). The result is
    aware with ``tzinfo=LONDON``: 17:00 GMT (17:00 UTC) in winter and 17:00 BST (16:00 UTC) in
    summer, whichever side of a clock change the stage started. The clocks change on Sundays,
    which are never working days, so the due wall time always exists and is never ambiguous.

    Raises ``ValueError`` for a naive ``started_at`` or negative ``days``.
    """
    _check_aware(started_at, "started_at")
    if days < 0:
        raise ValueError(f"days must not be negative, got {days}")
    closed = _closure_set(closures)
    start = day_zero(started_at, region=region, closures=closed, cutoff=cutoff)
    due = add_working_days(start, days, region=region, closures=closed)
    return datetime.combine(due, cutoff, tzinfo=LONDON)


def urgent_due_at(started_at: datetime, hours: int) -> datetime:
    """The due moment of an urgent stage: ``hours`` real clock hours after ``started_at``.

    Policy rule: urgent escalations count in clock hours from the moment the stage starts, any
    day of the week. Across a clock change these are elapsed hours (the arithmetic is done in
    UTC): 24 hours from 12:00 BST on Saturday 24 October 2026 is 11:00 GMT on Sunday 25 October.
    Returned aware in Europe/London.
    """
    _check_aware(started_at, "started_at")
    if hours < 0:
        raise ValueError(f"hours must not be negative, got {hours}")
    return (started_at.astimezone(UTC) + timedelta(hours=hours)).astimezone(LONDON)


def reminder_at(due_at: datetime, *, urgent: bool, reminder: time = DEFAULT_REMINDER) -> datetime:
    """When the holders of a stage due at ``due_at`` are reminded.

    Policy rule: at the reminder hour (default 09:00 Europe/London) on the local date of the due
    moment; for an urgent stage, two real hours before the due moment. Returned aware in
    Europe/London.
    """
    _check_aware(due_at, "due_at")
    if urgent:
        return (due_at.astimezone(UTC) - URGENT_REMINDER_BEFORE).astimezone(LONDON)
    _check_wall_time(reminder, "reminder")
    return datetime.combine(_local_date(due_at), reminder, tzinfo=LONDON)


def working_days_elapsed(
    start: datetime,
    end: datetime,
    *,
    region: str = DEFAULT_REGION,
    closures: Iterable[date] = (),
    cutoff: time = DEFAULT_CUTOFF,
) -> int:
    """How many working days a stage (or a whole escalation) took, from ``start`` to ``end``.

    Definition (as stated in the annual report's methodology)::

        working_days_between(day_zero(start), end_day(end))

    * the first day, ``day_zero(start)``, is the day the stage began if that was a working day
      and it began before the daily cut-off, otherwise the next working day (the same day 0
      that due moments are counted from);
    * the last day, ``end_day(end)``, is the Europe/London date on which it ended if that was a
      working day, at any time of day (work finished after the cut-off was still done that day),
      otherwise the next working day (the clock only moves on working days);
    * the result counts the working days after the first day up to and including the last, so a
      stage settled on its day 0 took 0 working days, and 0 whenever the last day is not after
      the first (e.g. raised after the cut-off and settled the same evening).

    Consequently a stage of N working days took at most N exactly when it ended no later than
    its due day; one that ended after the cut-off on its due day is late by its due moment but
    counts N. Working days exclude weekends, the region's bank holidays (substitute days
    included) and the partnership's closure days.
    """
    _check_aware(start, "start")
    _check_aware(end, "end")
    _subdivision(region)
    closed = _closure_set(closures)
    first = day_zero(start, region=region, closures=closed, cutoff=cutoff)
    last = _local_date(end)
    if not _is_working(last, region, closed):
        last = _next_working(last, region, closed)
    return working_days_between(first, last, region=region, closures=closed)

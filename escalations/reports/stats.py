"""Small, pure helpers: percentiles from a histogram, working-day ages from raised dates.

The database returns counts per value (``values().annotate(Count())``); these turn them into
the report's medians and percentiles without ever looping over escalations.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from workflows import calendar


@dataclass(frozen=True)
class Distribution:
    """How a count of cases spreads over a whole-number measure (working days or hours)."""

    count: int
    median: float | None
    p90: int | None
    longest: int | None

    @classmethod
    def of(cls, histogram: Mapping[int, int]) -> Distribution:
        """From counts per value. The median is the middle value (the mean of the two middle
        values for an even count); the 90th percentile is the smallest value that at least
        nine in ten cases are at or below (nearest rank)."""
        values = sorted((value, n) for value, n in histogram.items() if n > 0)
        count = sum(n for _, n in values)
        if count == 0:
            return cls(count=0, median=None, p90=None, longest=None)
        lower = _at_rank(values, (count + 1) // 2)
        upper = _at_rank(values, count // 2 + 1)
        median = float(lower if count % 2 else (lower + upper) / 2)
        p90 = _at_rank(values, math.ceil(0.9 * count))
        return cls(count=count, median=median, p90=p90, longest=values[-1][0])


def _at_rank(values: list[tuple[int, int]], rank: int) -> int:
    """The value of the ``rank``-th case (from 1) in ascending order."""
    seen = 0
    for value, n in values:
        seen += n
        if seen >= rank:
            return value
    return values[-1][0]


def merge(*histograms: Mapping[int, int]) -> Counter[int]:
    total: Counter[int] = Counter()
    for histogram in histograms:
        total.update(histogram)
    return total


def ages_in_working_days(
    groups: Iterable[tuple[dt.date, bool, int]],
    *,
    last_day: dt.date,
    region: str,
    closures: tuple[dt.date, ...],
) -> Counter[int]:
    """Counts per working-day age on ``last_day`` from counts per (raised date, raised before
    the cut-off). Day 0 is the raised date if it was a working day and before the cut-off,
    otherwise the next working day (``workflows.calendar``)."""
    closed = frozenset(closures)
    ages: Counter[int] = Counter()
    for day, before_cutoff, n in groups:
        first = day
        if not (before_cutoff and calendar.is_working_day(day, region=region, closures=closed)):
            first = calendar.next_working_day(day, region=region, closures=closed)
        age = calendar.working_days_between(first, last_day, region=region, closures=closed)
        ages[age] += n
    return ages


AGE_BANDS: tuple[tuple[str, str, int, int | None], ...] = (
    ("0_5", "Up to 5 working days", 0, 5),
    ("6_10", "6 to 10 working days", 6, 10),
    ("11_20", "11 to 20 working days", 11, 20),
    ("21_40", "21 to 40 working days", 21, 40),
    ("over_40", "More than 40 working days", 41, None),
)


def banded(histogram: Mapping[int, int]) -> list[tuple[str, str, int]]:
    """Counts per age band, every band present."""
    return [
        (
            key,
            label,
            sum(n for age, n in histogram.items() if low <= age and (high is None or age <= high)),
        )
        for key, label, low, high in AGE_BANDS
    ]

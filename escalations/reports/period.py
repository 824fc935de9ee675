"""The period a report covers: a reporting year or any run of dates (DESIGN.md section 6)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from workflows.calendar import LONDON

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included, in UK dates. ``year`` is the year a
    reporting year starts in, or None for any other run of dates."""

    start: dt.date
    end: dt.date
    year: int | None = None
    start_month: int = 4

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(
                f"The period ends ({self.end:%-d %B %Y}) before it starts ({self.start:%-d %B %Y})."
            )

    @classmethod
    def reporting_year(cls, year: int, *, start_month: int = 4) -> Period:
        """Year 2025 with the default April start: 1 April 2025 to 31 March 2026."""
        if not 1 <= start_month <= 12:
            raise ValueError(f"A reporting year starts in month 1 to 12, not {start_month}.")
        start = dt.date(year, start_month, 1)
        end = dt.date(year + 1, start_month, 1) - ONE_DAY
        return cls(start=start, end=end, year=year, start_month=start_month)

    @property
    def start_at(self) -> dt.datetime:
        """Midnight at the start of the first day, UK time."""
        return dt.datetime.combine(self.start, dt.time(), tzinfo=LONDON)

    @property
    def end_at(self) -> dt.datetime:
        """Midnight at the end of the last day, UK time (the first moment after the period)."""
        return dt.datetime.combine(self.end + ONE_DAY, dt.time(), tzinfo=LONDON)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The reporting year before, or the same number of days just before."""
        if self.year is not None:
            return Period.reporting_year(self.year - 1, start_month=self.start_month)
        end = self.start - ONE_DAY
        return Period(start=end - dt.timedelta(days=self.days - 1), end=end)

    def months(self) -> list[dt.date]:
        """The first day of every calendar month the period touches."""
        months = []
        month = self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = (month + dt.timedelta(days=32)).replace(day=1)
        return months

    @property
    def label(self) -> str:
        return f"{self.start:%-d %B %Y} to {self.end:%-d %B %Y}"

    @property
    def title(self) -> str:
        if self.year is not None and self.start_month == 1:
            return str(self.year)
        if self.year is not None:
            return f"{self.year} to {self.year + 1}"
        return self.label

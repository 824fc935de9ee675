"""Due moments from a policy version (DESIGN.md section 4, "Timers").

Standard escalations count working days and fall due at the cut-off; urgent ones count clock
hours from the moment the stage starts. Closure days are read when a stage starts, so a closure
day added later never moves a live due moment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from escalations.models import Partnership, Policy

from . import calendar


@dataclass(frozen=True)
class Clock:
    """The calendar an escalation is timed by: its partnership's region and closure days,
    and the policy version it was raised under."""

    policy: Policy
    region: str
    closures: tuple[dt.date, ...]

    @classmethod
    def of(cls, *, partnership: Partnership, policy: Policy) -> Clock:
        return cls(policy=policy, region=partnership.region, closures=partnership.closure_dates())

    def stage_due(self, *, stage: int, started_at: dt.datetime, urgent: bool) -> dt.datetime:
        if urgent:
            return calendar.urgent_due_at(started_at, self.policy.urgent_stage_hours(stage))
        return calendar.stage_due_at(
            started_at,
            self.policy.stage_days(stage),
            region=self.region,
            closures=self.closures,
            cutoff=self.policy.cutoff,
        )

    def acknowledgement_due(self, *, raised_at: dt.datetime, urgent: bool) -> dt.datetime:
        if urgent:
            return calendar.urgent_due_at(raised_at, self.policy.urgent_acknowledge_hours)
        return calendar.stage_due_at(
            raised_at,
            self.policy.acknowledge_days,
            region=self.region,
            closures=self.closures,
            cutoff=self.policy.cutoff,
        )

    def reminder(self, *, due_at: dt.datetime, urgent: bool) -> dt.datetime:
        return calendar.reminder_at(due_at, urgent=urgent, reminder=self.policy.reminder_time)

    def due_on(self, day: dt.date) -> dt.datetime:
        """The due moment of an extension to ``day``: the cut-off that day."""
        return dt.datetime.combine(day, self.policy.cutoff, tzinfo=calendar.LONDON)

    def is_working_day(self, day: dt.date) -> bool:
        return calendar.is_working_day(day, region=self.region, closures=self.closures)

    def working_days(self, start: dt.datetime, end: dt.datetime) -> int:
        return calendar.working_days_elapsed(
            start, end, region=self.region, closures=self.closures, cutoff=self.policy.cutoff
        )


def elapsed_hours(start: dt.datetime, end: dt.datetime) -> int:
    """Whole clock hours from ``start`` to ``end``, rounded up: how urgent stages are timed."""
    # in UTC: two Europe/London datetimes subtract as wall-clock times across the clocks changing
    seconds = max(0.0, (end.astimezone(dt.UTC) - start.astimezone(dt.UTC)).total_seconds())
    return int(-(-seconds // 3600))

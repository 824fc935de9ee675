"""The moved clock: moments for the steps (working hours for standard work, any hour when
urgent), and the runner that moves time to each step in turn, firing the flow's timers at
their own moments on the way."""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
from typing import Any

from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflows import calendar
from workflows.calendar import LONDON
from workflows.sweep import fire_due_timers

from .dates import MINUTE, ONE_DAY, WORKDAY, _at
from .steps import Steps
from .world import Ctx


def _moment(ctx: Ctx, lo: dt.datetime, hi: dt.datetime, *, urgent: bool = False) -> dt.datetime:
    """A whole minute after ``lo`` and before ``hi``, uniformly: within working hours on a
    working day for standard work, at any hour for urgent work; ``lo`` plus a minute if there
    is no room."""
    start = (lo.astimezone(dt.UTC) + MINUTE).replace(second=0, microsecond=0)
    end = hi.astimezone(dt.UTC)
    windows = [(start, end)] if urgent else _working_windows(ctx, start, end)
    spans = [max(0, int((b - a).total_seconds() // 60)) for a, b in windows]
    if sum(spans) == 0:
        return start
    offset = ctx.rng.randrange(sum(spans))
    for (window_start, _), span in zip(windows, spans, strict=True):
        if offset < span:
            return window_start + offset * MINUTE
        offset -= span
    return start


def _working_windows(
    ctx: Ctx, start: dt.datetime, end: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The working-hours stretches of the working days between ``start`` and ``end``."""
    windows = []
    day, last = start.astimezone(LONDON).date(), end.astimezone(LONDON).date()
    while day <= last:
        if calendar.is_working_day(day, closures=ctx.closures):
            opens, closes = _at(day, WORKDAY[0]), _at(day, WORKDAY[1])
            if max(start, opens) < min(end, closes):
                windows.append((max(start, opens), min(end, closes)))
        day += ONE_DAY
    return windows


def _within(ctx: Ctx, hi: dt.datetime, share: float, *, urgent: bool) -> dt.datetime:
    """A moment in the first ``share`` of the time from now to ``hi``."""
    now = timezone.now()
    return _moment(ctx, now, now + (hi - now) * share, urgent=urgent)


def _after(ctx: Ctx, due: dt.datetime, *, urgent: bool) -> dt.datetime:
    """A moment soon after ``due``: the next working morning, or a few hours when urgent."""
    if urgent:
        return _moment(ctx, due, due + dt.timedelta(hours=3), urgent=True)
    day = calendar.next_working_day(due.astimezone(LONDON).date(), closures=ctx.closures)
    return _moment(ctx, due, _at(day, dt.time(12)))


class _Clock:
    """Runs many step generators in the order of their moments. Before each step it moves
    the clock forward, firing the flow's timers at their own moments on the way, as the
    timer loop does every minute; it never goes back."""

    def __init__(self, traveller: Any, start: dt.datetime) -> None:
        """Start at ``start`` with time-machine's ``traveller``."""
        self.traveller = traveller
        self.now = start
        self.queue: list[tuple[dt.datetime, int, Steps]] = []
        self.order = itertools.count()

    def add(self, steps: Steps) -> None:
        """Run ``steps`` up to its next moment and queue it for then."""
        moment = next(steps, None)  # runs the step before, which is due now
        if moment is not None:
            moment = max(moment.astimezone(dt.UTC), self.now)
            heapq.heappush(self.queue, (moment, next(self.order), steps))

    def run(self, *, until: dt.datetime) -> None:
        """Every step up to ``until``; later steps never happen (nothing is in the future)."""
        while self.queue and self.queue[0][0] <= until:
            moment, _, steps = heapq.heappop(self.queue)
            self.advance(moment)
            self.add(steps)
        self.advance(until)

    def advance(self, moment: dt.datetime) -> None:
        """Move the clock to ``moment``, firing each due timer at its own moment on the way."""
        while (due := self._next_timer(moment)) is not None:
            self._move(due)
            if not fire_due_timers():
                raise RuntimeError(f"A timer due at {due:%Y-%m-%d %H:%M} did not fire.")
        self._move(moment)

    def _next_timer(self, moment: dt.datetime) -> dt.datetime | None:
        """The earliest moment of a timer waiting to fire by ``moment``, if any."""
        due: dt.datetime | None = (
            Task.objects.filter(
                flow_task_type="TIMER", status=STATUS.SCHEDULED, scheduled__lte=moment
            )
            .order_by("scheduled")
            .values_list("scheduled", flat=True)
            .first()
        )
        return due

    def _move(self, moment: dt.datetime) -> None:
        """Move the clock forward (never back)."""
        if moment > self.now:
            self.traveller.move_to(moment)
            self.now = moment

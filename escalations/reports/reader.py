"""What a reader of the public edition knows, and how far that lets them narrow a hidden count.

A reader may hold every public edition published for a reporting year: each quarterly
snapshot and the year. They know:

* in each publication, every shown count; the sums a total and its parts make
  (``tidy.equations``); what follows from how the figures are counted: no more resolved at
  a stage than had it as their highest stage, or than concluded it there; no more stages
  concluded, extended or breached than entered (at most those whose highest stage is that
  one or later); no more resolved with learning than resolved; and what the publication
  says about a hidden count: its band ("20 or more"), or, where a median is shown beside
  it, that it is at least the threshold (the rule for showing a median);
* between publications: a quarter's "previous period" is the quarter before, give or take a
  few days (``_raised_between``: the count of those days is never published, and is
  protected like a hidden count when it is small); the year's raised, urgent, standard and
  category counts are its quarters' added up (at least the published ones added up, until
  all four are), its months are its quarters' months; and since escalations only move on (a
  closed one stays closed, a concluded stage stays concluded, a breach stays recorded), the
  year's resolved, withdrawn, outcomes, stage resolutions, timeliness and learning are at
  least its quarters' added up, and at least as many escalations have reached stage 2 or
  later (3 or later, 4) by the year's end as by their quarters' ends.

Counts are whole numbers from 0. ``Reader`` answers, for a hidden count, the least and
greatest values consistent with all of that (``ranges``), with points that attain them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from escalations.models.published import QUARTER, YEAR

from .period import ONE_DAY, Period
from .ranges import LE, Constraint, Optimum, Point, optimum
from .tidy import PREVIOUS_PERIOD, RAISED, RESOLVED, Equation, cell_id

logger = logging.getLogger(__name__)

STAGES = ("stage_1", "stage_2", "stage_3", "stage_4")
BETWEEN = "raised_between"  # an unpublished count: raised between two dates
SUMMED = {("headline", "raised"), ("headline", "urgency"), ("category", "raised")}
GROWING_TIMELINESS = {"concluded", "within_timescale", "late", "extended", "breached"}
GROWING = {
    ("headline", "status_at_end", "resolved"),
    ("headline", "status_at_end", "withdrawn"),
    ("learning", "resolved", "with_learning"),
}


@dataclass(frozen=True)
class Snapshot:
    """One public edition of one period of the year, with the true counts behind it (where
    the edition shows a count, the count it shows)."""

    counts: Mapping[str, int]  # every public count, by cell id
    equations: tuple[Equation, ...]
    kind: str = YEAR  # or QUARTER
    start: dt.date = dt.date.min
    end: dt.date = dt.date.max
    hidden: frozenset[str] = frozenset()
    at_least: Mapping[str, int] = field(default_factory=dict)  # what it says of hidden counts

    @functools.cached_property
    def name(self) -> str:
        return f"{self.start}/{self.end}"

    def var(self, cell: str) -> str:
        return f"{self.name}|{cell}"

    def replace(self, **changes: object) -> Snapshot:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    def constraints(self) -> Iterable[Constraint]:
        v, has = self.var, self.counts.__contains__
        for eq in self.equations:
            yield Constraint.total(v(eq.total), map(v, eq.parts))
        stages = [s for s in STAGES if has(cell_id("stages", "reached", s))]
        for n, stage in enumerate(stages):
            later = [v(cell_id("stages", "reached", s)) for s in stages[n:]]
            resolved_at = v(cell_id("stages", "resolved_at", stage))
            yield Constraint.no_more([resolved_at], [v(cell_id("stages", "reached", stage))])
            yield Constraint.no_more([resolved_at], [v(cell_id("timeliness", stage, "concluded"))])
            for key in ("concluded", "extended", "breached"):
                yield Constraint.no_more([v(cell_id("timeliness", stage, key))], later)
        yield Constraint.no_more(
            [v(cell_id("learning", "resolved", "with_learning"))], [v(RESOLVED)]
        )
        for cell, least in self.at_least.items():
            yield Constraint.at_least(v(cell), least)


@dataclass(frozen=True)
class Knowledge:
    constraints: list[Constraint]
    unpublished: dict[str, int]  # counts never published a reader could go after: their truth


def knowledge(snapshots: Sequence[Snapshot]) -> Knowledge:
    """Everything a reader holding ``snapshots`` knows, as constraints on their counts and on
    counts never published that lie between them."""
    quarters = sorted((s for s in snapshots if s.kind == QUARTER), key=lambda s: s.start)
    every = [c for s in snapshots for c in s.constraints()]
    unpublished = {}
    for name, truth, ties in _raised_between(quarters):
        if name:
            unpublished[name] = truth
        every += ties
    for year in (s for s in snapshots if s.kind == YEAR):
        inside = [q for q in quarters if year.start <= q.start and q.end <= year.end]
        if inside:
            every += _year_and_quarters(year, inside)
    names = {s.var(cell) for s in snapshots for cell in s.counts} | set(unpublished)
    return Knowledge([c for c in every if c.names <= names], unpublished)


def _raised_between(
    quarters: list[Snapshot],
) -> Iterable[tuple[str, int, list[Constraint]]]:
    """A quarter's "previous period" is as many days just before it (``Period.previous``),
    so not quite the quarter before: the quarter of July to September looks back to 31
    March, that of January to March only to 3 October. The days between are a count never
    published that a reader can work out from the two (one less the other): an unknown of
    its own, with its true value, and what ties it to the published counts."""
    for before, after in itertools.pairwise(quarters):
        if after.start != before.end + ONE_DAY:
            continue
        previous = Period(after.start, after.end).previous()
        looked_back, raised = after.var(PREVIOUS_PERIOD), before.var(RAISED)
        if previous.start == before.start:
            yield "", 0, [Constraint.total(looked_back, [raised])]
            continue
        first, last = sorted((previous.start, before.start))
        name = f"{after.name}|{BETWEEN}/{first}/{last - ONE_DAY}"
        if previous.start < before.start:  # looked back further than the quarter before
            truth = after.counts[PREVIOUS_PERIOD] - before.counts[RAISED]
            ties = [Constraint.total(looked_back, [raised, name])]
        else:
            truth = before.counts[RAISED] - after.counts[PREVIOUS_PERIOD]
            ties = [Constraint.total(raised, [looked_back, name])]
            month = cell_id("month", "raised", f"{first:%Y-%m}")
            if first.month == (last - ONE_DAY).month and month in before.counts:
                ties.append(Constraint.no_more([name], [before.var(month)]))
        if truth >= 0:  # otherwise the data changed between the publications
            yield name, truth, ties


def _year_and_quarters(year: Snapshot, quarters: list[Snapshot]) -> Iterable[Constraint]:
    for cell in year.counts:
        section, breakdown, key = cell.split("/")
        parts = [q.var(cell) for q in quarters if cell in q.counts]
        if not parts or cell == PREVIOUS_PERIOD:
            continue
        if section == "month" or ((section, breakdown) in SUMMED and len(quarters) == 4):
            yield Constraint.total(year.var(cell), parts)
        elif (
            (section, breakdown) in SUMMED
            or (section, breakdown, key) in GROWING
            or (section, breakdown) in {("stages", "resolved_at"), ("outcome", "closed_by_end")}
            or (section == "timeliness" and key in GROWING_TIMELINESS)
        ):
            yield Constraint.no_more(parts, [year.var(cell)])
    for n in range(1, len(STAGES)):
        cells = [cell_id("stages", "reached", s) for s in STAGES[n:]]
        yield Constraint.no_more(
            [q.var(c) for q in quarters for c in cells if c in q.counts],
            [year.var(c) for c in cells if c in year.counts],
        )


class Reader:
    """A reader holding ``snapshots``: how far can they narrow each hidden count?

    Keeps every point it has found that satisfies all it knows (starting with the true
    counts): a count shown by two such points ``span`` apart can be neither pinned nor
    narrowed below that, with no more solving."""

    def __init__(self, snapshots: Sequence[Snapshot]) -> None:
        known = knowledge(snapshots)
        self.unpublished = known.unpublished
        self.truth: Point = {s.var(c): n for s in snapshots for c, n in s.counts.items()}
        self.truth |= self.unpublished
        self.hidden = {s.var(c) for s in snapshots for c in s.hidden} | set(self.unpublished)
        self.constraints = []
        for constraint in known.constraints:
            if constraint.holds(self.truth):
                self.constraints.append(constraint)
            else:  # the data changed after an earlier publication: this relation is unsafe
                logger.warning("Published figures disagree with %s: not relied on", constraint)
        self.points: list[Point] = [self.truth]
        self._groups: dict[str, list[Constraint]] | None = None

    def hiding(self, *names: str) -> Reader:
        """The same reader, had ``names`` been hidden too."""
        other = self._copy()
        other.hidden |= set(names)
        return other

    def knowing(self, constraint: Constraint) -> Reader:
        """The same reader, told ``constraint`` too (a band, or a count's lower bound)."""
        other = self._copy()
        other.constraints = [*self.constraints, constraint]
        other.points = [point for point in self.points if constraint.holds(point)]
        return other

    def _copy(self) -> Reader:
        other = object.__new__(Reader)
        other.__dict__.update(self.__dict__)
        other.hidden, other.points, other._groups = set(self.hidden), list(self.points), None
        return other

    def group(self, name: str) -> list[Constraint]:
        """The constraints that tie hidden count ``name`` to other hidden counts, directly or
        through others, with the shown counts put in."""
        if self._groups is None:
            self._groups = self._grouped()
        return self._groups.get(name, [])

    def _grouped(self) -> dict[str, list[Constraint]]:
        shown = {n: v for n, v in self.truth.items() if n not in self.hidden}
        reduced = [c.knowing(shown) for c in self.constraints if c.names & self.hidden]
        parent = {name: name for name in self.hidden}

        def root(name: str) -> str:
            while parent[name] != name:
                parent[name] = parent[parent[name]]
                name = parent[name]
            return name

        for constraint in reduced:
            first, *rest = constraint.names
            for name in rest:
                parent[root(name)] = root(first)
        groups: dict[str, list[Constraint]] = {}
        for constraint in reduced:
            groups.setdefault(root(next(iter(constraint.names))), []).append(constraint)
        return {name: groups.get(root(name), []) for name in self.hidden}

    def extreme(self, name: str, *, largest: bool, cap: int | None = None) -> Optimum:
        """The least (greatest, up to ``cap`` if given) value of hidden count ``name``."""
        limit = [Constraint(((name, 1),), LE, cap)] if cap is not None else []
        found = optimum([*self.group(name), *limit], name, largest=largest, start=self.truth)
        if found.point is not None:
            self.points.append(found.point)
        return found

    def seen(self, name: str) -> tuple[int, int]:
        values = [point[name] for point in self.points]
        return min(values), max(values)

    def span(self, name: str, *, enough: int) -> int:
        """How far apart two values of hidden count ``name`` can be, up to ``enough``: the
        points found decide, so where the search gives up the span is only what it found."""
        low, high = self.seen(name)
        if high - low < enough and self.extreme(name, largest=True).value is None:
            self.extreme(name, largest=True, cap=low + enough)  # for a point far enough up
        low, high = self.seen(name)
        if high - low < enough:
            self.extreme(name, largest=False)
            low, high = self.seen(name)
        return min(high - low, enough)

    def witnesses(self, name: str) -> tuple[Point, Point]:
        """Two points satisfying everything the reader knows, with ``name`` at the least and
        the greatest value found."""
        return min(self.points, key=lambda p: p[name]), max(self.points, key=lambda p: p[name])

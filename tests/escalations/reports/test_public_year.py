"""The public figures over a reporting year (issue 14, item 9): each quarter's snapshot is
published after the quarter ends, then the year. A reader holding all five must not be able
to narrow any hidden count to fewer values than the threshold, nor any small count never
published that lies between two published ones (raised on the days between one quarter and
the next one's "previous period"), and no count from 1 to the threshold less one is ever
shown.

The reader here is written out from the published JSON alone (``what_a_reader_knows``): every
shown count, each publication's sums, its bands and its medians, what follows from how the
figures are counted, and how the quarters and the year relate. For every hidden count the
suppression's own reader (as the year's publication left it) must produce two fillings of
every count of the year, which this reader checks line by line, with that count at least the
threshold less one apart.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from escalations.models.published import QUARTER, YEAR
from escalations.reports import tidy
from escalations.reports.figures import ReportFigures
from escalations.reports.period import ONE_DAY, Period
from escalations.reports.reader import Reader, Snapshot
from escalations.reports.render import to_json
from escalations.reports.suppression import PUBLIC, SUPPRESSED, build_edition, published_snapshot
from escalations.reports.tidy import COUNT, DAYS, cell_id

from .made_up import Escalation, counted, escalations, figures_of

Point = Mapping[str, int]
STAGES = ("stage_1", "stage_2", "stage_3", "stage_4")
YEAR_2026 = Period.reporting_year(2026)
MONTHS = [f"{month:%Y-%m}" for month in YEAR_2026.months()]
PREVIOUS = cell_id("headline", "raised", "previous_period")
RAISED = cell_id("headline", "raised", "raised")


@dataclass(frozen=True)
class Published:
    kind: str
    figures: ReportFigures  # the true figures
    data: dict[str, Any]  # the public JSON, as stored
    snapshot: Snapshot  # as a later publication reads it
    reader: Reader  # the suppression's reader of it and all published before it

    def shown(self, cell: tidy.Cell) -> Any:
        for path in tidy.json_paths(cell):
            place: Any = self.data
            for key in path:
                place = place.get(key, {}) if isinstance(place, dict) else {}
            if place != {}:
                return place
        raise AssertionError(f"{cell.id} is not in the JSON")

    def band(self, cell: tidy.Cell) -> int | None:
        for *within, key in tidy.json_paths(cell):
            place = self.data["banded"]
            for name in within:
                place = place.get(name, {})
            if (match := re.fullmatch(r"(\d+) or more", place.get(key, ""))) is not None:
                return int(match[1])
        return None

    @functools.cached_property
    def counts(self) -> list[tidy.Cell]:
        return [c for c in tidy.cells(self.figures) if c.public and c.kind == COUNT]


def quarters_of(year: Period) -> list[Period]:
    starts = [year.start.replace(month=month) for month in (4, 7, 10)]
    starts.append(year.start.replace(year=year.start.year + 1, month=1))
    ends = [start - ONE_DAY for start in starts[1:]] + [year.end]
    return [Period(start, end) for start, end in zip(starts, ends, strict=True)]


def publish(kind: str, figures: ReportFigures, earlier: list[Published]) -> Published:
    edition = build_edition(figures, PUBLIC, earlier=[p.snapshot for p in earlier])
    assert edition.protection is not None
    assert edition.protection.reader is not None
    data = json.loads(json.dumps(to_json(edition)))
    snapshot = published_snapshot(figures, data, kind)
    return Published(kind, figures, data, snapshot, edition.protection.reader)


def publish_the_year(
    made: list[Escalation], threshold: int, before: tuple[int, int, int]
) -> list[Published]:
    """Each quarter, then the year, as the partnership lead publishes them. ``before``: how
    many were raised in the previous period of the first quarter and of the year, and on
    the last day of the year before (which the second quarter's previous period takes in)."""
    published: list[Published] = []
    for number, quarter in enumerate(quarters_of(YEAR_2026)):
        counts, medians = counted(
            [e for e in made if e.quarter == number], months=MONTHS, at_year_end=False
        )
        looked_back = quarter.previous()
        counts[PREVIOUS] = sum(
            looked_back.start <= e.raised_on(YEAR_2026) <= looked_back.end for e in made
        )
        if number < 2:
            counts[PREVIOUS] += before[number]
        figures = figures_of(quarter, counts, medians=medians, threshold=threshold)
        published.append(publish(QUARTER, figures, published))
    counts, medians = counted(made, months=MONTHS, at_year_end=True)
    counts[PREVIOUS] = before[2]
    figures = figures_of(YEAR_2026, counts, medians=medians, threshold=threshold)
    return [*published, publish(YEAR, figures, published)]


# What a reader knows, from the JSON ----------------------------------------------------------

Fact = Callable[[Point], bool]


def what_a_reader_knows(published: list[Published], threshold: int) -> list[Fact]:
    facts: list[Fact] = []
    for p in published:
        facts += _in_one(p, threshold)
    quarters = [p for p in published if p.kind == QUARTER]
    for before, after in itertools.pairwise(quarters):
        facts += _previous_period(before, after)
    (year,) = (p for p in published if p.kind == YEAR)
    facts += _year_and_quarters(year, quarters)
    return facts


def _sum(point: Point, names: list[str]) -> int:
    return sum(point[name] for name in names)


def _previous_period(before: Published, after: Published) -> list[Fact]:
    """A quarter's previous period is as many days just before it: from 31 March for the
    second quarter, from 3 October for the fourth, the quarter before for the third."""
    looked_back, raised = after.snapshot.var(PREVIOUS), before.snapshot.var(RAISED)
    starts = after.figures.previous_period.start, before.figures.period.start
    if starts[0] == starts[1]:
        return [_at_most([looked_back], [raised]), _at_most([raised], [looked_back])]
    if starts[0] < starts[1]:
        return [_at_most([raised], [looked_back])]
    october = before.snapshot.var(cell_id("month", "raised", f"{starts[1]:%Y-%m}"))
    return [
        _at_most([looked_back], [raised]),
        lambda point: point[raised] - point[looked_back] <= point[october],
    ]


def days_between(before: Published, after: Published) -> Callable[[Point], int] | None:
    """Raised on the days between the second quarter's previous period and the first
    quarter (31 March), or between the third quarter and the fourth's (1 and 2 October):
    one published count less the other."""
    looked_back, raised = after.snapshot.var(PREVIOUS), before.snapshot.var(RAISED)
    starts = after.figures.previous_period.start, before.figures.period.start
    if starts[0] == starts[1]:
        return None
    sign = 1 if starts[0] < starts[1] else -1
    return lambda point: sign * (point[looked_back] - point[raised])


def _at_least(name: str, least: int) -> Fact:
    return lambda point: point[name] >= least


def _at_most_value(name: str, most: int) -> Fact:
    return lambda point: point[name] <= most


def _at_most(smaller: list[str], larger: list[str]) -> Fact:
    return lambda point: _sum(point, smaller) <= _sum(point, larger)


def _in_one(p: Published, threshold: int) -> list[Fact]:
    v = p.snapshot.var
    facts: list[Fact] = []
    hidden = set()
    for cell in p.counts:
        shown, name = p.shown(cell), v(cell.id)
        if shown == SUPPRESSED:
            hidden.add(cell.id)
            facts.append(_at_least(name, p.band(cell) or 0))
        else:
            facts += [_at_least(name, shown), _at_most_value(name, shown)]
    for cell in tidy.cells(p.figures):
        if cell.public and cell.kind == DAYS and cell.key == "median":
            (count,) = cell.depends_on
            if count in hidden and p.shown(cell) not in (SUPPRESSED, None):
                facts.append(_at_least(v(count), threshold))
    for eq in tidy.equations(p.figures):
        facts.append(_at_most([v(eq.total)], [v(x) for x in eq.parts]))
        facts.append(_at_most([v(x) for x in eq.parts], [v(eq.total)]))
    for n, stage in enumerate(STAGES):
        later = [v(cell_id("stages", "reached", s)) for s in STAGES[n:]]
        resolved_at = v(cell_id("stages", "resolved_at", stage))
        facts.append(_at_most([resolved_at], [v(cell_id("stages", "reached", stage))]))
        facts.append(_at_most([resolved_at], [v(cell_id("timeliness", stage, "concluded"))]))
        for key in ("concluded", "extended", "breached"):
            facts.append(_at_most([v(cell_id("timeliness", stage, key))], later))
    facts.append(
        _at_most(
            [v(cell_id("learning", "resolved", "with_learning"))],
            [v(cell_id("headline", "status_at_end", "resolved"))],
        )
    )
    return facts


def _year_and_quarters(year: Published, quarters: list[Published]) -> list[Fact]:
    """Raised, urgency, months and categories add up; what only moves on (closed, concluded,
    breached, extended, learning recorded, stage reached) is at least the quarters' sum."""
    facts: list[Fact] = []
    for cell in year.counts:
        section, breakdown, key = cell.id.split("/")
        parts = [q.snapshot.var(cell.id) for q in quarters if cell.id in q.snapshot.counts]
        total = [year.snapshot.var(cell.id)]
        if section in ("month", "category") or breakdown == "urgency" or key == "raised":
            facts += [_at_most(total, parts), _at_most(parts, total)]
        elif key != "open_at_end" and (
            section == "timeliness"
            or breakdown in ("status_at_end", "resolved_at", "closed_by_end", "resolved")
        ):
            facts.append(_at_most(parts, total))
    for n in range(1, 4):
        cells = [cell_id("stages", "reached", s) for s in STAGES[n:]]
        facts.append(
            _at_most(
                [q.snapshot.var(c) for q in quarters for c in cells],
                [year.snapshot.var(c) for c in cells],
            )
        )
    return facts


def the_truth(published: list[Published]) -> dict[str, int]:
    return {p.snapshot.var(cell.id): int(cell.value or 0) for p in published for cell in p.counts}


# The year --------------------------------------------------------------------------------------


@settings(max_examples=20, deadline=None)
@given(
    made=st.lists(escalations(), max_size=36),
    threshold=st.integers(3, 6),
    before=st.tuples(st.integers(0, 12), st.integers(0, 3), st.integers(0, 40)),
)
def test_no_hidden_count_can_be_narrowed_below_the_threshold_by_a_reader_of_the_whole_year(
    made, threshold, before
):
    published = publish_the_year(made, threshold, before)
    knows = what_a_reader_knows(published, threshold)
    truth = the_truth(published)
    assert all(fact(truth) for fact in knows)  # what the reader knows is true
    reader = published[-1].reader  # its points are checked here against the JSON alone
    checked: set[int] = set()  # the points the reader's facts were checked on, by id
    for p in published:
        for cell in p.counts:
            shown = p.shown(cell)
            assert shown == SUPPRESSED or not 0 < shown < threshold, (p.kind, cell.id)
            if shown != SUPPRESSED:
                continue
            name = p.snapshot.var(cell.id)
            reader.span(name, enough=threshold - 1)
            low, high = reader.witnesses(name)
            assert high[name] - low[name] >= threshold - 1, (p.figures.period, cell.id)
            for point in (low, high):
                if id(point) not in checked:
                    assert all(fact(point) for fact in knows)
                    checked.add(id(point))
            if (band := p.band(cell)) is not None:
                assert band >= threshold
                assert band % 5 == 0
                assert band <= int(cell.value or 0)
    quarters = [p for p in published if p.kind == QUARTER]
    for before, after in itertools.pairwise(quarters):
        between = days_between(before, after)
        if between is None or not 0 < between(truth) < threshold:
            continue
        (name,) = (n for n in reader.unpublished if n.startswith(after.snapshot.name + "|"))
        reader.span(name, enough=threshold - 1)
        low, high = reader.witnesses(name)
        assert between(high) - between(low) >= threshold - 1, after.figures.period
        assert all(fact(low) for fact in knows)
        assert all(fact(high) for fact in knows)

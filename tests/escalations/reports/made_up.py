"""Made-up figures for the public edition's tests, without a database: a ``ReportFigures``
from the public counts alone, and a reporting year of made-up escalations, each lived from
its quarter's end to the year's end, counted as the report counts them."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from hypothesis import strategies as st

from escalations.models import Category, Outcome
from escalations.reports.definitions import DEFINITIONS
from escalations.reports.figures import (
    Agencies,
    Breakdown,
    Durations,
    Headline,
    Learning,
    Meetings,
    Methodology,
    ReportFigures,
    StageFigures,
)
from escalations.reports.period import Period
from escalations.reports.stats import AGE_BANDS, Distribution
from escalations.reports.tidy import cell_id

NONE = Breakdown(())


def figures_of(
    period: Period,
    counts: Mapping[str, int],
    *,
    medians: Mapping[str, float | None] = {},  # noqa: B006 - read only
    threshold: int = 5,
) -> ReportFigures:
    """Figures whose public counts are ``counts`` (by cell id; 0 where missing), with the
    medians given (by breakdown: ``to_resolution``, ``as_far_as_they_went``,
    ``open_at_end``)."""

    def n(section: str, breakdown: str, key: str) -> int:
        return counts.get(cell_id(section, breakdown, key), 0)

    def table(section: str, breakdown: str, labels: list[tuple[str, str]]) -> Breakdown:
        return Breakdown.of(labels, {key: n(section, breakdown, key) for key, _ in labels})

    def stage(number: int) -> StageFigures:
        key = f"stage_{number}"
        concluded, extended = n("timeliness", key, "concluded"), n("timeliness", key, "extended")
        return StageFigures(
            stage=number,
            entered=concluded,
            reached=n("stages", "reached", key),
            concluded=concluded,
            within_timescale=n("timeliness", key, "within_timescale"),
            resolved=n("stages", "resolved_at", key),
            escalated=0,
            withdrawn=0,
            extended=extended,
            extensions=extended,
            breached=n("timeliness", key, "breached"),
        )

    def distribution(name: str, count: int) -> Distribution:
        median = medians.get(name)
        whole = None if median is None else int(median) + 1
        return Distribution(count=count, median=median, p90=whole, longest=whole)

    headline = Headline(
        *(n("headline", "raised", key) for key in ("raised", "previous_period")),
        *(n("headline", "urgency", key) for key in ("urgent", "standard")),
        *(n("headline", "status_at_end", key) for key in ("resolved", "withdrawn", "open_at_end")),
    )
    months = [(f"{m:%Y-%m}", f"{m:%B %Y}") for m in period.months()]
    return ReportFigures(
        partnership="Made-up partnership",
        period=period,
        previous_period=period.previous(),
        headline=headline,
        stages=tuple(stage(number) for number in (1, 2, 3, 4)),
        meetings=Meetings(
            convened=n("meetings", "stage_4", "convened"),
            held=n("meetings", "stage_4", "held"),
            working_days_to_meet=distribution(
                "working_days_to_meet", n("meetings", "stage_4", "held")
            ),
        ),
        durations=Durations(
            to_resolution=distribution("to_resolution", headline.resolved),
            as_far_as_they_went=distribution("as_far_as_they_went", headline.raised),
            open_at_end=distribution("open_at_end", headline.open_at_end),
            open_age_bands=table("open_age", "working_days", [b[:2] for b in AGE_BANDS]),
        ),
        by_month=table("month", "raised", months),
        by_category=table("category", "raised", [(k, str(v)) for k, v in Category.choices]),
        by_level_of_need=NONE,
        by_case_status=NONE,
        by_outcome=table("outcome", "closed_by_end", [(k, str(v)) for k, v in Outcome.choices]),
        signposting=NONE,
        learning=Learning(n("learning", "resolved", "with_learning"), ()),
        agencies=Agencies(NONE, NONE, NONE, NONE, (), (), (), ()),
        methodology=Methodology(
            definitions=DEFINITIONS,
            region="England and Wales",
            closure_days=(),
            suppression_threshold=threshold,
            policy_versions=(),
            taken_at=period.end_at + dt.timedelta(days=10),
            as_at=period.end_at,
        ),
    )


# A made-up year ------------------------------------------------------------------------------

OPEN, RESOLVED, WITHDRAWN = "open_at_end", "resolved", "withdrawn"
CATEGORIES = ("threshold", "assessment", "drift", "information_sharing")
OUTCOMES = ("decision_changed", "stands_accepted", "partly_agreed", "not_agreed")
AGES = ("0_5", "6_10", "11_20")


@dataclass(frozen=True)
class State:
    """Where an escalation stood at the end of a period."""

    stage: int  # the highest stage entered
    status: str
    age: str  # the open-age band, if open
    days: int  # working days to closing, or open so far


@dataclass(frozen=True)
class Escalation:
    month: int  # 0 to 11, in the reporting year
    day: int  # of the month
    category: str
    urgent: bool
    first_stage: int
    outcome: str
    learning: bool
    late: frozenset[int]  # stages concluded after their original due moment
    extended: frozenset[int]
    breached: frozenset[int]
    at_quarter_end: State
    at_year_end: State

    @property
    def quarter(self) -> int:
        return self.month // 3

    def raised_on(self, year: Period) -> dt.date:
        return year.months()[self.month].replace(day=self.day)


@st.composite
def escalations(draw: st.DrawFn) -> Escalation:
    first = draw(st.sampled_from((1, 1, 1, 2)))
    final = State(
        stage=draw(st.integers(first, 4)),
        status=draw(st.sampled_from((RESOLVED, RESOLVED, WITHDRAWN, OPEN))),
        age=draw(st.sampled_from(AGES)),
        days=draw(st.integers(0, 30)),
    )
    stage = draw(st.integers(first, final.stage))
    closed_by_quarter_end = stage == final.stage and final.status != OPEN and draw(st.booleans())
    earlier = (
        final
        if closed_by_quarter_end
        else State(stage, OPEN, draw(st.sampled_from(AGES)), draw(st.integers(0, final.days)))
    )
    stages = st.frozensets(st.integers(first, final.stage), max_size=2)
    return Escalation(
        month=draw(st.integers(0, 11)),
        day=draw(st.sampled_from((1, 2, 3, 15, 28))),
        category=draw(st.sampled_from(CATEGORIES)),
        urgent=draw(st.booleans()),
        first_stage=first,
        outcome=draw(st.sampled_from(OUTCOMES)),
        learning=draw(st.booleans()),
        late=draw(stages),
        extended=draw(stages),
        breached=draw(stages),
        at_quarter_end=earlier,
        at_year_end=final,
    )


def counted(
    made: list[Escalation], *, months: list[str], at_year_end: bool
) -> tuple[dict[str, int], dict[str, float | None]]:
    """The public counts and medians of ``made`` (all raised in the period), with each
    escalation as it stood at the period's end. ``months``: the year's month keys."""
    counts: Counter[str] = Counter()

    def add(section: str, breakdown: str, key: str) -> None:
        counts[cell_id(section, breakdown, key)] += 1

    days: dict[str, list[int]] = {"to_resolution": [], "as_far_as_they_went": [], OPEN: []}
    for escalation in made:
        state = escalation.at_year_end if at_year_end else escalation.at_quarter_end
        add("headline", "raised", "raised")
        add("headline", "urgency", "urgent" if escalation.urgent else "standard")
        add("month", "raised", months[escalation.month])
        add("category", "raised", escalation.category)
        add("headline", "status_at_end", state.status)
        add("stages", "reached", f"stage_{state.stage}")
        days["as_far_as_they_went"].append(state.days)
        if state.status == RESOLVED:
            add("stages", "resolved_at", f"stage_{state.stage}")
            add("outcome", "closed_by_end", escalation.outcome)
            days["to_resolution"].append(state.days)
            if escalation.learning:
                add("learning", "resolved", "with_learning")
        elif state.status == WITHDRAWN:
            add("outcome", "closed_by_end", "withdrawn")
        else:
            add("open_age", "working_days", state.age)
            days[OPEN].append(state.days)
        for stage in range(escalation.first_stage, state.stage + 1):
            for key in _stage_record(escalation, state, stage):
                add("timeliness", f"stage_{stage}", key)
    medians = {name: Distribution.of(Counter(values)).median for name, values in days.items()}
    return dict(counts), medians


def _stage_record(escalation: Escalation, state: State, stage: int) -> Iterator[str]:
    if stage < state.stage or state.status != OPEN:
        yield "concluded"
        yield "late" if stage in escalation.late else "within_timescale"
    if stage in escalation.extended:
        yield "extended"
    if stage in escalation.breached:
        yield "breached"

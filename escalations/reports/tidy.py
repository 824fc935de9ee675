"""The figures as tidy cells, one per figure (section, breakdown, key, value), and the sums
that tie cells together (what a reader could add up or take away).

Every format reads these cells, and suppression works on them, so a figure is named once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .figures import Breakdown, ReportFigures, StageFigures
from .stats import Distribution

COUNT, SHARE, DAYS, HOURS = "count", "share", "working_days", "hours"


@dataclass(frozen=True)
class Cell:
    section: str
    breakdown: str
    key: str
    label: str
    value: int | float | None
    kind: str = COUNT
    public: bool = True  # in the public edition
    depends_on: tuple[str, ...] = ()  # counts a share or median rests on

    @property
    def id(self) -> str:
        return cell_id(self.section, self.breakdown, self.key)


@dataclass(frozen=True)
class Equation:
    """``total`` is the sum of ``parts``: all are cell ids."""

    total: str
    parts: tuple[str, ...]


def cell_id(section: str, breakdown: str, key: str) -> str:
    return f"{section}/{breakdown}/{key}"


RAISED = cell_id("headline", "raised", "raised")
PREVIOUS_PERIOD = cell_id("headline", "raised", "previous_period")
RESOLVED = cell_id("headline", "status_at_end", "resolved")
WITHDRAWN = cell_id("headline", "status_at_end", "withdrawn")
OPEN_AT_END = cell_id("headline", "status_at_end", "open_at_end")
HEADLINES = frozenset({RAISED, RESOLVED, WITHDRAWN, OPEN_AT_END})

# Where a cell sits in the report's JSON (DESIGN.md section 7): a key of its own, or a table.
JSON_KEYS: dict[str, tuple[str, ...]] = {
    RAISED: ("raised",),
    PREVIOUS_PERIOD: ("raised_previous_period",),
    cell_id("headline", "urgency", "urgent"): ("urgent",),
    cell_id("headline", "urgency", "standard"): ("standard",),
    RESOLVED: ("resolved",),
    WITHDRAWN: ("withdrawn",),
    OPEN_AT_END: ("open_at_end",),
    **{
        cell_id("stages", "resolved_at", f"stage_{n}"): (f"resolved_at_stage_{n}",)
        for n in (1, 2, 3, 4)
    },
    **{
        cell_id("durations", breakdown, measure): (f"{measure}_working_days_{name}",)
        for breakdown, name in (
            ("to_resolution", "to_resolution"),
            ("as_far_as_they_went", "as_far_as_they_went"),
            ("open_at_end", "open_at_end"),
        )
        for measure in ("median", "p90")
        if (breakdown, measure) != ("open_at_end", "p90")
    },
    cell_id("learning", "resolved", "with_learning"): ("learning", "resolved_with_learning"),
    cell_id("meetings", "stage_4", "convened"): ("stage_4_meetings_convened",),
    cell_id("meetings", "stage_4", "held"): ("stage_4_meetings_held",),
    cell_id("meetings", "working_days_to_meet", "median"): (
        "median_working_days_to_stage_4_meeting",
    ),
    cell_id("meetings", "working_days_to_meet", "p90"): ("p90_working_days_to_stage_4_meeting",),
}
JSON_TABLES: dict[tuple[str, str], str] = {
    ("stages", "reached"): "by_stage_reached",
    ("stages", "resolved_at"): "by_stage_resolved",
    ("stages", "resolved_at_share"): "share_resolved_by_stage",
    ("open_age", "working_days"): "by_open_age",
    ("category", "raised"): "by_category",
    ("outcome", "closed_by_end"): "by_outcome",
    ("month", "raised"): "by_month",
}


def json_paths(cell: Cell) -> tuple[tuple[str, ...], ...]:
    """Where ``cell`` is in the public JSON: a key of its own and, for some, a table too."""
    paths = [JSON_KEYS[cell.id]] if cell.id in JSON_KEYS else []
    if cell.section == "timeliness":
        paths.append(("timeliness_by_stage", cell.breakdown, cell.key))
    elif (table := JSON_TABLES.get((cell.section, cell.breakdown))) is not None:
        paths.append((table, cell.key))
    return tuple(paths)


def cells(figures: ReportFigures) -> tuple[Cell, ...]:
    return (
        *_headline(figures),
        *_stages(figures),
        *_meetings(figures),
        *_durations(figures),
        *_breakdown("month", "raised", figures.by_month),
        *_breakdown("category", "raised", figures.by_category),
        *_breakdown("outcome", "closed_by_end", figures.by_outcome),
        Cell(
            "learning",
            "resolved",
            "with_learning",
            "Resolved with learning",
            figures.learning.recorded,
        ),
        *_breakdown("level_of_need", "raised", figures.by_level_of_need, public=False),
        *_breakdown("case_status", "raised", figures.by_case_status, public=False),
        *_breakdown("signposting", "route", figures.signposting, public=False),
        *_agencies(figures),
    )


def equations(figures: ReportFigures) -> tuple[Equation, ...]:
    """The sums a reader of the public edition could use to work back a hidden count."""

    def parts(section: str, breakdown: str, keys: list[str]) -> tuple[str, ...]:
        return tuple(cell_id(section, breakdown, key) for key in keys)

    stages = [f"stage_{stage.stage}" for stage in figures.stages]
    outcomes = [row.key for row in figures.by_outcome.rows if row.key != "withdrawn"]
    sums = [
        Equation(RAISED, (RESOLVED, WITHDRAWN, OPEN_AT_END)),
        Equation(RAISED, parts("headline", "urgency", ["urgent", "standard"])),
        Equation(RAISED, parts("stages", "reached", stages)),
        Equation(RESOLVED, parts("stages", "resolved_at", stages)),
        Equation(RESOLVED, parts("outcome", "closed_by_end", outcomes)),
        Equation(WITHDRAWN, (cell_id("outcome", "closed_by_end", "withdrawn"),)),
        Equation(
            OPEN_AT_END, parts("open_age", "working_days", _keys(figures.durations.open_age_bands))
        ),
        Equation(RAISED, parts("month", "raised", _keys(figures.by_month))),
        Equation(RAISED, parts("category", "raised", _keys(figures.by_category))),
    ]
    for stage in stages:
        concluded = cell_id("timeliness", stage, "concluded")
        sums.append(Equation(concluded, parts("timeliness", stage, ["within_timescale", "late"])))
    return tuple(sums)


def _keys(breakdown: Breakdown) -> list[str]:
    return [row.key for row in breakdown.rows]


def _breakdown(
    section: str, breakdown: str, counts: Breakdown, *, public: bool = True
) -> Iterator[Cell]:
    for row in counts.rows:
        yield Cell(section, breakdown, row.key, row.label, row.value, public=public)


def _meetings(figures: ReportFigures) -> Iterator[Cell]:
    meetings = figures.meetings
    convened = cell_id("meetings", "stage_4", "convened")
    yield Cell("meetings", "stage_4", "convened", "Stage 4 meetings convened", meetings.convened)
    yield Cell("meetings", "stage_4", "held", "Stage 4 meetings held", meetings.held)
    yield from _distribution(
        "meetings",
        "working_days_to_meet",
        "From the start of stage 4 to the meeting",
        meetings.working_days_to_meet,
        DAYS,
        convened,
    )


def _headline(figures: ReportFigures) -> Iterator[Cell]:
    headline = figures.headline
    yield Cell("headline", "raised", "raised", "Raised", headline.raised)
    yield Cell(
        "headline",
        "raised",
        "previous_period",
        "Raised in the previous period",
        headline.raised_previous_period,
    )
    yield Cell("headline", "urgency", "urgent", "Urgent", headline.urgent)
    yield Cell("headline", "urgency", "standard", "Standard", headline.standard)
    yield Cell("headline", "status_at_end", "resolved", "Resolved", headline.resolved)
    yield Cell("headline", "status_at_end", "withdrawn", "Withdrawn", headline.withdrawn)
    yield Cell(
        "headline",
        "status_at_end",
        "open_at_end",
        "Open at the end of the period",
        headline.open_at_end,
    )


def _stages(figures: ReportFigures) -> Iterator[Cell]:
    resolved = figures.headline.resolved
    for stage in figures.stages:
        key, label = f"stage_{stage.stage}", f"Stage {stage.stage}"
        yield Cell("stages", "reached", key, label, stage.reached)
        yield Cell("stages", "resolved_at", key, label, stage.resolved)
        yield Cell(
            "stages",
            "resolved_at_share",
            key,
            label,
            stage.resolved / resolved if resolved else None,
            kind=SHARE,
            depends_on=(cell_id("stages", "resolved_at", key), RESOLVED),
        )
    for stage in figures.stages:
        yield from _timeliness(stage)


def _timeliness(stage: StageFigures) -> Iterator[Cell]:
    key = f"stage_{stage.stage}"
    for name, label, value, public in (
        ("entered", "Entered", stage.entered, False),
        ("concluded", "Concluded", stage.concluded, True),
        ("within_timescale", "Within timescale", stage.within_timescale, True),
        ("late", "Late", stage.late, True),
        ("open_at_end", "Open at the end", stage.open_at_end, False),
        ("extended", "Extended", stage.extended, True),
        ("extensions", "Extensions", stage.extensions, False),
        ("breached", "Breached", stage.breached, True),
    ):
        yield Cell("timeliness", key, name, label, value, public=public)
    yield Cell(
        "timeliness",
        key,
        "within_timescale_share",
        "Share within timescale",
        stage.within_timescale / stage.concluded if stage.concluded else None,
        kind=SHARE,
        depends_on=(
            cell_id("timeliness", key, "within_timescale"),
            cell_id("timeliness", key, "concluded"),
        ),
    )


def _durations(figures: ReportFigures) -> Iterator[Cell]:
    durations = figures.durations
    for name, label, distribution, count in (
        ("to_resolution", "To resolution", durations.to_resolution, RESOLVED),
        ("as_far_as_they_went", "As far as they went", durations.as_far_as_they_went, RAISED),
        ("open_at_end", "Open at the end, so far", durations.open_at_end, OPEN_AT_END),
    ):
        yield from _distribution("durations", name, label, distribution, DAYS, count)
    yield from _breakdown("open_age", "working_days", durations.open_age_bands)


def _distribution(
    section: str, breakdown: str, label: str, distribution: Distribution, kind: str, count: str
) -> Iterator[Cell]:
    yield Cell(
        section,
        breakdown,
        "median",
        f"{label}: median",
        distribution.median,
        kind,
        depends_on=(count,),
    )
    yield Cell(
        section,
        breakdown,
        "p90",
        f"{label}: 90th percentile",
        distribution.p90,
        kind,
        depends_on=(count,),
    )
    yield Cell(
        section, breakdown, "longest", f"{label}: longest", distribution.longest, kind, public=False
    )


def _agencies(figures: ReportFigures) -> Iterator[Cell]:
    agencies = figures.agencies
    for name, breakdown in (
        ("raising_agency", agencies.by_raising_agency),
        ("receiving_agency", agencies.by_receiving_agency),
        ("raising_sector", agencies.by_raising_sector),
        ("receiving_sector", agencies.by_receiving_sector),
    ):
        yield from _breakdown(name, "raised", breakdown, public=False)
    for section, flows in (
        ("agency_flows", agencies.agency_flows),
        ("sector_flows", agencies.sector_flows),
    ):
        for flow in flows:
            yield Cell(
                section, flow.raising, flow.receiving, flow.receiving, flow.count, public=False
            )
    for agency in agencies.raised_none:
        yield Cell(
            "agencies_raising_none", "agency", agency.name, agency.sector_label, 0, public=False
        )
    for row in agencies.timeliness:
        name = row.agency.name
        for key, label, value in (
            ("received", "Received", row.received),
            ("acknowledged", "Acknowledged", row.acknowledged),
            ("acknowledged_on_time", "Acknowledged on time", row.acknowledged_on_time),
            ("responded", "Responded", row.responded),
            ("responded_on_time", "Responded on time", row.responded_on_time),
        ):
            yield Cell("receiving_timeliness", name, key, label, value, public=False)
        for key, label, hours in (
            (
                "median_hours_to_acknowledge",
                "Median hours to acknowledge",
                row.hours_to_acknowledge,
            ),
            ("median_hours_to_respond", "Median hours to respond", row.hours_to_respond),
        ):
            yield Cell("receiving_timeliness", name, key, label, hours.median, HOURS, public=False)

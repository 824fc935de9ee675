"""Computing the report's figures (``figures.ReportFigures``) from database aggregates.

Each query in ``queries`` returns counts per group; this module arranges those groups into the
report's breakdowns, every category present (a zero is a finding too). Loops here run over
groups (stages, months, agencies, distinct values), never over escalations.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.utils import timezone

from escalations.models import (
    Agency,
    CaseStatus,
    Category,
    Outcome,
    Partnership,
    Region,
    Sector,
    SignpostRoute,
)
from workflows.timescales import Clock

from . import queries
from .definitions import DEFINITIONS
from .figures import (
    NOT_RECORDED,
    STAGES,
    Agencies,
    AgencyRef,
    AgencyTimeliness,
    Breakdown,
    Durations,
    Flow,
    Headline,
    Learning,
    Meetings,
    Methodology,
    PolicyVersion,
    ReportFigures,
    StageFigures,
)
from .period import Period
from .stats import Distribution, ages_in_working_days, banded, merge

Rows = list[dict[str, Any]]


def compute_figures(
    *,
    partnership: Partnership,
    period: Period,
    taken_at: dt.datetime | None = None,
    learning_themes: Iterable[str] = (),
    threshold: int | None = None,
) -> ReportFigures:
    """The figures for escalations raised in ``period``, with outcomes as at its end (or as
    at ``taken_at``, default now, if the period has not ended yet)."""
    taken_at = taken_at or timezone.now()
    scope = queries.Scope.of(partnership, period, taken_at)
    outcome_rows = queries.outcomes(scope)
    profile = queries.profile(scope)
    return ReportFigures(
        partnership=partnership.name,
        period=period,
        previous_period=period.previous(),
        headline=_headline(outcome_rows, queries.raised_in(partnership, period.previous())),
        stages=_stages(queries.stages(scope), queries.extensions(scope)),
        meetings=_meetings(scope),
        durations=_durations(scope, outcome_rows),
        by_month=Breakdown.of(
            ((f"{month:%Y-%m}", f"{month:%B %Y}") for month in period.months()),
            _count(profile, lambda row: f"{row['month']:%Y-%m}"),
        ),
        by_category=Breakdown.of(Category.choices, _count(profile, "category")),
        by_level_of_need=_need_levels(partnership, _count(profile, "level_of_need")),
        by_case_status=Breakdown.of(CaseStatus.choices, _count(profile, "case_status")),
        by_outcome=Breakdown.of(Outcome.choices, _count(outcome_rows, "outcome_at_end")),
        signposting=Breakdown.of(SignpostRoute.choices, queries.signposting(scope)),
        learning=Learning(
            recorded=sum(row["learning"] for row in outcome_rows),
            themes=tuple(theme.strip() for theme in learning_themes if theme.strip()),
        ),
        agencies=_agencies(scope),
        methodology=_methodology(
            scope,
            taken_at,
            _count(profile, "policy_id"),
            partnership.suppression_threshold if threshold is None else threshold,
        ),
    )


def _meetings(scope: queries.Scope) -> Meetings:
    """Convened and held by the end of the period, and for those held the working days from
    the start of stage 4 to the meeting, counted as every duration is (``Clock``: from the
    next working day when stage 4 started after the cut-off). Stage 4 is rare: the loop runs
    over the meetings held."""
    partnership = scope.partnership
    convened, held = queries.meetings(scope)
    policies = {p.pk: p for p in partnership.policies.filter(pk__in={r["policy_id"] for r in held})}
    days: Counter[int] = Counter()
    for row in held:
        clock = Clock.of(partnership=partnership, policy=policies[row["policy_id"]])
        days[clock.working_days(row["started_at"], row["held_at"])] += 1
    return Meetings(convened=convened, held=len(held), working_days_to_meet=Distribution.of(days))


def _count(rows: Iterable[Mapping[str, Any]], key: str | Callable[[Any], str]) -> Counter[str]:
    """The sum of each group's ``n`` by one of its columns (or a function of the group)."""
    totals: Counter[str] = Counter()
    for row in rows:
        totals[key(row) if callable(key) else str(row[key])] += row["n"]
    return totals


def _headline(rows: Rows, previous: int) -> Headline:
    at_end = _count(rows, "at_end")
    raised = sum(at_end.values())
    urgent = sum(row["n"] for row in rows if row["urgent"])
    return Headline(
        raised=raised,
        raised_previous_period=previous,
        urgent=urgent,
        standard=raised - urgent,
        resolved=at_end["resolved"],
        withdrawn=at_end["withdrawn"],
        open_at_end=at_end[queries.OPEN],
    )


def _stages(stage_rows: Rows, extension_rows: Rows) -> tuple[StageFigures, ...]:
    """Per stage; the highest stage reached is the stage entered and not escalated by the end
    (an escalated stage's next stage starts at the same moment)."""
    by_stage = {row["stage"]: row for row in stage_rows}
    extended = {row["stage_record__stage"]: row for row in extension_rows}
    figures = []
    for stage in STAGES:
        row = by_stage.get(stage, {})
        ext = extended.get(stage, {})
        figures.append(
            StageFigures(
                stage=stage,
                entered=row.get("entered", 0),
                reached=row.get("entered", 0) - row.get("escalated", 0),
                concluded=row.get("concluded", 0),
                within_timescale=row.get("within", 0),
                resolved=row.get("resolved", 0),
                escalated=row.get("escalated", 0),
                withdrawn=row.get("withdrawn", 0),
                extended=ext.get("extended", 0),
                extensions=ext.get("extensions", 0),
                breached=row.get("breaches", 0),
            )
        )
    return tuple(figures)


def _durations(scope: queries.Scope, outcome_rows: Rows) -> Durations:
    """Working days open: stored on closing for those closed by the end; counted to the end
    of the period for those still open."""
    closed: dict[str, Counter[int]] = defaultdict(Counter)
    for row in outcome_rows:
        if row["at_end"] != queries.OPEN and row["days"] is not None:
            closed[row["at_end"]][row["days"]] += row["n"]
    partnership = scope.partnership
    open_ages = ages_in_working_days(
        queries.open_raised_days(scope),
        last_day=timezone.localtime(scope.as_at - dt.timedelta(microseconds=1)).date(),
        region=partnership.region,
        closures=partnership.closure_dates(),
    )
    return Durations(
        to_resolution=Distribution.of(closed["resolved"]),
        as_far_as_they_went=Distribution.of(
            merge(closed["resolved"], closed["withdrawn"], open_ages)
        ),
        open_at_end=Distribution.of(open_ages),
        open_age_bands=Breakdown.of(
            [(key, label) for key, label, _ in banded(open_ages)],
            {key: n for key, _, n in banded(open_ages)},
        ),
    )


def _need_levels(partnership: Partnership, counts: Mapping[str, int]) -> Breakdown:
    """The partnership's own labels in its order, then any other value recorded, then none."""
    labels = list(partnership.levels_of_need())
    others = sorted(key for key in counts if key and key not in labels)
    return Breakdown.of(
        [*((label, label) for label in (*labels, *others)), (NOT_RECORDED, "Not recorded")],
        {**counts, NOT_RECORDED: counts.get("", 0)},
    )


def _agencies(scope: queries.Scope) -> Agencies:
    rows = list(Agency.objects.filter(partnership=scope.partnership).order_by("name"))
    sectors = dict(Sector.choices)
    agencies = {row.pk: AgencyRef(row.name, row.sector, str(sectors[row.sector])) for row in rows}
    flows = queries.flows(scope)

    def side(which: str, what: str) -> Callable[[Any], str]:
        return lambda row: str(getattr(agencies[row[f"{which}_agency_id"]], what))

    raising = _count(flows, side("raising", "name"))
    receiving = _count(flows, side("receiving", "name"))
    names = [(row.name, row.name) for row in rows]
    return Agencies(
        by_raising_agency=Breakdown.of(names, raising),
        by_receiving_agency=Breakdown.of(names, receiving),
        by_raising_sector=Breakdown.of(Sector.choices, _count(flows, side("raising", "sector"))),
        by_receiving_sector=Breakdown.of(
            Sector.choices, _count(flows, side("receiving", "sector"))
        ),
        agency_flows=_flows(flows, side("raising", "name"), side("receiving", "name")),
        sector_flows=_flows(
            flows, side("raising", "sector_label"), side("receiving", "sector_label")
        ),
        raised_none=tuple(
            agencies[row.pk]
            for row in rows
            if raising[row.name] == 0 and _active_in(row, scope.period)
        ),
        timeliness=_timeliness(scope, agencies, receiving),
    )


def _active_in(agency: Agency, period: Period) -> bool:
    return agency.active_from <= period.end and (
        agency.active_to is None or agency.active_to >= period.start
    )


def _flows(
    rows: Rows, raising: Callable[[Any], str], receiving: Callable[[Any], str]
) -> tuple[Flow, ...]:
    pairs: Counter[tuple[str, str]] = Counter()
    for row in rows:
        pairs[raising(row), receiving(row)] += row["n"]
    return tuple(Flow(a, b, n) for (a, b), n in sorted(pairs.items()))


def _timeliness(
    scope: queries.Scope, agencies: Mapping[int, AgencyRef], received: Mapping[str, int]
) -> tuple[AgencyTimeliness, ...]:
    """Acknowledgement and response by receiving agency, for every agency that received one."""
    acks: dict[int, Rows] = defaultdict(list)
    for row in queries.acknowledgements(scope):
        acks[row["receiving_agency_id"]].append(row)
    responses: dict[int, Rows] = defaultdict(list)
    for row in queries.responses(scope):
        responses[row["agency_id"]].append(row)
    result = []
    for pk, agency in sorted(agencies.items(), key=lambda item: item[1].name):
        if not received.get(agency.name):
            continue
        acknowledged = [row for row in acks[pk] if row["hours"] is not None]
        result.append(
            AgencyTimeliness(
                agency=agency,
                received=received[agency.name],
                acknowledged=sum(row["n"] for row in acknowledged),
                acknowledged_on_time=sum(row["on_time"] for row in acknowledged),
                hours_to_acknowledge=_hours(acknowledged),
                responded=sum(row["n"] for row in responses[pk]),
                responded_on_time=sum(row["on_time"] for row in responses[pk]),
                hours_to_respond=_hours(responses[pk]),
            )
        )
    return tuple(result)


def _hours(rows: Rows) -> Distribution:
    histogram: Counter[int] = Counter()
    for row in rows:
        histogram[max(0, int(row["hours"]))] += row["n"]
    return Distribution.of(histogram)


def _methodology(
    scope: queries.Scope, taken_at: dt.datetime, by_policy: Mapping[str, int], threshold: int
) -> Methodology:
    partnership = scope.partnership
    period = scope.period
    policies = partnership.policies.filter(effective_from__lt=scope.as_at).order_by("version")
    return Methodology(
        definitions=DEFINITIONS,
        region=str(dict(Region.choices).get(partnership.region, partnership.region)),
        closure_days=tuple(
            day for day in partnership.closure_dates() if period.start <= day <= period.end
        ),
        suppression_threshold=threshold,
        policy_versions=tuple(
            PolicyVersion(
                version=policy.version,
                effective_from=policy.effective_from,
                escalations=by_policy.get(str(policy.pk), 0),
                timescales=(
                    f"acknowledge {policy.acknowledge_days}, stages 1 to 4: "
                    f"{policy.stage_1_days}, {policy.stage_2_days}, {policy.stage_3_days}, "
                    f"{policy.stage_4_days} working days; urgent: acknowledge "
                    f"{policy.urgent_acknowledge_hours}, stages 1 to 4: "
                    f"{policy.urgent_stage_1_hours}, {policy.urgent_stage_2_hours}, "
                    f"{policy.urgent_stage_3_hours}, {policy.urgent_stage_4_hours} hours; "
                    f"cut-off {policy.cutoff:%H:%M}"
                ),
            )
            for policy in policies
        ),
        taken_at=taken_at,
        as_at=min(scope.as_at, taken_at),
    )

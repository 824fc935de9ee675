"""The demo's first two quarters of reporting year 2026, as ``manage.py seed_demo`` built them
on 3 December 2026 (the invented Northshire partnership, threshold 5): every public count
that is not zero, and the medians, as ``compute_figures`` gave them for each quarter as at
its publication (the 90th percentiles are left as ``made_up`` makes them). Issue 14 quotes
the second: 30 raised, 20 resolved at stage 1, and the rest hidden."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from escalations.models.published import QUARTER
from escalations.reports.period import Period
from escalations.reports.render import to_json
from escalations.reports.suppression import PUBLIC, build_edition, published_snapshot
from escalations.reports.tidy import cell_id

from .made_up import figures_of


def _counts(
    *,
    raised: int,
    previous: int,
    urgent: int,
    status: tuple[int, int, int],
    reached: tuple[int, ...],
    resolved_at: tuple[int, ...],
    timeliness: dict[str, tuple[int, int, int, int]],  # concluded, within, extended, breached
    open_age: dict[str, int],
    months: dict[str, int],
    categories: dict[str, int],
    outcomes: dict[str, int],
    learning: int,
) -> dict[str, int]:
    counts = {
        cell_id("headline", "raised", "raised"): raised,
        cell_id("headline", "raised", "previous_period"): previous,
        cell_id("headline", "urgency", "urgent"): urgent,
        cell_id("headline", "urgency", "standard"): raised - urgent,
        cell_id("learning", "resolved", "with_learning"): learning,
    }
    for key, n in zip(("resolved", "withdrawn", "open_at_end"), status, strict=True):
        counts[cell_id("headline", "status_at_end", key)] = n
    for number, (high, resolved) in enumerate(zip(reached, resolved_at, strict=True), start=1):
        counts[cell_id("stages", "reached", f"stage_{number}")] = high
        counts[cell_id("stages", "resolved_at", f"stage_{number}")] = resolved
    for stage, (concluded, within, extended, breached) in timeliness.items():
        for key, n in (
            ("concluded", concluded),
            ("within_timescale", within),
            ("late", concluded - within),
            ("extended", extended),
            ("breached", breached),
        ):
            counts[cell_id("timeliness", stage, key)] = n
    for section, breakdown, table in (
        ("open_age", "working_days", open_age),
        ("month", "raised", months),
        ("category", "raised", categories),
        ("outcome", "closed_by_end", outcomes),
    ):
        counts |= {cell_id(section, breakdown, key): n for key, n in table.items()}
    return counts


APRIL_TO_JUNE = figures_of(
    Period(dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
    _counts(
        raised=30,
        previous=27,
        urgent=1,
        status=(27, 1, 2),
        reached=(23, 6, 0, 1),
        resolved_at=(22, 4, 0, 1),
        timeliness={
            "stage_1": (29, 26, 1, 2),
            "stage_2": (6, 6, 0, 0),
            "stage_3": (1, 1, 0, 0),
            "stage_4": (1, 1, 0, 0),
        },
        open_age={"0_5": 2},
        months={"2026-04": 11, "2026-05": 10, "2026-06": 9},
        categories={
            "threshold": 7,
            "assessment": 2,
            "strategy_s47": 3,
            "cp_plan": 1,
            "drift": 2,
            "step_down": 1,
            "roles": 1,
            "information_sharing": 7,
            "exploitation": 1,
            "resources": 5,
        },
        outcomes={
            "decision_changed": 8,
            "stands_accepted": 9,
            "partly_agreed": 9,
            "not_agreed": 1,
            "withdrawn": 1,
        },
        learning=6,
    ),
    medians={"to_resolution": 2.0, "as_far_as_they_went": 2.0, "open_at_end": 1.5},
)
JULY_TO_SEPTEMBER = figures_of(
    Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
    _counts(
        raised=30,
        previous=30,
        urgent=2,
        status=(27, 2, 1),
        reached=(22, 5, 3, 0),
        resolved_at=(20, 4, 3, 0),
        timeliness={
            "stage_1": (30, 28, 1, 1),
            "stage_2": (7, 7, 0, 0),
            "stage_3": (3, 3, 0, 0),
        },
        open_age={"0_5": 1},
        months={"2026-07": 11, "2026-08": 9, "2026-09": 10},
        categories={
            "threshold": 3,
            "assessment": 3,
            "strategy_s47": 2,
            "cp_plan": 2,
            "drift": 1,
            "step_down": 4,
            "roles": 1,
            "cross_border": 1,
            "information_sharing": 10,
            "exploitation": 1,
            "resources": 2,
        },
        outcomes={"decision_changed": 9, "stands_accepted": 13, "partly_agreed": 5, "withdrawn": 2},
        learning=8,
    ),
    medians={"to_resolution": 2.0, "as_far_as_they_went": 2.0, "open_at_end": 1.0},
)


def demo_second_quarter() -> dict[str, Any]:
    """The second quarter's public JSON, published as the demo publishes: after the first."""
    first = json.loads(json.dumps(to_json(build_edition(APRIL_TO_JUNE, PUBLIC))))
    earlier = [published_snapshot(APRIL_TO_JUNE, first, QUARTER)]
    return json.loads(
        json.dumps(to_json(build_edition(JULY_TO_SEPTEMBER, PUBLIC, earlier=earlier)))
    )

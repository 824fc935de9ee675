"""Public figures that say as much as safely possible (issue 14, item 9), on two real tables:
the demo's July to September 2026 quarter, which under the old rule showed 30 raised and 20
resolved at stage 1 and hid everything else, and St Helens' published 2015-16 table."""

from __future__ import annotations

from escalations.models import Partnership
from escalations.reports.protection import protect
from escalations.reports.reader import Snapshot
from escalations.reports.suppression import SUPPRESSED
from escalations.reports.tidy import OPEN_AT_END, RAISED, RESOLVED, WITHDRAWN, Equation, cell_id

from .demo_quarters import demo_second_quarter

DEFAULT_THRESHOLD = Partnership._meta.get_field("suppression_threshold").default
STAGES = ("stage_1", "stage_2", "stage_3", "stage_4")


def test_the_demo_quarter_shows_how_many_were_resolved_and_how_long_they_took():
    data = demo_second_quarter()
    assert data["raised"] == 30
    assert data["resolved_at_stage_1"] == 20
    # 27 resolved, 2 withdrawn, 1 open: 30 less 27 would give away the 3, so 27 is hidden,
    # but a band gives nothing away
    assert data["resolved"] == SUPPRESSED
    assert data["banded"]["resolved"] == "20 or more"
    assert data["median_working_days_to_resolution"] == 2.0  # 27 sit under it
    assert (data["withdrawn"], data["open_at_end"]) == (SUPPRESSED, SUPPRESSED)
    assert "withdrawn" not in data["banded"]
    assert data["by_outcome"]["stands_accepted"] == 13
    assert data["by_outcome"]["decision_changed"] == 9


def test_the_demo_quarter_says_which_rule_was_used():
    method = demo_second_quarter()["methodology"]
    assert method["suppression_threshold"] == 5
    assert "fewer than 5 possible values" in method["suppression_rule"]
    assert "taking one snapshot from another" in method["suppression_rule"]
    assert '"20 or more"' in method["suppression_rule"]


def st_helens() -> Snapshot:
    """St Helens' 2015-16 table: 9 escalations (17 the year before), all resolved, 7 at
    stage 1, 1 at stage 2 and 1 at stage 3; and the sums a reader makes of them."""

    def stages(breakdown: str, counts: tuple[int, ...]) -> dict[str, int]:
        return {cell_id("stages", breakdown, s): n for s, n in zip(STAGES, counts, strict=True)}

    counts = {
        RAISED: 9,
        cell_id("headline", "raised", "previous_period"): 17,
        RESOLVED: 9,
        WITHDRAWN: 0,
        OPEN_AT_END: 0,
        **stages("reached", (7, 1, 1, 0)),
        **stages("resolved_at", (7, 1, 1, 0)),
    }
    equations = (
        Equation(RAISED, (RESOLVED, WITHDRAWN, OPEN_AT_END)),
        Equation(RAISED, tuple(cell_id("stages", "reached", s) for s in STAGES)),
        Equation(RESOLVED, tuple(cell_id("stages", "resolved_at", s) for s in STAGES)),
    )
    return Snapshot(counts, equations)


def test_st_helens_table_keeps_its_headline_and_says_most_were_settled_at_stage_1():
    table = st_helens()
    protection = protect(table, DEFAULT_THRESHOLD)

    def public(cell: str) -> int | str:
        if cell not in protection.hidden:
            return table.counts[cell]
        band = protection.bands.get(cell)
        return SUPPRESSED if band is None else f"{SUPPRESSED}, {band} or more"

    assert DEFAULT_THRESHOLD == 5
    assert {cell: public(cell) for cell in table.counts} == {
        "headline/raised/raised": 9,
        "headline/raised/previous_period": 17,
        "headline/status_at_end/resolved": 9,
        "headline/status_at_end/withdrawn": 0,
        "headline/status_at_end/open_at_end": 0,
        "stages/reached/stage_1": "suppressed, 5 or more",
        "stages/reached/stage_2": "suppressed",
        "stages/reached/stage_3": "suppressed",
        "stages/reached/stage_4": 0,
        "stages/resolved_at/stage_1": "suppressed, 5 or more",
        "stages/resolved_at/stage_2": "suppressed",
        "stages/resolved_at/stage_3": "suppressed",
        "stages/resolved_at/stage_4": 0,
    }

"""Small-number suppression in the public edition (``protection``): whatever the counts,
nobody can work a suppressed count back from what one public edition shows.

The reader is modelled as knowing every shown count, every sum that ties counts together (a
total and its parts), and that counts are whole numbers from 0 up. A brute-force search then
finds, for each suppressed count, the least and the greatest value it can take in a filling
of all suppressed counts consistent with everything shown: they must be at least the
threshold less one apart (``protection``, rule 2), so no suppressed count is worked out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from escalations.reports import tidy
from escalations.reports.figures import ReportFigures
from escalations.reports.protection import suppress
from escalations.reports.suppression import PUBLIC, SUPPRESSED, build_edition
from escalations.reports.tidy import Equation, cell_id

thresholds = st.integers(min_value=2, max_value=8)


# the reader's search ---------------------------------------------------------------------------


def _propagate(
    equations: Sequence[Equation], known: dict[str, int], bound: int
) -> dict[str, int] | None:
    """Fill in what the sums force; None if they cannot all hold."""
    known = dict(known)
    progress = True
    while progress:
        progress = False
        for eq in equations:
            missing = [name for name in (eq.total, *eq.parts) if name not in known]
            parts_known = sum(known[p] for p in eq.parts if p in known)
            if not missing:
                if known[eq.total] != parts_known:
                    return None
            elif len(missing) == 1:
                value = parts_known if missing[0] == eq.total else known[eq.total] - parts_known
                if not 0 <= value <= bound:
                    return None
                known[missing[0]] = value
                progress = True
            elif eq.total in known and parts_known > known[eq.total]:
                return None
    return known


def _ceiling(name: str, equations: Sequence[Equation], known: Mapping[str, int], bound: int) -> int:
    totals = [known[eq.total] for eq in equations if name in eq.parts and eq.total in known]
    return min([bound, *totals])


class TooBig(Exception):
    """The brute-force search went past its budget: the example is too big for it."""


def _feasible(
    equations: Sequence[Equation],
    known: dict[str, int],
    unknown: Sequence[str],
    bound: int,
    budget: list[int],
) -> bool:
    budget[0] -= 1
    if budget[0] < 0:
        raise TooBig
    filled = _propagate(equations, known, bound)
    if filled is None:
        return False
    free = [name for name in unknown if name not in filled]
    if not free:
        return True
    name = min(free, key=lambda n: _ceiling(n, equations, filled, bound))
    for value in range(_ceiling(name, equations, filled, bound) + 1):
        if _feasible(equations, {**filled, name: value}, free, bound, budget):
            return True
    return False


# the brute force is exponential: an example needing more steps than this is set aside
# (hypothesis draws another), so that no example runs for minutes. The year's test
# (test_public_year) checks the same rule at full size with a reader checked by substitution.
SEARCH_BUDGET = 20_000


def narrowed(
    values: Mapping[str, int], hidden: frozenset[str], equations: Sequence[Equation], threshold: int
) -> list[str]:
    """The suppressed cells whose value the reader can work out exactly, or narrow to fewer
    than ``threshold`` possible values: those for which no two values ``threshold - 1``
    apart, one of them at most the true value and the other at least, are both possible."""
    bound = 2 * max(values.values(), default=0) + 10
    shown = {name: value for name, value in values.items() if name not in hidden}
    budget = [SEARCH_BUDGET]
    exposed = []
    for name in sorted(hidden):
        others, true = sorted(hidden - {name}), values[name]

        def possible(value: int, name: str = name, others: list[str] = others) -> bool:
            return value >= 0 and _feasible(
                equations, {**shown, name: value}, others, bound, budget
            )

        lows = (true - below for below in range(threshold))
        if not any(possible(low) and possible(low + threshold - 1) for low in lows):
            exposed.append(name)
    return exposed


def assert_safe(values: Mapping[str, int], equations: Sequence[Equation], threshold: int) -> None:
    hidden = suppress(values, equations, threshold)
    # every small count is hidden, and nothing else is without a reason
    assert {name for name, value in values.items() if 0 < value < threshold} <= hidden
    assert narrowed(values, hidden, equations, threshold) == []
    for eq in equations:
        hidden_parts = [values[p] for p in eq.parts if p in hidden]
        if hidden_parts and eq.total not in hidden:
            together = sum(hidden_parts)
            assert together >= threshold, (eq, together)


# tables ------------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(st.integers(0, 30), min_size=1, max_size=8), threshold=thresholds)
def test_no_suppressed_count_in_a_table_can_be_narrowed_from_its_total(parts, threshold):
    values = {f"part{i}": value for i, value in enumerate(parts)}
    values["total"] = sum(parts)
    assert_safe(
        values, [Equation("total", tuple(f"part{i}" for i in range(len(parts))))], threshold
    )


@settings(max_examples=150, deadline=None)
@given(
    table=st.integers(2, 4).flatmap(
        lambda cols: st.lists(
            st.lists(st.integers(0, 12), min_size=cols, max_size=cols), min_size=2, max_size=4
        )
    ),
    threshold=thresholds,
)
def test_no_suppressed_count_in_a_two_way_table_can_be_narrowed(table, threshold):
    rows, cols = len(table), len(table[0])
    values = {f"r{r}c{c}": table[r][c] for r in range(rows) for c in range(cols)}
    values |= {f"r{r}": sum(table[r]) for r in range(rows)}
    values |= {f"c{c}": sum(table[r][c] for r in range(rows)) for c in range(cols)}
    values["all"] = sum(map(sum, table))
    equations = [
        *(Equation(f"r{r}", tuple(f"r{r}c{c}" for c in range(cols))) for r in range(rows)),
        *(Equation(f"c{c}", tuple(f"r{r}c{c}" for r in range(rows))) for c in range(cols)),
        Equation("all", tuple(f"r{r}" for r in range(rows))),
        Equation("all", tuple(f"c{c}" for c in range(cols))),
    ]
    assert_safe(values, equations, threshold)


# the public edition's own sums -----------------------------------------------------------------

STATES = ("resolved", "withdrawn", "open_at_end")
RESOLVED_OUTCOMES = ("decision_changed", "stands_accepted", "partly_agreed", "not_agreed")

escalations = st.lists(
    st.tuples(
        st.sampled_from(STATES),
        st.integers(1, 4),  # stage reached
        st.sampled_from(RESOLVED_OUTCOMES),
        st.integers(0, 11),  # month
        st.sampled_from(("threshold", "assessment", "drift", "other")),
        st.booleans(),  # urgent
        st.sampled_from(("0_5", "6_10", "11_20", "21_40", "over_40")),  # age if open
    ),
    max_size=30,
)
stage_timeliness = st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), min_size=4, max_size=4)


def public_counts(
    figures: ReportFigures, rows: list[tuple], timeliness: list[tuple[int, int]]
) -> dict[str, int]:
    """Counts for every cell of the public edition's sums, from made-up escalations."""
    values = {eq_cell: 0 for eq in tidy.equations(figures) for eq_cell in (eq.total, *eq.parts)}

    def add(section: str, breakdown: str, key: str) -> None:
        values[cell_id(section, breakdown, key)] += 1

    months = list(figures.by_month.as_dict())
    for state, stage, outcome, month, category, urgent, band in rows:
        add("headline", "raised", "raised")
        add("headline", "status_at_end", state)
        add("headline", "urgency", "urgent" if urgent else "standard")
        add("stages", "reached", f"stage_{stage}")
        add("month", "raised", months[month])
        add("category", "raised", category)
        if state == "resolved":
            add("stages", "resolved_at", f"stage_{stage}")
            add("outcome", "closed_by_end", outcome)
        elif state == "withdrawn":
            add("outcome", "closed_by_end", "withdrawn")
        else:
            add("open_age", "working_days", band)
    for stage, (within, late) in enumerate(timeliness, start=1):
        values[cell_id("timeliness", f"stage_{stage}", "within_timescale")] = within
        values[cell_id("timeliness", f"stage_{stage}", "late")] = late
        values[cell_id("timeliness", f"stage_{stage}", "concluded")] = within + late
    return values


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=escalations, timeliness=stage_timeliness, threshold=thresholds)
def test_no_suppressed_count_can_be_narrowed_across_the_public_editions_sums(
    figures, rows, timeliness, threshold
):
    values = public_counts(figures, rows, timeliness)
    try:
        assert_safe(values, tidy.equations(figures), threshold)
    except TooBig:
        reject()


# the public edition ------------------------------------------------------------------------------


@pytest.fixture
def public(figures):
    return build_edition(figures, PUBLIC)


def test_small_counts_are_shown_as_suppressed_and_zero_is_shown(public):
    # 7 resolved, 1 withdrawn, 2 open: the withdrawn and open counts are below 5
    assert public.value("headline/status_at_end/withdrawn") == SUPPRESSED
    assert public.value("headline/status_at_end/open_at_end") == SUPPRESSED
    # ... and so is resolved, or 10 - 7 would give their sum, 3
    assert public.value("headline/status_at_end/resolved") == SUPPRESSED
    assert public.value("headline/raised/raised") == 10
    assert public.value("stages/resolved_at/stage_3") == 0


def test_a_median_is_shown_when_enough_escalations_sit_under_it_though_their_count_is_hidden(
    public,
):
    # 7 resolved, hidden (with 1 withdrawn and 2 open, 10 - 7 would give their sum, 3): at
    # least 5 sit under the median, and saying so narrows nothing
    assert public.value("headline/status_at_end/resolved") == SUPPRESSED
    assert public.value("durations/to_resolution/median") == 3.0
    # 2 open at the end: too few under the median
    assert public.value("durations/open_at_end/median") == SUPPRESSED


def test_shares_and_percentiles_resting_on_a_suppressed_count_are_suppressed(public):
    assert public.value("stages/resolved_at_share/stage_1") == SUPPRESSED
    assert public.value("durations/to_resolution/p90") == SUPPRESSED
    assert public.value("durations/as_far_as_they_went/median") == 3.0
    assert public.value("durations/as_far_as_they_went/p90") == 10


def test_a_hidden_count_that_is_not_small_is_given_a_band_beside_it(public):
    figure = public.figure("headline/status_at_end/resolved")
    assert (figure.value, figure.band) == (SUPPRESSED, 5)  # 7: "5 or more"
    withdrawn = public.figure("headline/status_at_end/withdrawn")
    assert (withdrawn.value, withdrawn.band) == (SUPPRESSED, None)  # 1: small


def test_the_public_edition_has_no_agency_sector_or_child_level_tables(public):
    sections = {figure.cell.section for figure in public.shown}
    assert sections == {
        "headline",
        "stages",
        "meetings",  # stage 4 meetings: the partnership's, not an agency's
        "timeliness",
        "durations",
        "open_age",
        "month",
        "category",
        "outcome",
        "learning",
    }
    assert not any(figure.cell.key == "longest" for figure in public.shown)


def test_the_internal_edition_is_exact(figures):
    internal = build_edition(figures)
    assert internal.value("headline/status_at_end/withdrawn") == 1
    assert internal.as_dict("raising_sector", "raised")["police"] == 9
    assert not any(figure.suppressed for figure in internal.shown)


def test_there_are_only_two_editions(figures):
    with pytest.raises(ValueError, match="internal or public"):
        build_edition(figures, "draft")

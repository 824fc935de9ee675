"""The working-day calendar (DESIGN.md section 4, "Timers").

Every bank holiday below was checked against the holidays package's data (0.109) and the
published UK bank holiday lists (gov.uk/bank-holidays). Weekdays are asserted where a test depends
on them. Clocks: British Summer Time 2026 runs from 01:00 UTC on Sunday 29 March to 01:00 UTC on
Sunday 25 October.
"""

from __future__ import annotations

import inspect
from datetime import UTC, date, datetime, time, timedelta

import pytest

from workflows import calendar
from workflows.calendar import (
    LONDON,
    REGIONS,
    add_working_days,
    day_zero,
    is_working_day,
    next_working_day,
    reminder_at,
    stage_due_at,
    urgent_due_at,
    working_days_between,
    working_days_elapsed,
)

ENG = "england-and-wales"
SCT = "scotland"
NIR = "northern-ireland"

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def d(text: str) -> date:
    return date.fromisoformat(text)


def london(text: str) -> datetime:
    """A Europe/London wall-clock moment, e.g. ``london("2026-10-22 10:00")``."""
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# --------------------------------------------------------------------------------------------
# The contract
# --------------------------------------------------------------------------------------------


def test_the_regions_are_the_three_uk_bank_holiday_calendars() -> None:
    assert REGIONS == ("england-and-wales", "scotland", "northern-ireland")
    assert str(LONDON) == "Europe/London"


@pytest.mark.parametrize(
    ("function", "positional", "keyword_only"),
    [
        (is_working_day, ["day"], ["region", "closures"]),
        (next_working_day, ["day"], ["region", "closures"]),
        (add_working_days, ["start", "days"], ["region", "closures"]),
        (working_days_between, ["start", "end"], ["region", "closures"]),
        (day_zero, ["started_at"], ["region", "closures", "cutoff"]),
        (stage_due_at, ["started_at", "days"], ["region", "closures", "cutoff"]),
        (urgent_due_at, ["started_at", "hours"], []),
        (reminder_at, ["due_at"], ["urgent", "reminder"]),
        (working_days_elapsed, ["start", "end"], ["region", "closures", "cutoff"]),
    ],
)
def test_the_public_signatures_match_the_contract(
    function: object, positional: list[str], keyword_only: list[str]
) -> None:
    parameters = inspect.signature(function).parameters.values()  # type: ignore[arg-type]
    assert [p.name for p in parameters if p.kind is p.POSITIONAL_OR_KEYWORD] == positional
    assert [p.name for p in parameters if p.kind is p.KEYWORD_ONLY] == keyword_only


def test_the_defaults_are_england_and_wales_a_five_pm_cutoff_and_a_nine_am_reminder() -> None:
    assert inspect.signature(add_working_days).parameters["region"].default == ENG
    assert inspect.signature(stage_due_at).parameters["cutoff"].default == time(17)
    assert inspect.signature(reminder_at).parameters["reminder"].default == time(9)


def test_an_unknown_region_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown calendar region 'wales'"):
        is_working_day(d("2026-03-02"), region="wales")
    with pytest.raises(ValueError, match="unknown calendar region"):
        add_working_days(d("2026-03-02"), 1, region="ENG")


def test_a_datetime_is_refused_where_a_date_is_expected() -> None:
    with pytest.raises(TypeError):
        is_working_day(london("2026-12-28 10:00"))
    with pytest.raises(TypeError):
        working_days_between(d("2026-12-24"), london("2026-12-31 10:00"))


def test_a_holiday_calendar_is_built_once_per_region_and_year() -> None:
    first = calendar._holiday_dates(SCT, 2026)
    assert calendar._holiday_dates(SCT, 2026) is first
    assert calendar._bank_holidays(SCT, 2026) is calendar._bank_holidays(SCT, 2026)
    is_working_day(d("2027-01-04"), region=SCT)
    # Looking a day up never widens a cached calendar to other years.
    assert calendar._bank_holidays(SCT, 2026).years == {2026}


# --------------------------------------------------------------------------------------------
# Working days and bank holidays
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "weekday", "region", "working"),
    [
        # Christmas 2021 fell at a weekend: substitute days on 27 and 28 December, and New
        # Year's Day 2022 (a Saturday) on Monday 3 January.
        ("2021-12-24", FRI, ENG, True),
        ("2021-12-27", MON, ENG, False),
        ("2021-12-28", TUE, ENG, False),
        ("2021-12-29", WED, ENG, True),
        ("2022-01-03", MON, ENG, False),
        ("2022-01-04", TUE, ENG, True),
        # Scotland's 2 January 2022 was a Sunday: its substitute is Tuesday 4 January.
        ("2022-01-03", MON, SCT, False),
        ("2022-01-04", TUE, SCT, False),
        ("2022-01-04", TUE, NIR, True),
        # Christmas 2026 is a Friday, Boxing Day a Saturday: substitute Monday 28 December.
        ("2026-12-24", THU, ENG, True),
        ("2026-12-25", FRI, ENG, False),
        ("2026-12-28", MON, ENG, False),
        ("2026-12-28", MON, SCT, False),
        ("2026-12-28", MON, NIR, False),
        ("2026-12-29", TUE, ENG, True),
        ("2027-01-01", FRI, ENG, False),
        # Scotland's 2 January 2027 is a Saturday: its substitute is Monday 4 January.
        ("2027-01-04", MON, ENG, True),
        ("2027-01-04", MON, SCT, False),
        # Christmas 2027 is a Saturday: substitutes on 27 and 28 December.
        ("2027-12-27", MON, ENG, False),
        ("2027-12-28", TUE, ENG, False),
        # Easter 2026: Good Friday everywhere, Easter Monday not in Scotland.
        ("2026-04-03", FRI, ENG, False),
        ("2026-04-03", FRI, SCT, False),
        ("2026-04-03", FRI, NIR, False),
        ("2026-04-06", MON, ENG, False),
        ("2026-04-06", MON, NIR, False),
        ("2026-04-06", MON, SCT, True),
        # Scotland's New Year Holiday on 2 January.
        ("2026-01-02", FRI, SCT, False),
        ("2026-01-02", FRI, ENG, True),
        # Scotland's summer bank holiday is the first Monday of August, not the last.
        ("2026-08-03", MON, SCT, False),
        ("2026-08-03", MON, ENG, True),
        ("2026-08-31", MON, ENG, False),
        ("2026-08-31", MON, SCT, True),
        # St Andrew's Day: Monday 30 November 2026; in 2025 a Sunday, substitute 1 December.
        ("2026-11-30", MON, SCT, False),
        ("2026-11-30", MON, ENG, True),
        ("2025-12-01", MON, SCT, False),
        ("2025-12-01", MON, ENG, True),
        # Scotland's extra bank holiday for the 2026 FIFA World Cup (Privy Council proclamation).
        ("2026-06-15", MON, SCT, False),
        ("2026-06-15", MON, ENG, True),
        # Northern Ireland: St Patrick's Day (2024 a Sunday, substitute Monday 18 March) ...
        ("2026-03-17", TUE, NIR, False),
        ("2026-03-17", TUE, ENG, True),
        ("2024-03-18", MON, NIR, False),
        # ... and the Battle of the Boyne (2026 a Sunday, 2025 a Saturday: substitute Monday).
        ("2026-07-13", MON, NIR, False),
        ("2026-07-13", MON, ENG, True),
        ("2025-07-14", MON, NIR, False),
        ("2027-07-12", MON, NIR, False),
        # Weekends.
        ("2026-10-24", SAT, ENG, False),
        ("2026-10-25", SUN, ENG, False),
    ],
)
def test_working_days_follow_the_regions_bank_holidays(
    day: str, weekday: int, region: str, working: bool
) -> None:
    assert d(day).weekday() == weekday
    assert is_working_day(d(day), region=region) is working


def test_england_has_253_working_days_in_2026_and_scotland_and_northern_ireland_251() -> None:
    # 261 weekdays; England and Wales 8 weekday bank holidays (Boxing Day is a Saturday),
    # Scotland 10 (with 2 January, 15 June, 3 August, 30 November; without Easter Monday and
    # 31 August), Northern Ireland 10 (with 17 March and 13 July).
    assert working_days_between(d("2025-12-31"), d("2026-12-31"), region=ENG) == 253
    assert working_days_between(d("2025-12-31"), d("2026-12-31"), region=SCT) == 251
    assert working_days_between(d("2025-12-31"), d("2026-12-31"), region=NIR) == 251


def test_a_closure_day_is_not_a_working_day() -> None:
    closures = [d("2026-12-29"), d("2026-12-30"), d("2026-12-31")]
    assert not is_working_day(d("2026-12-30"), closures=closures)
    assert is_working_day(d("2026-12-30"))
    # Any iterable will do, a generator included.
    assert not is_working_day(d("2026-12-30"), closures=(c for c in closures))


@pytest.mark.parametrize(
    ("day", "region", "expected"),
    [
        ("2026-12-24", ENG, "2026-12-29"),  # over Christmas and the Boxing Day substitute
        ("2026-12-31", ENG, "2027-01-04"),
        ("2026-12-31", SCT, "2027-01-05"),  # and Scotland's 2 January substitute
        ("2026-04-02", ENG, "2026-04-07"),  # over Good Friday and Easter Monday
        ("2026-04-02", SCT, "2026-04-06"),  # Scotland works on Easter Monday
        ("2025-11-28", SCT, "2025-12-02"),  # St Andrew's Day substitute
        ("2026-03-16", NIR, "2026-03-18"),  # St Patrick's Day
        ("2026-07-10", NIR, "2026-07-14"),  # Battle of the Boyne substitute
        ("2026-03-13", ENG, "2026-03-16"),  # Friday to Monday
        ("2026-03-14", ENG, "2026-03-16"),  # Saturday to Monday
        ("2026-03-11", ENG, "2026-03-12"),  # strictly after: Wednesday to Thursday
    ],
)
def test_the_next_working_day_is_strictly_after_the_day(
    day: str, region: str, expected: str
) -> None:
    assert next_working_day(d(day), region=region) == d(expected)


# --------------------------------------------------------------------------------------------
# add_working_days
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "region", "expected"),
    [
        # The contract example: Thursday 24 December 2026 + 3 skips 25 and 28 December.
        ("2026-12-24", 3, ENG, "2026-12-31"),
        ("2026-12-24", 4, ENG, "2027-01-04"),
        ("2026-12-24", 4, SCT, "2027-01-05"),
        ("2026-12-24", 1, ENG, "2026-12-29"),
        # Christmas 2021: 27 and 28 December and 3 January 2022 are substitute days.
        ("2021-12-24", 1, ENG, "2021-12-29"),
        ("2021-12-24", 3, ENG, "2021-12-31"),
        ("2021-12-24", 4, ENG, "2022-01-04"),
        ("2021-12-24", 4, SCT, "2022-01-05"),
        # Easter 2026.
        ("2026-04-02", 1, ENG, "2026-04-07"),
        ("2026-04-02", 1, NIR, "2026-04-07"),
        ("2026-04-02", 1, SCT, "2026-04-06"),
        # St Andrew's Day 2025 (Sunday, substitute Monday 1 December).
        ("2025-11-28", 1, SCT, "2025-12-02"),
        ("2025-11-28", 1, ENG, "2025-12-01"),
        # St Patrick's Day and the Battle of the Boyne.
        ("2026-03-16", 1, NIR, "2026-03-18"),
        ("2026-03-16", 1, ENG, "2026-03-17"),
        ("2026-07-10", 1, NIR, "2026-07-14"),
        ("2026-07-10", 1, ENG, "2026-07-13"),
        # Ordinary weeks.
        ("2026-03-11", 3, ENG, "2026-03-16"),
        ("2026-03-11", 10, ENG, "2026-03-25"),
    ],
)
def test_add_working_days_skips_weekends_and_the_regions_bank_holidays(
    start: str, days: int, region: str, expected: str
) -> None:
    assert add_working_days(d(start), days, region=region) == d(expected)


@pytest.mark.parametrize(
    ("start", "weekday", "expected"),
    [
        ("2026-10-24", SAT, "2026-10-26"),
        ("2026-10-25", SUN, "2026-10-26"),
        ("2026-12-25", FRI, "2026-12-29"),  # Christmas Day, then the weekend, then 28 December
        ("2026-12-26", SAT, "2026-12-29"),
        ("2026-12-29", TUE, "2026-12-29"),  # a working day is its own day 0
    ],
)
def test_adding_zero_working_days_gives_the_day_itself_or_the_next_working_day(
    start: str, weekday: int, expected: str
) -> None:
    assert d(start).weekday() == weekday
    assert add_working_days(d(start), 0) == d(expected)


def test_a_weekend_start_counts_from_the_next_working_day() -> None:
    # Saturday 26 December 2026 counts from Tuesday 29 December.
    assert add_working_days(d("2026-12-26"), 1) == d("2026-12-30")
    assert add_working_days(d("2026-03-14"), 1) == d("2026-03-17")
    assert add_working_days(d("2026-03-14"), 1, region=NIR) == d("2026-03-18")


def test_closure_days_are_skipped_like_bank_holidays() -> None:
    closures = {d("2026-12-29"), d("2026-12-30"), d("2026-12-31")}
    # 29-31 December closed, 1 January a bank holiday: 4, 5 and 6 January.
    assert add_working_days(d("2026-12-24"), 3, closures=closures) == d("2027-01-06")
    # A closed start counts from the next working day.
    assert add_working_days(d("2026-12-29"), 0, closures=closures) == d("2027-01-04")


def test_a_negative_number_of_working_days_is_refused() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        add_working_days(d("2026-03-11"), -1)


# --------------------------------------------------------------------------------------------
# working_days_between
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "region", "expected"),
    [
        ("2026-03-11", "2026-03-11", ENG, 0),  # same day
        ("2026-03-12", "2026-03-11", ENG, 0),  # end before start
        ("2026-03-11", "2026-03-12", ENG, 1),
        ("2026-03-13", "2026-03-15", ENG, 0),  # Friday to Sunday
        ("2026-03-14", "2026-03-16", ENG, 1),  # Saturday to Monday
        ("2026-12-24", "2026-12-29", ENG, 1),  # across Christmas and the Boxing Day substitute
        ("2026-12-24", "2026-12-31", ENG, 3),
        ("2021-12-24", "2022-01-04", ENG, 4),  # across all three 2021-22 substitute days
        ("2021-12-24", "2022-01-04", SCT, 3),
        ("2026-04-02", "2026-04-07", ENG, 1),  # across Easter
        ("2026-04-02", "2026-04-07", SCT, 2),
        ("2026-03-16", "2026-03-18", NIR, 1),  # across St Patrick's Day
        ("2026-03-16", "2026-03-18", ENG, 2),
        ("2025-11-28", "2025-12-02", SCT, 1),  # across St Andrew's Day's substitute
        ("2026-07-10", "2026-07-14", NIR, 1),  # across the Battle of the Boyne's substitute
    ],
)
def test_working_days_between_counts_the_working_days_after_start_up_to_and_including_end(
    start: str, end: str, region: str, expected: int
) -> None:
    assert working_days_between(d(start), d(end), region=region) == expected


@pytest.mark.parametrize(
    ("closures", "expected"),
    [
        ([], 3),
        (["2026-12-29"], 2),
        (["2026-12-29", "2026-12-29"], 2),  # a closure listed twice counts once
        (["2026-12-28"], 3),  # already a bank holiday
        (["2026-12-26"], 3),  # a Saturday
        (["2026-12-24"], 3),  # the start never counts
        (["2027-01-04"], 3),  # after the end
        (["2026-12-29", "2026-12-30", "2026-12-31"], 0),
    ],
)
def test_working_days_between_leaves_out_closure_days(closures: list[str], expected: int) -> None:
    closed = [d(c) for c in closures]
    assert working_days_between(d("2026-12-24"), d("2026-12-31"), closures=closed) == expected


@pytest.mark.parametrize("region", REGIONS)
def test_working_days_between_agrees_with_counting_day_by_day_and_undoes_add_working_days(
    region: str,
) -> None:
    closures = frozenset({d("2026-12-30"), d("2027-01-02"), d("2027-04-01")})
    starts = [d("2025-11-20") + timedelta(days=i) for i in range(0, 520, 3)]
    for start in starts:
        for span in range(0, 24, 5):
            end = start + timedelta(days=span)
            by_hand = sum(
                is_working_day(start + timedelta(days=i), region=region, closures=closures)
                for i in range(1, span + 1)
            )
            assert working_days_between(start, end, region=region, closures=closures) == by_hand
        if is_working_day(start, region=region, closures=closures):
            for days in (0, 1, 3, 5, 10):
                due = add_working_days(start, days, region=region, closures=closures)
                assert working_days_between(start, due, region=region, closures=closures) == days


# --------------------------------------------------------------------------------------------
# Day 0 and the cut-off
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("started_at", "expected"),
    [
        (london("2026-03-11 10:00"), "2026-03-11"),  # Wednesday morning
        (london("2026-03-11 16:59:59.999999"), "2026-03-11"),
        (london("2026-03-11 17:00:00"), "2026-03-12"),  # exactly at the cut-off counts as after
        (london("2026-03-11 17:30"), "2026-03-12"),  # after the cut-off on a Wednesday
        (london("2026-03-11 23:59"), "2026-03-12"),
        (london("2026-03-13 17:30"), "2026-03-16"),  # Friday evening: Monday
        (london("2026-03-14 10:00"), "2026-03-16"),  # Saturday: Monday
        (london("2026-03-15 10:00"), "2026-03-16"),  # Sunday: Monday
        (london("2026-12-24 17:00"), "2026-12-29"),  # Christmas Eve after the cut-off
        (london("2026-12-28 09:00"), "2026-12-29"),  # a bank holiday
        # Local time, not UTC: 16:30 UTC in June is 17:30 BST, after the cut-off ...
        (utc("2026-06-10 16:30"), "2026-06-11"),
        (utc("2026-06-10 15:59"), "2026-06-10"),
        # ... and 23:30 UTC on Wednesday 10 June is 00:30 BST on Thursday 11 June.
        (utc("2026-06-10 23:30"), "2026-06-11"),
        # In winter UTC and London agree.
        (utc("2026-03-11 16:59"), "2026-03-11"),
    ],
)
def test_day_zero_is_the_start_day_before_the_cutoff_on_a_working_day_else_the_next(
    started_at: datetime, expected: str
) -> None:
    assert day_zero(started_at) == d(expected)


def test_day_zero_uses_the_partnerships_cutoff_region_and_closures() -> None:
    assert day_zero(london("2026-03-11 16:30"), cutoff=time(16)) == d("2026-03-12")
    assert day_zero(london("2026-03-16 17:30"), region=NIR) == d("2026-03-18")
    assert day_zero(london("2026-03-11 10:00"), closures=[d("2026-03-11")]) == d("2026-03-12")


def test_day_zero_refuses_a_naive_moment() -> None:
    with pytest.raises(ValueError, match="aware"):
        day_zero(datetime(2026, 3, 11, 10, 0))


# --------------------------------------------------------------------------------------------
# Standard due moments
# --------------------------------------------------------------------------------------------


def test_stage_2_is_due_three_working_days_later_across_christmas() -> None:
    # Day 0 Wednesday 23 December 2026; then 24, 29, 30 December.
    due = stage_due_at(london("2026-12-23 10:00"), 3)
    assert due == london("2026-12-30 17:00")
    assert due.tzinfo is LONDON


@pytest.mark.parametrize(
    ("started_at", "days", "region", "expected"),
    [
        (london("2026-12-24 10:00"), 3, ENG, "2026-12-31 17:00"),
        (london("2026-12-24 10:00"), 4, SCT, "2027-01-05 17:00"),
        (london("2021-12-24 10:00"), 1, ENG, "2021-12-29 17:00"),
        (london("2021-12-24 10:00"), 4, ENG, "2022-01-04 17:00"),
        # After the cut-off on a Wednesday: day 0 Thursday, due Friday.
        (london("2026-03-11 17:30"), 1, ENG, "2026-03-13 17:00"),
        (london("2026-03-11 17:00"), 1, ENG, "2026-03-13 17:00"),
        (london("2026-03-11 16:59"), 1, ENG, "2026-03-12 17:00"),
        # Raised on a Saturday: day 0 Monday; Northern Ireland skips St Patrick's Day.
        (london("2026-03-14 11:00"), 1, ENG, "2026-03-17 17:00"),
        (london("2026-03-14 11:00"), 1, NIR, "2026-03-18 17:00"),
        # Easter: Scotland works on Easter Monday.
        (london("2026-04-02 10:00"), 1, ENG, "2026-04-07 17:00"),
        (london("2026-04-02 10:00"), 1, SCT, "2026-04-06 17:00"),
        # St Andrew's Day 2025 substitute and the Battle of the Boyne 2026 substitute.
        (london("2025-11-28 10:00"), 1, SCT, "2025-12-02 17:00"),
        (london("2026-07-10 10:00"), 1, NIR, "2026-07-14 17:00"),
        # Zero days: the cut-off on day 0.
        (london("2026-03-14 11:00"), 0, ENG, "2026-03-16 17:00"),
        # The default stage 4 timescale of ten working days.
        (london("2026-03-11 10:00"), 10, ENG, "2026-03-25 17:00"),
    ],
)
def test_a_standard_stage_is_due_at_the_cutoff_on_day_zero_plus_n_working_days(
    started_at: datetime, days: int, region: str, expected: str
) -> None:
    due = stage_due_at(started_at, days, region=region)
    assert due == london(expected)
    assert due.tzinfo is LONDON
    assert (due.hour, due.minute) == (17, 0)


def test_a_stage_started_in_summer_time_and_due_after_the_clocks_go_back_is_due_at_five_gmt() -> (
    None
):
    # Started Thursday 22 October 2026 10:00 BST; clocks go back on Sunday 25 October.
    # Day 0 Thursday 22; Friday 23, Monday 26, Tuesday 27 October.
    due = stage_due_at(london("2026-10-22 10:00"), 3)
    assert due.tzinfo is LONDON
    assert (due.date(), due.time()) == (d("2026-10-27"), time(17))
    assert due.utcoffset() == timedelta(0)
    assert due.astimezone(UTC) == utc("2026-10-27 17:00")


def test_a_stage_due_in_summer_time_is_due_at_five_bst_which_is_four_utc() -> None:
    due = stage_due_at(london("2026-10-20 10:00"), 1)
    assert (due.date(), due.time()) == (d("2026-10-21"), time(17))
    assert due.utcoffset() == timedelta(hours=1)
    assert due.astimezone(UTC) == utc("2026-10-21 16:00")


def test_a_stage_started_in_winter_and_due_after_the_clocks_go_forward_is_due_at_five_bst() -> None:
    # Started Friday 27 March 2026 10:00 GMT; clocks go forward on Sunday 29 March.
    due = stage_due_at(utc("2026-03-27 10:00"), 1)
    assert (due.date(), due.time()) == (d("2026-03-30"), time(17))
    assert due.astimezone(UTC) == utc("2026-03-30 16:00")


def test_stage_due_at_uses_the_partnerships_cutoff_and_closures() -> None:
    due = stage_due_at(london("2026-03-11 16:45"), 1, cutoff=time(16, 30))
    assert due == london("2026-03-13 16:30")
    closures = (d("2026-12-29"), d("2026-12-30"), d("2026-12-31"))
    assert stage_due_at(london("2026-12-24 10:00"), 3, closures=closures) == london(
        "2027-01-06 17:00"
    )


def test_stage_due_at_refuses_a_naive_start_and_negative_days() -> None:
    with pytest.raises(ValueError, match="aware"):
        stage_due_at(datetime(2026, 3, 11, 10, 0), 3)
    with pytest.raises(ValueError, match="must not be negative"):
        stage_due_at(london("2026-03-11 10:00"), -1)


# --------------------------------------------------------------------------------------------
# Urgent due moments
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("started_at", "hours", "expected_local", "expected_utc"),
    [
        # Across a weekend: Friday 16:00 + 24 hours is Saturday 16:00.
        (london("2026-03-13 16:00"), 24, "2026-03-14 16:00", "2026-03-14 16:00"),
        # Two hours, any time of day.
        (london("2026-03-11 23:30"), 2, "2026-03-12 01:30", "2026-03-12 01:30"),
        # Across Christmas: bank holidays do not stop the clock.
        (london("2026-12-24 10:00"), 48, "2026-12-26 10:00", "2026-12-26 10:00"),
        # Clocks go back: 12:00 BST Saturday 24 October + 24 h is 11:00 GMT Sunday.
        (london("2026-10-24 12:00"), 24, "2026-10-25 11:00", "2026-10-25 11:00"),
        # Clocks go forward: 12:00 GMT Saturday 28 March + 24 h is 13:00 BST Sunday.
        (london("2026-03-28 12:00"), 24, "2026-03-29 13:00", "2026-03-29 12:00"),
        # Started given in UTC.
        (utc("2026-10-24 11:00"), 48, "2026-10-26 11:00", "2026-10-26 11:00"),
    ],
)
def test_an_urgent_stage_is_due_after_real_elapsed_clock_hours(
    started_at: datetime, hours: int, expected_local: str, expected_utc: str
) -> None:
    due = urgent_due_at(started_at, hours)
    assert due.tzinfo is LONDON
    assert due.replace(tzinfo=None) == datetime.fromisoformat(expected_local)
    assert due.astimezone(UTC) == utc(expected_utc)
    # Subtract in UTC: two datetimes sharing one ZoneInfo subtract as wall-clock times.
    assert due.astimezone(UTC) - started_at.astimezone(UTC) == timedelta(hours=hours)


def test_urgent_due_at_refuses_a_naive_start() -> None:
    with pytest.raises(ValueError, match="aware"):
        urgent_due_at(datetime(2026, 3, 11, 10, 0), 24)


# --------------------------------------------------------------------------------------------
# Reminders
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due_at", "expected"),
    [
        (london("2026-12-30 17:00"), london("2026-12-30 09:00")),
        (london("2026-06-11 17:00"), london("2026-06-11 09:00")),  # 08:00 UTC
        (utc("2026-06-11 16:00"), london("2026-06-11 09:00")),  # the local date of 17:00 BST
        (utc("2026-06-11 23:30"), london("2026-06-12 09:00")),  # 00:30 BST on 12 June
        (london("2026-10-27 17:00"), london("2026-10-27 09:00")),
    ],
)
def test_a_standard_reminder_is_at_nine_on_the_due_day(
    due_at: datetime, expected: datetime
) -> None:
    reminder = reminder_at(due_at, urgent=False)
    assert reminder == expected
    assert reminder.tzinfo is LONDON
    assert reminder.time() == time(9)


def test_a_standard_reminder_is_in_local_time_in_summer() -> None:
    reminder = reminder_at(london("2026-06-11 17:00"), urgent=False)
    assert reminder.astimezone(UTC) == utc("2026-06-11 08:00")


def test_a_standard_reminder_uses_the_policys_reminder_hour() -> None:
    reminder = reminder_at(london("2026-03-13 17:00"), urgent=False, reminder=time(8, 30))
    assert reminder == london("2026-03-13 08:30")


@pytest.mark.parametrize(
    ("due_at", "expected_utc"),
    [
        (london("2026-03-14 16:00"), "2026-03-14 14:00"),
        (london("2026-06-11 17:00"), "2026-06-11 14:00"),  # 15:00 BST
        # Across the clocks going back: 02:30 GMT is two real hours after 01:30 BST.
        (utc("2026-10-25 02:30"), "2026-10-25 00:30"),
    ],
)
def test_an_urgent_reminder_is_two_hours_before_the_due_moment(
    due_at: datetime, expected_utc: str
) -> None:
    reminder = reminder_at(due_at, urgent=True)
    assert reminder.tzinfo is LONDON
    assert reminder.astimezone(UTC) == utc(expected_utc)
    assert due_at.astimezone(UTC) - reminder.astimezone(UTC) == timedelta(hours=2)


def test_the_urgent_reminder_before_the_clocks_go_back_shows_summer_time() -> None:
    reminder = reminder_at(utc("2026-10-25 02:30"), urgent=True)
    assert (reminder.hour, reminder.minute) == (1, 30)
    assert reminder.utcoffset() == timedelta(hours=1)


def test_reminder_at_refuses_a_naive_due_moment() -> None:
    with pytest.raises(ValueError, match="aware"):
        reminder_at(datetime(2026, 3, 11, 17, 0), urgent=False)


# --------------------------------------------------------------------------------------------
# Working days elapsed
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "region", "expected"),
    [
        # Settled on day 0.
        (london("2026-03-11 10:00"), london("2026-03-11 15:00"), ENG, 0),
        # Ended after the cut-off still counts as that day.
        (london("2026-03-11 10:00"), london("2026-03-11 18:30"), ENG, 0),
        (london("2026-03-11 10:00"), london("2026-03-12 18:30"), ENG, 1),
        # Started after the cut-off (day 0 Thursday), settled the same evening or on Thursday.
        (london("2026-03-11 17:30"), london("2026-03-11 19:00"), ENG, 0),
        (london("2026-03-11 17:30"), london("2026-03-12 10:00"), ENG, 0),
        (london("2026-03-11 17:30"), london("2026-03-13 10:00"), ENG, 1),
        # Ended at a weekend: counts as the next working day, Monday.
        (london("2026-03-12 10:00"), london("2026-03-14 11:00"), ENG, 2),
        # Raised and settled over one weekend.
        (london("2026-03-14 10:00"), london("2026-03-15 10:00"), ENG, 0),
        # Across Christmas 2026: 25 and 28 December do not count.
        (london("2026-12-24 10:00"), london("2026-12-29 11:00"), ENG, 1),
        (london("2026-12-24 10:00"), london("2026-12-31 16:00"), ENG, 3),
        # Across Easter 2026.
        (london("2026-04-02 10:00"), london("2026-04-07 10:00"), ENG, 1),
        (london("2026-04-02 10:00"), london("2026-04-07 10:00"), SCT, 2),
        # Across the clocks going back.
        (london("2026-10-22 10:00"), london("2026-10-27 17:00"), ENG, 3),
        # An end before the start is never negative.
        (london("2026-03-12 10:00"), london("2026-03-11 10:00"), ENG, 0),
    ],
)
def test_working_days_elapsed_counts_from_day_zero_to_the_day_the_work_ended(
    start: datetime, end: datetime, region: str, expected: int
) -> None:
    assert working_days_elapsed(start, end, region=region) == expected


def test_working_days_elapsed_leaves_out_closure_days() -> None:
    closures = [d("2026-12-29")]
    start, end = london("2026-12-24 10:00"), london("2026-12-31 16:00")
    assert working_days_elapsed(start, end, closures=closures) == 2


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("days", [0, 1, 3, 5, 10])
@pytest.mark.parametrize(
    "started_at",
    [
        london("2026-12-23 10:00"),
        london("2026-12-24 17:30"),
        london("2026-03-14 11:00"),
        london("2026-10-22 16:59"),
        london("2025-11-28 17:00"),
        london("2026-07-10 09:00"),
    ],
)
def test_a_stage_that_ends_exactly_when_due_took_exactly_its_timescale(
    region: str, days: int, started_at: datetime
) -> None:
    due = stage_due_at(started_at, days, region=region)
    assert working_days_elapsed(started_at, due, region=region) == days
    # A minute after the cut-off on the due day still counts as the due day ...
    late = due + timedelta(minutes=1)
    assert working_days_elapsed(started_at, late, region=region) == days
    # ... and the next morning is one more.
    next_morning = datetime.combine(
        next_working_day(due.date(), region=region), time(9), tzinfo=LONDON
    )
    assert working_days_elapsed(started_at, next_morning, region=region) == days + 1


def test_working_days_elapsed_refuses_naive_moments() -> None:
    with pytest.raises(ValueError, match="aware"):
        working_days_elapsed(datetime(2026, 3, 11, 10, 0), london("2026-03-12 10:00"))
    with pytest.raises(ValueError, match="aware"):
        working_days_elapsed(london("2026-03-11 10:00"), datetime(2026, 3, 12, 10, 0))

"""A report a board adopts (issue 14, item 8): the lead's foreword and key messages for a
year, kept with a publication, in the public edition only once approved; every figure beside
the year before, with the change in words where the numbers are small."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from escalations.models import ReportText
from escalations.reports import board
from escalations.reports.compute import compute_figures
from escalations.reports.layout import (
    Table,
    _table_beside,
    change_in_words,
    sections,
    short_change,
)
from escalations.reports.period import Period
from escalations.reports.publishing import report_publish
from escalations.reports.render import to_json
from escalations.reports.suppression import INTERNAL, PUBLIC, SUPPRESSED, Figure, build_edition
from escalations.reports.tidy import COUNT, DAYS, SHARE, Cell
from tests.factories import raise_one
from workflows.refusals import Refused

YEAR_2026 = Period.reporting_year(2026)
AFTER_THE_YEAR = dt.datetime(2027, 4, 6, 9, 0, tzinfo=dt.UTC)
IN_2025 = dt.datetime(2025, 6, 4, 10, 0, tzinfo=dt.UTC)
IN_2026 = dt.datetime(2026, 6, 3, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def quick_pdf(monkeypatch):
    """What is published here is read from its JSON: WeasyPrint need not lay out the PDF."""
    monkeypatch.setattr("escalations.reports.publishing.to_pdf", lambda edition: b"%PDF-stand-in")


def write(world, by=None, **overrides):
    arguments = {
        "by": by or world.lead,
        "partnership": world.partnership,
        "year": 2026,
        "foreword": "The partnership settled most disagreements at stage 1.\n\nWe will do more.",
        "key_messages": ["Most were settled at stage 1", "", "Urgent ones were on time  "],
        "approved": False,
    }
    return board.report_text_save(**(arguments | overrides))


def publish_the_year(world):
    return report_publish(
        by=world.lead,
        partnership=world.partnership,
        period_start=YEAR_2026.start,
        period_end=YEAR_2026.end,
        edition=PUBLIC,
        kind="year",
    )


# the words -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_lead_writes_the_words_and_history_keeps_who_and_why(world):
    text = write(world)
    assert text.foreword.startswith("The partnership settled")
    assert text.key_messages == ["Most were settled at stage 1", "Urgent ones were on time"]
    assert not text.approved
    last = text.history.latest()
    assert last.history_user == world.lead
    assert "foreword and key messages" in last.history_change_reason


@pytest.mark.django_db
@pytest.mark.parametrize("person", ["scrutineer", "analyst", "outsider"])
def test_nobody_but_the_lead_writes_them(world, person):
    with pytest.raises(Refused, match="Only the partnership business manager"):
        write(world, by=getattr(world, person))
    assert not ReportText.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"foreword": "x" * (ReportText.FOREWORD_LIMIT + 1)}, "foreword"),
        ({"key_messages": [f"message {n}" for n in range(9)]}, "key_messages"),
        ({"key_messages": ["x" * (ReportText.MESSAGE_LIMIT + 1)]}, "key_messages"),
        ({"foreword": " ", "key_messages": [], "approved": True}, "approved"),
    ],
)
def test_words_out_of_bounds_are_refused_on_their_field(world, overrides, field):
    with pytest.raises(Refused) as refused:
        write(world, **overrides)
    assert refused.value.field == field


@pytest.mark.django_db
def test_a_change_after_approval_needs_approving_again(world, clock):
    approved = write(world, approved=True)
    assert approved.approved
    assert approved.approved_by == world.lead
    clock.shift(dt.timedelta(hours=2))
    unchanged = write(world, approved=True)
    assert unchanged.approved_at == approved.approved_at  # saving again keeps the approval
    changed = write(world, foreword="Another foreword.", approved=False)
    assert not changed.approved


@pytest.mark.django_db
def test_the_internal_edition_carries_the_words_the_public_only_once_approved(world):
    write(world)
    assert board.narrative_for(world.partnership, YEAR_2026, INTERNAL).key_messages == (
        "Most were settled at stage 1",
        "Urgent ones were on time",
    )
    assert board.narrative_for(world.partnership, YEAR_2026, PUBLIC) is None
    write(world, approved=True)
    public = board.narrative_for(world.partnership, YEAR_2026, PUBLIC)
    assert public.paragraphs == [
        "The partnership settled most disagreements at stage 1.",
        "We will do more.",
    ]
    quarter = Period(dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    assert board.narrative_for(world.partnership, quarter, INTERNAL) is None


@pytest.mark.django_db
def test_the_words_come_first_and_are_in_the_json(world):
    write(world, approved=True)
    edition = board.for_the_board(
        world.partnership,
        build_edition(compute_figures(partnership=world.partnership, period=YEAR_2026), PUBLIC),
    )
    assert [s.id for s in sections(edition)][:3] == ["foreword", "key-messages", "summary"]
    data = to_json(edition)
    assert data["foreword"].endswith("We will do more.")
    assert data["key_messages"] == ["Most were settled at stage 1", "Urgent ones were on time"]


@pytest.mark.django_db
def test_a_publication_keeps_the_words_it_was_published_with(world, clock):
    clock.move_to(IN_2026)
    raise_one(world)
    write(world, approved=True)
    clock.move_to(AFTER_THE_YEAR)
    report = publish_the_year(world)
    write(world, foreword="Written after publication.", approved=True)
    report.refresh_from_db()
    assert report.figures["foreword"].startswith("The partnership settled")


@pytest.mark.django_db
def test_unapproved_words_are_not_published_in_the_public_edition(world, clock):
    clock.move_to(IN_2026)
    raise_one(world)
    write(world)
    clock.move_to(AFTER_THE_YEAR)
    report = publish_the_year(world)
    assert (report.figures["foreword"], report.figures["key_messages"]) == ("", [])


# the year before -------------------------------------------------------------------------------


def _figure(value, kind=COUNT, band=None):
    return Figure(Cell("headline", "raised", "raised", "Raised", value, kind), value, band)


@pytest.mark.parametrize(
    ("now", "before", "kind", "words"),
    [
        (7, 4, COUNT, "3 more than the year before (4)"),
        (2, 5, COUNT, "3 fewer than the year before (5)"),
        (120, 96, COUNT, "Up 25% on the year before (96)"),
        (80, 100, COUNT, "Down 20% on the year before (100)"),
        (12, 12, COUNT, "The same as the year before (12)"),
        (4.5, 3.0, DAYS, "1.5 working days longer than the year before (3)"),
        (0.75, 0.5, SHARE, "Up 25 percentage points on the year before (50%)"),
        (0.454, 0.446, SHARE, "Much the same as the year before (45%)"),  # as shown
        (4.0, 3.0, DAYS, "1 working day longer than the year before (3)"),
        (100, 100.4, COUNT, "Much the same as the year before (100.4)"),
        (30, SUPPRESSED, COUNT, "The year before: suppressed"),
        (SUPPRESSED, 30, COUNT, "The year before: 30"),
    ],
)
def test_each_figure_beside_the_year_before_in_words(now, before, kind, words):
    assert change_in_words(_figure(now, kind), _figure(before, kind)) == words


def test_a_hidden_count_of_the_year_before_is_named_by_its_band():
    before = _figure(SUPPRESSED, band=20)
    assert change_in_words(_figure(31), before) == "The year before: 20 or more"


@pytest.mark.parametrize(
    ("now", "before", "change"),
    [("7", "4", "3 more"), ("40", "50", "Down 20%"), ("3", "3", "No change")],
)
def test_a_tables_change_column(now, before, change):
    assert short_change(now, before) == change


def test_a_one_figure_table_gets_the_year_before_and_the_change_as_columns():
    now = Table("Categories", ("Category", "Escalations"), (("Threshold", "7"), ("Drift", "25")))
    before = Table("Categories", ("Category", "Escalations"), (("Drift", "20"), ("Other", "2")))
    beside = _table_beside(now, before)
    assert beside.headers == ("Category", "Escalations", "The year before", "Change")
    assert beside.rows == (
        ("Threshold", "7", "–", "–"),
        ("Drift", "25", "20", "Up 25%"),
        ("Other", "–", "2", "–"),  # only the year before had it: it stays in sight
    )


def test_a_table_of_several_figures_gives_the_year_before_in_brackets_months_by_place():
    now = Table("Months", ("Month", "Raised", "Resolved"), (("April 2026", "5", "3"),))
    before = Table("Months", ("Month", "Raised", "Resolved"), (("April 2025", "4", "4"),))
    beside = _table_beside(now, before, by_place=True)
    assert beside.caption == "Months (the year before in brackets)"
    assert beside.rows == (("April 2026", "5 (4)", "3 (4)"),)


def test_the_year_before_stands_under_its_own_column_when_the_columns_differ():
    """The sector matrix has a column per sector raised with that year."""
    now = Table(
        "By sector", ("Raised by", "Education", "Police", "All"), (("Health", "1", "2", "3"),)
    )
    before = Table("By sector", ("Raised by", "Police", "All"), (("Health", "5", "5"),))
    assert _table_beside(now, before).rows == (("Health", "1 (–)", "2 (5)", "3 (5)"),)


@pytest.mark.parametrize(
    ("now", "before", "kind", "change"),
    [
        ("12", "30", DAYS, "18 days shorter"),
        ("4.5", "3.5", DAYS, "1 day longer"),
        ("–", "3", DAYS, "–"),
        ("20 or more", "25", COUNT, "–"),
        ("100", "100.4", COUNT, "Much the same"),
    ],
)
def test_a_tables_change_says_days_as_days_and_nothing_of_a_hidden_figure(
    now, before, kind, change
):
    assert short_change(now, before, kind) == change


def test_every_table_of_the_internal_edition_stands_beside_the_year_before(figures):
    edition = build_edition(figures, INTERNAL)
    with_before = dataclasses.replace(edition, before=edition)
    for section in sections(with_before):
        for table in section.tables:
            numbers = len(table.headers) - table.label_columns
            assert "The year before" in table.headers or "(the year before in brackets)" in (
                table.caption
            ), (section.id, table.caption)
            if "The year before" in table.headers:
                assert all(row[-1] in ("No change", "–") for row in table.rows), table.caption
            else:
                assert numbers > 1
    summary = next(s for s in sections(with_before) if s.id == "summary")
    assert all(change.startswith("The same as") for _, _, change in summary.key_figures if change)


@pytest.mark.django_db
def test_the_internal_year_before_is_worked_out_for_the_year_before(world, clock):
    clock.move_to(IN_2025)
    raise_one(world)
    clock.move_to(IN_2026)
    raise_one(world)
    raise_one(world, child_reference="POL-654321")
    edition = build_edition(compute_figures(partnership=world.partnership, period=YEAR_2026))
    before = board.year_before(world.partnership, edition)
    assert before.figures.period == Period.reporting_year(2025)
    assert before.value("headline/raised/raised") == 1
    summary = sections(dataclasses.replace(edition, before=before))[0]
    assert ("Escalations raised", "2", "1 more than the year before (1)") in summary.key_figures


@pytest.mark.django_db
def test_the_public_year_before_is_only_what_was_published_for_it(world, clock):
    clock.move_to(IN_2025)
    for n in range(6):  # 5 about the threshold decision, 1 about drift: that 1 is hidden
        category = "threshold" if n else "drift"
        raise_one(world, child_reference=f"POL-10000{n}", category=category)
    clock.move_to(AFTER_THE_YEAR)
    public = build_edition(compute_figures(partnership=world.partnership, period=YEAR_2026), PUBLIC)
    assert board.year_before(world.partnership, public) is None  # nothing published for 2025
    published = report_publish(
        by=world.lead,
        partnership=world.partnership,
        period_start=dt.date(2025, 4, 1),
        period_end=dt.date(2026, 3, 31),
        edition=PUBLIC,
        kind="year",
    )
    before = board.year_before(world.partnership, public)
    assert before.value("headline/raised/raised") == published.figures["raised"] == 6
    # a count the publication hid stays hidden beside this year's
    hidden = [key for key, value in published.figures["by_category"].items() if value == SUPPRESSED]
    assert hidden
    for key in hidden:
        assert before.value(f"category/raised/{key}") == SUPPRESSED

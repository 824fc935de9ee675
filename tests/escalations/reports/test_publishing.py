"""Publishing (DESIGN.md section 6): the partnership lead freezes an edition's figures and PDF
with a checksum; nothing changes them afterwards; publishing again makes a new version."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from django.core.exceptions import ValidationError

from escalations.models import PublishedReport
from escalations.reports.publishing import (
    canonical_json,
    published_this_year,
    quarters,
    report_publish,
    verify,
)
from escalations.reports.reader import Reader
from escalations.reports.suppression import SUPPRESSED
from escalations.reports.tidy import RAISED
from tests.factories import make_world, raise_one
from workflows.refusals import Refused

pytestmark = pytest.mark.django_db

# quarter 2 of reporting year 2026; the clock fixture's "now" (2 December 2026) is after it
Q2 = {"period_start": dt.date(2026, 7, 1), "period_end": dt.date(2026, 9, 30)}
Q1_END = dt.date(2026, 6, 30)
IN_Q2 = dt.datetime(2026, 8, 5, 10, 0, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def real_pdf():
    """Asked for by the tests that need the PDF WeasyPrint lays out (seconds each)."""


@pytest.fixture(autouse=True)
def quick_pdf(request, monkeypatch):
    if "real_pdf" not in request.fixturenames:
        monkeypatch.setattr(
            "escalations.reports.publishing.to_pdf",
            lambda edition: b"%PDF-stand-in " + edition.name.encode(),
        )


@pytest.fixture
def in_q2(world, clock):
    """Two escalations raised in quarter 2, and the clock back to December."""
    clock.move_to(IN_Q2)
    raise_one(world)
    raise_one(world, child_reference="POL-654321")
    clock.move_to(NOW)
    return world


def publish(world, by=None, **overrides):
    arguments = {
        "by": by or world.lead,
        "partnership": world.partnership,
        "edition": "internal",
        "kind": "quarter",
        **Q2,
    }
    arguments.update(overrides)
    return report_publish(**arguments)


def test_quarters_of_a_reporting_year(world):
    assert [(q.start, q.end) for q in quarters(world.partnership, 2026)] == [
        (dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
        (dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
        (dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
        (dt.date(2027, 1, 1), dt.date(2027, 3, 31)),
    ]


def test_publishing_stores_figures_and_pdf_with_a_checksum_that_verifies(in_q2, real_pdf):
    report = publish(in_q2, learning_themes=["  Record the threshold reasoning ", ""])
    stored = PublishedReport.objects.get(pk=report.pk)
    assert stored.figures["raised"] == 2
    assert stored.figures["edition"] == "internal"
    assert stored.figures["provisional"] is False
    assert (stored.period_start, stored.period_end) == (Q2["period_start"], Q2["period_end"])
    assert (stored.kind, stored.year, stored.edition) == ("quarter", 2026, "internal")
    assert bytes(stored.pdf).startswith(b"%PDF")
    assert stored.published_by == in_q2.lead
    assert stored.published_at == NOW
    assert stored.learning_themes == ["Record the threshold reasoning"]
    assert stored.figures["learning"]["themes"] == ["Record the threshold reasoning"]
    assert stored.checksum == PublishedReport.checksum_of(
        canonical_json(stored.figures), bytes(stored.pdf)
    )
    assert verify(stored)
    assert stored.version == 1


def test_the_year_hides_more_rather_than_let_a_quarters_hidden_count_be_worked_out(world, clock):
    """Two raised in the first quarter (hidden), six in the second: the year's raised, less
    the second quarter's, would say "at most two" of the first quarter."""
    for when, count in ((dt.datetime(2026, 5, 6, 10, tzinfo=dt.UTC), 2), (IN_Q2, 6)):
        clock.move_to(when)
        for n in range(count):
            raise_one(world, child_reference=f"POL-{when.month:02d}{n:04d}")
    clock.move_to(NOW)
    first = publish(world, edition="public", period_start=dt.date(2026, 4, 1), period_end=Q1_END)
    second = publish(world, edition="public")
    assert (first.figures["raised"], second.figures["raised"]) == (SUPPRESSED, 6)
    clock.move_to(dt.datetime(2027, 4, 20, 9, 0, tzinfo=dt.UTC))
    year = publish(
        world,
        edition="public",
        kind="year",
        period_start=dt.date(2026, 4, 1),
        period_end=dt.date(2027, 3, 31),
    )
    reader = Reader(published_this_year(world.partnership, 2026))
    raised_in_the_first = f"2026-04-01/{Q1_END}|{RAISED}"
    assert raised_in_the_first in reader.hidden
    assert reader.span(raised_in_the_first, enough=4) == 4
    assert year.figures["raised"] == SUPPRESSED  # 8, shown on its own


def test_tampering_shows_in_the_checksum(in_q2):
    stored = PublishedReport.objects.get(pk=publish(in_q2).pk)
    stored.figures["raised"] = 3
    assert not verify(stored)
    stored = PublishedReport.objects.get(pk=stored.pk)
    stored.pdf = bytes(stored.pdf) + b" "
    assert not verify(stored)


def test_the_public_edition_is_suppressed_and_keeps_only_the_chosen_themes(in_q2):
    report = publish(in_q2, edition="public", learning_themes=["Escalate earlier"])
    assert report.figures["raised"] == "suppressed"
    assert "by_raising_agency" not in report.figures
    assert report.figures["learning"]["themes"] == ["Escalate earlier"]
    assert verify(PublishedReport.objects.get(pk=report.pk))


def test_the_stored_figures_do_not_change_when_the_data_does(in_q2, clock, real_pdf):
    report = publish(in_q2)
    before = PublishedReport.objects.get(pk=report.pk)
    clock.move_to(IN_Q2)
    raise_one(in_q2, child_reference="POL-111111")
    clock.move_to(NOW + dt.timedelta(days=7))
    after = PublishedReport.objects.get(pk=report.pk)
    assert canonical_json(after.figures) == canonical_json(before.figures)
    assert bytes(after.pdf) == bytes(before.pdf)
    assert after.checksum == before.checksum
    assert verify(after)
    # a new publication sees the new data; the old one is kept as it was
    again = publish(in_q2)
    assert again.figures["raised"] == 3
    assert PublishedReport.objects.get(pk=report.pk).figures["raised"] == 2


def test_republishing_makes_version_2_and_keeps_version_1(in_q2, clock):
    first = publish(in_q2)
    clock.shift(dt.timedelta(hours=1))
    second = publish(in_q2)
    public = publish(in_q2, edition="public")
    assert PublishedReport.objects.count() == 3
    assert (first.version, second.version, public.version) == (1, 2, 1)
    kept = PublishedReport.objects.get(pk=first.pk)
    assert kept.checksum == first.checksum
    assert verify(kept)


def test_a_published_report_cannot_be_changed_or_deleted(in_q2):
    report = PublishedReport.objects.get(pk=publish(in_q2).pk)
    report.learning_themes = ["Something else"]
    with pytest.raises(ValidationError):
        report.save()
    with pytest.raises(ValidationError):
        report.delete()
    assert PublishedReport.objects.get(pk=report.pk).learning_themes == []


@pytest.mark.parametrize(
    "person",
    [
        lambda w: w.scrutineer,
        lambda w: w.analyst,
        lambda w: w.police.senior_manager,
        lambda w: w.csc.practitioner,
    ],
)
def test_only_the_partnership_lead_publishes(in_q2, person):
    with pytest.raises(Refused, match="Only the partnership business manager"):
        publish(in_q2, by=person(in_q2))
    assert not PublishedReport.objects.exists()


def test_another_partnerships_lead_is_refused(in_q2):
    other = make_world()
    with pytest.raises(Refused, match="Only the partnership business manager"):
        publish(in_q2, by=other.lead)


def test_an_inactive_lead_is_refused(in_q2):
    in_q2.lead.is_active = False
    in_q2.lead.save()
    with pytest.raises(Refused):
        publish(in_q2)


@pytest.mark.parametrize(
    ("kind", "start", "end"),
    [
        ("quarter", dt.date(2026, 10, 1), dt.date(2026, 12, 31)),  # ends at the end of December
        ("year", dt.date(2026, 4, 1), dt.date(2027, 3, 31)),
    ],
)
def test_a_period_that_has_not_ended_is_refused(in_q2, kind, start, end):
    with pytest.raises(Refused, match="once it has ended"):
        publish(in_q2, kind=kind, period_start=start, period_end=end)
    assert not PublishedReport.objects.exists()


def test_a_period_ends_at_midnight_uk_time(in_q2, clock):
    clock.move_to(dt.datetime(2026, 9, 30, 22, 59, tzinfo=dt.UTC))  # 23:59 BST on 30 September
    with pytest.raises(Refused, match="once it has ended"):
        publish(in_q2)
    clock.move_to(dt.datetime(2026, 9, 30, 23, 0, tzinfo=dt.UTC))  # midnight BST
    assert publish(in_q2).figures["raised"] == 2


def test_a_whole_year_that_has_ended(in_q2, clock):
    clock.move_to(dt.datetime(2027, 4, 6, 9, 0, tzinfo=dt.UTC))
    report = publish(
        in_q2, kind="year", period_start=dt.date(2026, 4, 1), period_end=dt.date(2027, 3, 31)
    )
    assert (report.kind, report.year, report.figures["raised"]) == ("year", 2026, 2)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"kind": "year"}, "publish the whole year"),
        ({"period_end": dt.date(2026, 8, 31)}, "not a quarter"),
        ({"kind": "month"}, "Publish a reporting year or a quarter"),
        ({"edition": "draft"}, "no 'draft' edition"),
    ],
)
def test_only_whole_years_and_quarters_of_an_edition(in_q2, overrides, message):
    with pytest.raises(Refused, match=message):
        publish(in_q2, **overrides)


def test_on_postgresql_the_database_refuses_a_bulk_change_too(in_q2):
    from django.db import DatabaseError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's")
    report = publish(in_q2)
    for change in (
        lambda rows: rows.update(learning_themes=["Changed"]),
        lambda rows: rows.delete(),
    ):
        with pytest.raises(DatabaseError, match="never changes"), transaction.atomic():
            change(PublishedReport.objects.filter(pk=report.pk))
    assert PublishedReport.objects.get(pk=report.pk).learning_themes == []


@pytest.mark.parametrize("fmt", ["pdf", "json"])
def test_each_published_file_has_the_checksum_sha256sum_prints(
    in_q2, client, tmp_path, fmt, quarter_published_for_the_public
):
    """The page shows each file's own SHA-256 beside its link, and sha256sum of the file as
    downloaded prints the same (the report's checksum covers the two together)."""
    report = quarter_published_for_the_public
    download = client.get(f"/reports/published/{report.pk}.{fmt}")
    saved = tmp_path / f"report.{fmt}"
    saved.write_bytes(download.content)
    printed = subprocess.run(  # noqa: S603 - our own file name
        ["sha256sum", str(saved)],  # noqa: S607 - coreutils on the PATH
        capture_output=True,
        check=True,
        text=True,
    ).stdout.split()[0]
    shown = getattr(report, f"{fmt}_sha256")
    assert printed == shown
    assert download["X-File-SHA256"] == shown
    assert shown in client.get("/public/").content.decode()


@pytest.fixture
def quarter_published_for_the_public(in_q2):
    return publish(in_q2, edition="public")


def test_the_json_file_is_the_same_bytes_however_the_database_orders_its_keys(in_q2):
    report = PublishedReport.objects.get(pk=publish(in_q2).pk)
    reordered = dict(reversed(list(report.figures.items())))
    assert PublishedReport.json_file(reordered) == PublishedReport.json_file(report.figures)
    assert PublishedReport.sha256(PublishedReport.json_file(reordered)) == report.json_sha256

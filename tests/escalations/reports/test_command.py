"""``manage.py annual_report``: writes each format to a file, shows its progress on stderr and
refuses requests it cannot make."""

from __future__ import annotations

import csv
import json

import pytest
from django.core.management import CommandError, call_command

from tests.factories import raise_one

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_raised(world, clock):
    raise_one(world)  # Wednesday 2 December 2026
    raise_one(world, category="drift")
    return world


def test_it_writes_the_json_for_a_reporting_year(two_raised, tmp_path, capsys):
    out = tmp_path / "report.json"
    call_command("annual_report", "2026", "--format", "json", "-o", str(out))
    data = json.loads(out.read_text())
    assert (data["year"], data["edition"], data["raised"]) == (2026, "internal", 2)
    assert data["provisional"] is True  # it is only December 2026
    progress = capsys.readouterr().err
    assert "[1/2] Counting" in progress
    assert f"Wrote {out}" in progress


def test_it_writes_the_public_csv_for_any_period(two_raised, tmp_path):
    out = tmp_path / "report.csv"
    call_command(
        "annual_report",
        "2026",
        "--from",
        "2026-12-01",
        "--to",
        "2026-12-31",
        "--edition",
        "public",
        "--format",
        "csv",
        "-o",
        str(out),
    )
    rows = {tuple(row[:3]): row[3] for row in csv.reader(out.open())}
    assert rows["about", "report", "period_start"] == "2026-12-01"
    assert rows["about", "report", "edition"] == "public"
    assert rows["headline", "raised", "raised"] == "suppressed"  # 2, below 5


def test_it_writes_a_pdf_and_names_it_after_the_year_and_edition(two_raised, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    call_command("annual_report", "2026", verbosity=0)
    pdf = tmp_path / "annual-report-2026-internal.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")


def test_it_writes_the_html_to_stdout(two_raised, capsysbinary):
    call_command("annual_report", "2026", "--format", "html", "-o", "-", verbosity=0)
    assert capsysbinary.readouterr().out.startswith(b"<!DOCTYPE html>")


def test_a_period_needs_both_its_first_and_last_day(two_raised):
    with pytest.raises(CommandError, match="both the first and the last day"):
        call_command("annual_report", "2026", "--from", "2026-12-01", "--format", "json")


def test_a_date_must_be_a_date(two_raised):
    with pytest.raises(CommandError, match="not a date"):
        call_command("annual_report", "2026", "--from", "1 December", "--to", "2026-12-31")


def test_with_several_partnerships_it_asks_which(two_raised):
    from tests.factories import make_world

    make_world()
    with pytest.raises(CommandError, match="Say which partnership"):
        call_command("annual_report", "2026", "--format", "json")
    with pytest.raises(CommandError, match="no partnership called"):
        call_command("annual_report", "2026", "--partnership", "Nowhere", "--format", "json")

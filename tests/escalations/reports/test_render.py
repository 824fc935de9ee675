"""The report's formats, from the scenario year (``scenario.py``): the JSON contract of
DESIGN.md section 7, tidy CSV, the standalone HTML and the PDF."""

from __future__ import annotations

import csv
import dataclasses
import io
import itertools
import json
import re
import shutil
import subprocess
from html import unescape

import pytest

from escalations.reports.figures import Narrative
from escalations.reports.layout import sections
from escalations.reports.render import neutralised, render, to_csv, to_json
from escalations.reports.suppression import PUBLIC, SUPPRESSED, build_edition

CONTRACT = {
    "year",
    "edition",
    "period_start",
    "period_end",
    "raised",
    "resolved",
    "withdrawn",
    "open_at_end",
    "resolved_at_stage_1",
    "median_working_days_to_resolution",
    "by_stage_reached",
    "by_category",
    "by_outcome",
    "by_month",
}
INTERNAL_ONLY = {"by_raising_sector", "by_receiving_sector"}


def test_the_internal_json_has_every_key_of_the_contract(figures):
    data = json.loads(render(build_edition(figures), "json"))
    assert set(data) >= CONTRACT | INTERNAL_ONLY
    assert (data["year"], data["edition"]) == (2026, "internal")
    assert (data["period_start"], data["period_end"]) == ("2026-04-01", "2027-03-31")
    assert (data["raised"], data["resolved"], data["withdrawn"], data["open_at_end"]) == (
        10,
        7,
        1,
        2,
    )
    assert data["resolved_at_stage_1"] == 5
    assert data["median_working_days_to_resolution"] == 3.0
    assert data["by_stage_reached"] == {"stage_1": 7, "stage_2": 3, "stage_3": 0, "stage_4": 0}
    assert data["by_month"]["2026-06"] == 5
    assert data["by_outcome"]["withdrawn"] == 1
    assert data["by_raising_sector"]["police"] == 9
    assert data["by_receiving_sector"]["childrens_social_care"] == 8


def test_every_breakdown_is_an_object_from_name_to_count(figures):
    data = to_json(build_edition(figures))
    for key in ("by_stage_reached", "by_category", "by_outcome", "by_month", *INTERNAL_ONLY):
        assert all(isinstance(name, str) for name in data[key]), key
        assert all(isinstance(count, int) for count in data[key].values()), key


def test_the_public_json_shows_suppressed_counts_as_the_string_and_leaves_out_sectors(figures):
    data = to_json(build_edition(figures, PUBLIC))
    assert set(data) >= CONTRACT
    assert not INTERNAL_ONLY & set(data)
    assert data["edition"] == "public"
    assert data["withdrawn"] == SUPPRESSED
    assert data["by_category"]["threshold"] == SUPPRESSED  # 4, below 5
    assert data["by_category"]["exploitation"] == 0
    assert data["raised"] == 10
    assert not {"by_level_of_need", "agency_flows", "receiving_agency_timeliness"} & set(data)


def test_a_hidden_counts_band_goes_in_its_own_key_beside_it(figures):
    data = to_json(build_edition(figures, PUBLIC))
    assert data["resolved"] == SUPPRESSED  # 7
    assert data["banded"] == {
        "standard": "5 or more",  # 9
        "resolved": "5 or more",  # 7
        "by_stage_reached": {"stage_1": "5 or more"},  # 7
        "timeliness_by_stage": {"stage_1": {"within_timescale": "5 or more"}},  # 7
    }
    for key, table in data.items():
        if key.startswith("by_"):
            assert all(isinstance(n, int) or n == SUPPRESSED for n in table.values()), key
    assert to_json(build_edition(figures))["banded"] == {}  # the internal edition is exact


def test_the_csv_has_one_tidy_row_per_figure(figures):
    rows = list(csv.reader(io.StringIO(to_csv(build_edition(figures)))))
    assert rows[0] == ["section", "breakdown", "key", "value"]
    assert all(len(row) == 4 for row in rows)
    keys = [tuple(row[:3]) for row in rows[1:]]
    assert len(keys) == len(set(keys))  # one row per figure
    table = {tuple(row[:3]): row[3] for row in rows[1:]}
    assert table["about", "report", "edition"] == "internal"
    assert table["headline", "raised", "raised"] == "10"
    assert table["category", "raised", "threshold"] == "4"
    assert table["stages", "resolved_at_share", "stage_1"] == "0.7143"
    assert table["durations", "to_resolution", "median"] == "3"


def test_the_public_csv_says_suppressed(figures):
    table = {
        tuple(row[:3]): row[3]
        for row in csv.reader(io.StringIO(to_csv(build_edition(figures, PUBLIC))))
    }
    assert table["headline", "status_at_end", "withdrawn"] == SUPPRESSED
    assert table["headline", "status_at_end", "resolved"] == SUPPRESSED
    assert table["headline", "status_at_end", "resolved_band"] == "5 or more"
    assert not any(section == "raising_sector" for section, _, _ in table)


def test_the_html_document_stands_alone_with_its_charts(figures):
    html = render(build_edition(figures), "html").decode()
    assert html.startswith("<!DOCTYPE html>")
    assert html.count('src="data:image/svg+xml;base64,') == 4  # charts as images, no inline SVG
    assert "<svg" not in html
    assert "Page " in html  # the footer's counter, for the PDF
    assert "Northshire Academy (Education: school)" in html  # raised none


def _poppler(tool: str, *arguments: str, pdf: bytes) -> str:
    """What a poppler-utils tool (pdftotext, pdfinfo, pdffonts) says of our PDF."""
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} (poppler-utils) is not installed")
    command = [path, *arguments, "-"]
    found = subprocess.run(command, input=pdf, capture_output=True, check=True)  # noqa: S603
    return found.stdout.decode()


@pytest.fixture(scope="module")
def pdfs(figures) -> dict[str, bytes]:
    return {name: render(build_edition(figures, name), "pdf") for name in ("internal", "public")}


@pytest.fixture(scope="module")
def pdf_text(pdfs) -> dict[str, str]:
    return {name: _poppler("pdftotext", "-layout", "-", pdf=pdf) for name, pdf in pdfs.items()}


def _value(text: str, label: str) -> str:
    """The value printed after ``label`` on a line of its own in the PDF's text."""
    found = re.search(rf"^\s*{re.escape(label)}\s{{2,}}(\S+)\s*$", text, re.MULTILINE)
    assert found, f"{label!r} is not in the PDF"
    return found.group(1)


def test_the_pdf_has_numbered_pages_and_the_headline_figures(pdf_text):
    text = pdf_text["internal"]
    assert "Page 1 of" in text
    assert "Contents" in text
    assert _value(text, "Escalations raised") == "10"
    assert _value(text, "Resolved at stage 1") == "5"
    assert _value(text, "Median working days to resolution") == "3"
    assert "Internal edition" in text


def test_the_pdf_is_a4_tagged_for_screen_readers_with_its_fonts_embedded(pdfs):
    for pdf in pdfs.values():
        info = dict(
            line.split(":", 1) for line in _poppler("pdfinfo", pdf=pdf).splitlines() if ":" in line
        )
        assert info["Tagged"].strip() == "yes"
        assert "(A4)" in info["Page size"]
        assert info["Title"].strip().startswith("Resolving professional differences")
        structure = _poppler("pdfinfo", "-struct", pdf=pdf)
        for role in ("H1", "H2", "Table", "TH", "TD", "L", "Figure"):
            assert re.search(rf"^\s*{role}\b", structure, re.MULTILINE), role
        fonts = _poppler("pdffonts", pdf=pdf).splitlines()[2:]
        assert fonts, "no fonts listed"
        assert all(line.split()[-5] == "yes" for line in fonts), fonts  # the "emb" column


def test_the_public_pdf_shows_suppressed_counts(pdf_text):
    text = pdf_text["public"]
    assert "Page 1 of" in text
    assert _value(text, "Escalations raised") == "10"
    assert _value(text, "Withdrawn") == "suppressed"
    # 7 resolved, hidden: its band in place of "suppressed"
    assert re.search(r"^\s*Resolved by the end of the period\s{2,}5 or more\s*$", text, re.M)
    assert "Northshire Police" not in text  # no agency tables


def test_the_methodology_prints_every_definition_as_written_once(figures):
    from django.utils.html import escape

    from escalations.reports.definitions import DEFINITIONS

    html = render(build_edition(figures), "html").decode()
    for definition in DEFINITIONS:
        assert escape(definition.text) in html, definition.key


def test_pdf_tables_get_column_widths_that_fit_their_words():
    from escalations.reports.layout import CHARACTER, PADDING, Table

    table = Table(
        "Receiving agencies",
        ("Agency", "Received", "Acknowledged", "Median hours"),
        (("Northshire Children's Services", "1,339", "1,333", "21"), ("Police", "8", "8", "4")),
    )
    widths = [float(width.rstrip("%")) for width in table.widths]
    assert sum(widths) == pytest.approx(100, abs=0.2)
    assert widths[0] >= len("Northshire Children's Services") * CHARACTER + PADDING
    assert widths[2] >= len("Acknowledged") * CHARACTER + PADDING  # one word: it cannot wrap
    assert widths[1] >= len("Received") * CHARACTER + PADDING
    assert widths[3] >= len("Median") * CHARACTER + PADDING  # two words: it wraps


def test_a_table_too_wide_to_fit_is_left_to_weasyprint():
    from escalations.reports.layout import Table

    wide = Table("Wide", tuple(f"Acknowledgement{n}" for n in range(8)), (("x",) * 8,))
    assert wide.widths == ()


def test_the_server_imports_the_report_libraries_before_the_first_request():
    """matplotlib and WeasyPrint take seconds to import: the WSGI module imports them as the
    server starts, so the first person to open a report does not wait for them."""
    import os
    import sys

    script = (
        "import sys\n"
        "import config.wsgi\n"
        "print('matplotlib.figure' in sys.modules, 'weasyprint' in sys.modules)\n"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    found = subprocess.run(  # noqa: S603 - our own interpreter on our own module
        [sys.executable, "-c", script], capture_output=True, check=True, env=environment
    )
    assert found.stdout.decode().split() == ["True", "True"]


def test_the_methodology_dates_a_policy_version_in_uk_time(figures):
    """A policy that starts at midnight on 1 April (British Summer Time) starts on 1 April,
    not on 31 March, whatever the clock in the database says."""
    import dataclasses
    import datetime as dt

    method = figures.methodology
    version = dataclasses.replace(
        method.policy_versions[0], effective_from=dt.datetime(2025, 3, 31, 23, tzinfo=dt.UTC)
    )
    moved = dataclasses.replace(
        figures, methodology=dataclasses.replace(method, policy_versions=(version,))
    )
    html = render(build_edition(moved), "html").decode()
    assert f"Policy version {version.version} (from 1 April 2025)" in html


@pytest.mark.parametrize(
    "typed", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rReturn"]
)
def test_a_csv_cell_a_spreadsheet_would_run_is_kept_as_text(typed):
    assert neutralised(typed) == "'" + typed
    assert neutralised("-3") == "-3"  # a number stays a number
    assert neutralised("Northshire Police") == "Northshire Police"


def test_an_agency_named_like_a_formula_is_neutralised_in_the_csv(figures, db):
    edition = build_edition(dataclasses.replace(figures, partnership="=cmd|' /C calc'!A0"))
    rows = list(csv.reader(io.StringIO(to_csv(edition))))
    assert rows[1][3] == "'=cmd|' /C calc'!A0"


def test_who_raised_with_whom_is_a_sector_by_sector_matrix_with_totals(figures):
    """Issue 14, item 8: a matrix, not prose. Each cell is the count of the sector flows; the
    last row and column are the totals, and the corner is every escalation raised."""
    from escalations.reports.layout import sections

    agencies = next(s for s in sections(build_edition(figures)) if s.id == "agencies")
    matrix = next(t for t in agencies.tables if t.caption.startswith("Raised with whom"))
    flows = figures.agencies.sector_flows
    receiving = sorted({flow.receiving for flow in flows})
    assert matrix.headers == ("Raised by", *receiving, "All")
    by_row = {row[0]: row[1:] for row in matrix.rows}
    for flow in flows:
        assert by_row[flow.raising][receiving.index(flow.receiving)] == f"{flow.count:,}"
    assert by_row["All sectors"][-1] == f"{figures.headline.raised:,}"
    assert int(by_row["All sectors"][-1].replace(",", "")) == sum(f.count for f in flows)


# the pages of the PDF (issue 14, item 8) -------------------------------------------------------

TOP, BOTTOM = 51.0, 57.0  # the page's margins in points (18 mm and 20 mm)


def pages_of(pdf: bytes) -> list[tuple[float, str]]:
    """Each page's share of its text area that is used (down to its lowest word), and its
    first line, from poppler's word boxes."""
    pages = []
    for page in re.findall(
        r"<page (.*?)</page>", _poppler("pdftotext", "-bbox", "-", pdf=pdf), re.S
    ):
        height = float(re.search(r'height="([\d.]+)"', page).group(1))
        words = [
            (float(y_min), float(y_max), unescape(text))
            for y_min, y_max, text in re.findall(
                r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</word>',
                page,
            )
            if float(y_min) < height - BOTTOM  # not the footer
        ]
        lowest = max((y_max for _, y_max, _ in words), default=TOP)
        first = min((y_min for y_min, _, _ in words), default=0.0)
        line = " ".join(text for y_min, _, text in words if abs(y_min - first) < 2)
        pages.append(((lowest - TOP) / (height - TOP - BOTTOM), line))
    return pages


def test_no_page_is_more_than_half_empty_but_before_a_new_section(figures):
    """The internal edition with its words and every figure beside the year before (here the
    same year's), the longest the report gets."""
    internal = build_edition(figures)
    words = Narrative("A foreword.\n\nIn two paragraphs.", ("One message", "Another"), True)
    edition = dataclasses.replace(internal, narrative=words, before=internal)
    titles = {"Contents", *(section.title for section in sections(edition))}
    pages = pages_of(render(edition, "pdf"))
    assert len(pages) > 5
    for number, ((fill, _), (_, next_line)) in enumerate(itertools.pairwise(pages), start=1):
        assert fill >= 0.5 or next_line in titles, (
            f"page {number} is {fill:.0%} full and the next starts with {next_line!r}"
        )

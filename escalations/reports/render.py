"""The report's formats: JSON (the contract of DESIGN.md section 7), CSV (one tidy row per
figure), HTML (a standalone document) and PDF (A4, through WeasyPrint).

Every format reads one edition, so the public edition's suppression holds in all of them.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.timezone import localtime

from escalations.models import CaseStatus, Category, Outcome, Sector, SignpostRoute

from .layout import sections
from .protection import rule_in_words
from .suppression import Edition, Shown, band_text
from .tidy import SHARE, json_paths

FORMATS = ("pdf", "csv", "json", "html")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "html": "text/html; charset=utf-8",
}
Progress = Callable[[str], None]


def render(edition: Edition, fmt: str, *, progress: Progress | None = None) -> bytes:
    if fmt == "json":
        return json.dumps(to_json(edition), indent=2, ensure_ascii=False).encode()
    if fmt == "csv":
        return to_csv(edition).encode("utf-8")
    if fmt == "html":
        return to_html(edition, progress=progress).encode("utf-8")
    if fmt == "pdf":
        return to_pdf(edition, progress=progress)
    raise ValueError(f"There is no {fmt!r} format: choose one of {', '.join(FORMATS)}.")


def filename(edition: Edition, fmt: str) -> str:
    period = edition.figures.period
    name = str(period.year) if period.year is not None else f"{period.start}-to-{period.end}"
    return f"annual-report-{name}-{edition.name}.{fmt}"


# JSON ------------------------------------------------------------------------------------------


def to_json(edition: Edition) -> dict[str, Any]:
    figures, value, table = edition.figures, edition.value, edition.as_dict
    period = figures.period
    data: dict[str, Any] = {
        "year": period.year if period.year is not None else period.start.year,
        "edition": edition.name,
        "partnership": figures.partnership,
        "period_start": period.start.isoformat(),
        "period_end": period.end.isoformat(),
        "previous_period_start": figures.previous_period.start.isoformat(),
        "previous_period_end": figures.previous_period.end.isoformat(),
        "provisional": figures.provisional,
        "raised": value("headline/raised/raised"),
        "raised_previous_period": value("headline/raised/previous_period"),
        "urgent": value("headline/urgency/urgent"),
        "standard": value("headline/urgency/standard"),
        "resolved": value("headline/status_at_end/resolved"),
        "withdrawn": value("headline/status_at_end/withdrawn"),
        "open_at_end": value("headline/status_at_end/open_at_end"),
        **{f"resolved_at_stage_{n}": value(f"stages/resolved_at/stage_{n}") for n in (1, 2, 3, 4)},
        "median_working_days_to_resolution": value("durations/to_resolution/median"),
        "p90_working_days_to_resolution": value("durations/to_resolution/p90"),
        "median_working_days_as_far_as_they_went": value("durations/as_far_as_they_went/median"),
        "p90_working_days_as_far_as_they_went": value("durations/as_far_as_they_went/p90"),
        "median_working_days_open_at_end": value("durations/open_at_end/median"),
        "stage_4_meetings_convened": value("meetings/stage_4/convened"),
        "stage_4_meetings_held": value("meetings/stage_4/held"),
        "median_working_days_to_stage_4_meeting": value("meetings/working_days_to_meet/median"),
        "p90_working_days_to_stage_4_meeting": value("meetings/working_days_to_meet/p90"),
        "by_stage_reached": table("stages", "reached"),
        "by_stage_resolved": table("stages", "resolved_at"),
        "share_resolved_by_stage": table("stages", "resolved_at_share"),
        "timeliness_by_stage": {
            f"stage_{n}": table("timeliness", f"stage_{n}") for n in (1, 2, 3, 4)
        },
        "by_open_age": table("open_age", "working_days"),
        "by_category": table("category", "raised"),
        "by_outcome": table("outcome", "closed_by_end"),
        "by_month": table("month", "raised"),
        "foreword": edition.narrative.foreword if edition.narrative else "",
        "key_messages": list(edition.narrative.key_messages) if edition.narrative else [],
        "learning": {
            "resolved_with_learning": value("learning/resolved/with_learning"),
            "themes": list(figures.learning.themes),
        },
    }
    if not edition.is_public:
        data |= _internal_json(edition)
    data["banded"] = _banded(edition)
    data["methodology"] = _methodology_json(edition)
    data["labels"] = _labels(edition)
    return data


def _banded(edition: Edition) -> dict[str, Any]:
    """A hidden count's band ("20 or more") where it is given, at the count's place in the
    JSON: the count itself stays "suppressed"."""
    banded: dict[str, Any] = {}
    for figure in edition.shown:
        if figure.band is None:
            continue
        for *within, key in json_paths(figure.cell):
            place = banded
            for name in within:
                place = place.setdefault(name, {})
            place[key] = band_text(figure.band)
    return banded


def _internal_json(edition: Edition) -> dict[str, Any]:
    agencies, table = edition.figures.agencies, edition.as_dict
    return {
        "by_raising_sector": table("raising_sector", "raised"),
        "by_receiving_sector": table("receiving_sector", "raised"),
        "by_raising_agency": table("raising_agency", "raised"),
        "by_receiving_agency": table("receiving_agency", "raised"),
        "by_level_of_need": table("level_of_need", "raised"),
        "by_case_status": table("case_status", "raised"),
        "by_signposting_route": table("signposting", "route"),
        "longest_working_days_open_at_end": edition.value("durations/open_at_end/longest"),
        "agency_flows": [
            {"raising": f.raising, "receiving": f.receiving, "count": f.count}
            for f in agencies.agency_flows
        ],
        "sector_flows": [
            {"raising": f.raising, "receiving": f.receiving, "count": f.count}
            for f in agencies.sector_flows
        ],
        "agencies_raising_none": [
            {"agency": agency.name, "sector": agency.sector} for agency in agencies.raised_none
        ],
        "receiving_agency_timeliness": {
            row.agency.name: table("receiving_timeliness", row.agency.name)
            for row in agencies.timeliness
        },
    }


def _methodology_json(edition: Edition) -> dict[str, Any]:
    method = edition.figures.methodology
    return {
        "taken_at": localtime(method.taken_at).isoformat(),
        "as_at": localtime(method.as_at).isoformat(),
        "calendar_region": method.region,
        "closure_days": [day.isoformat() for day in method.closure_days],
        "suppression_threshold": method.suppression_threshold,
        "suppressed": edition.is_public,
        "suppression_rule": (
            rule_in_words(method.suppression_threshold) if edition.is_public else None
        ),
        "policy_versions": [
            {
                "version": policy.version,
                "effective_from": localtime(policy.effective_from).isoformat(),
                "escalations": policy.escalations,
                "timescales": policy.timescales,
            }
            for policy in method.policy_versions
        ],
        "definitions": {d.key: {"term": d.term, "text": d.text} for d in method.definitions},
    }


def _labels(edition: Edition) -> dict[str, dict[str, str]]:
    figures = edition.figures
    labels = {
        "category": {k: str(v) for k, v in Category.choices},
        "outcome": {k: str(v) for k, v in Outcome.choices},
        "month": {row.key: row.label for row in figures.by_month.rows},
        "open_age": {row.key: row.label for row in figures.durations.open_age_bands.rows},
    }
    if not edition.is_public:
        labels |= {
            "sector": {k: str(v) for k, v in Sector.choices},
            "case_status": {k: str(v) for k, v in CaseStatus.choices},
            "signposting_route": {k: str(v) for k, v in SignpostRoute.choices},
        }
    return labels


# CSV -------------------------------------------------------------------------------------------


def to_csv(edition: Edition) -> str:
    """One row per figure: section, breakdown, key, value. The first rows say what the
    report is (section "about"). A hidden count's band follows it, under its key and
    "_band"."""
    figures = edition.figures
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    writer.writerow(("section", "breakdown", "key", "value"))
    for key, about in (
        ("partnership", figures.partnership),
        ("edition", edition.name),
        ("period_start", figures.period.start.isoformat()),
        ("period_end", figures.period.end.isoformat()),
        ("taken_at", localtime(figures.methodology.taken_at).isoformat()),
        ("provisional", str(figures.provisional).lower()),
        ("suppression_threshold", str(figures.methodology.suppression_threshold)),
    ):
        writer.writerow(("about", "report", key, about))
    for figure in edition.shown:
        cell = figure.cell
        writer.writerow(
            (cell.section, cell.breakdown, cell.key, _csv_value(figure.value, cell.kind))
        )
        if figure.band is not None:  # beside the suppressed count, as in the JSON
            writer.writerow(
                (cell.section, cell.breakdown, f"{cell.key}_band", band_text(figure.band))
            )
    return out.getvalue()


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(cell: str) -> str:
    """A cell a spreadsheet would run as a formula (=, +, -, @, a tab or a carriage return
    first: an agency's name or a learning theme typed that way) is kept as text."""
    if not cell.startswith(FORMULA_STARTS):
        return cell
    try:
        float(cell)  # a number, such as a fall of -3, stays a number
    except ValueError:
        return "'" + cell
    return cell


class SafeCsvWriter:
    """csv.writer whose every text cell is neutralised (OWASP: CSV injection)."""

    def __init__(self, out: io.StringIO) -> None:
        self._writer = csv.writer(out, lineterminator="\n")

    def writerow(self, row: tuple[str, ...]) -> None:
        self._writer.writerow([neutralised(str(cell)) for cell in row])


def _csv_value(value: Shown, kind: str) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".") if kind == SHARE else f"{value:g}"
    return str(value)


# HTML and PDF ----------------------------------------------------------------------------------


def document_context(edition: Edition, *, progress: Progress | None = None) -> dict[str, Any]:
    if progress:
        progress("Drawing the charts and tables")
    figures = edition.figures
    return {
        "edition": edition,
        "figures": figures,
        "sections": sections(edition),
        "title": f"Resolving professional differences: annual report {figures.period.title}",
    }


def to_html(edition: Edition, *, progress: Progress | None = None, print_: bool = False) -> str:
    """A standalone document (its own styles, charts inline): what the PDF is made from."""
    context = document_context(edition, progress=progress)
    return render_to_string("reports/document.html", {**context, "print": print_})


def to_pdf(edition: Edition, *, progress: Progress | None = None) -> bytes:
    # the template's indentation, collapsed as the layout would: less for WeasyPrint to parse
    html = re.sub(r"\s+", " ", to_html(edition, progress=progress, print_=True))
    if progress:
        progress("Laying out the PDF")
    with _quiet("weasyprint", "fontTools"):
        from weasyprint import HTML  # parses its own stylesheets, noisily, when imported

        document = HTML(string=html, base_url=str(settings.BASE_DIR))
        # PDF/UA-1: tagged (headings, lists, tables, figures with their alternative text),
        # with the document's title and language, for screen readers.
        return bytes(document.write_pdf(pdf_variant="pdf/ua-1"))


def warm_up() -> None:
    """Import matplotlib's figure and SVG backend and WeasyPrint: a few seconds the first
    report page or PDF of a new server process would otherwise wait (``config/wsgi.py``).
    Imports only: drawing would change matplotlib's global settings under a request."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.backends.backend_svg  # noqa: F401
    import matplotlib.figure  # noqa: F401

    with _quiet("weasyprint", "fontTools"):
        import weasyprint  # noqa: F401


@contextmanager
def _quiet(*names: str) -> Iterator[None]:
    """WeasyPrint logs every step of every page at INFO: keep its warnings only."""
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(max(logger.getEffectiveLevel(), logging.WARNING))
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)

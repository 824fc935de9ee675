"""The public progress page (DESIGN.md section 6): no sign-in, and never live figures. It
shows the latest published public quarterly snapshot of the current reporting year, read from
the figures stored when it was published, and the published public reports to download."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from escalations.models import Partnership, PublishedReport
from escalations.reports.publishing import QUARTER, current_reporting_year, with_versions
from escalations.reports.suppression import PUBLIC, SUPPRESSED

# (key in the report's JSON, label, what the number counts)
HEADLINE = (
    ("raised", "Escalations raised", "count"),
    ("resolved", "Resolved by the end of the quarter", "count"),
    ("withdrawn", "Withdrawn", "count"),
    ("open_at_end", "Still open at the end of the quarter", "count"),
    ("resolved_at_stage_1", "Resolved at stage 1, between the practitioners", "count"),
    ("median_working_days_to_resolution", "Median working days from raising to resolution", "days"),
)
NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def in_words(number: int) -> str:
    return NUMBER_WORDS[number] if 0 <= number < len(NUMBER_WORDS) else str(number)


def shown(value: Any, kind: str, threshold: int, band: Any = None) -> str:
    """A stored figure as words for the page: a suppressed count as its band ("20 or more")
    where the edition gives one, otherwise as "fewer than N"."""
    if value == SUPPRESSED:
        if isinstance(band, str):
            return band
        if kind == "days":
            return "Not shown, as it rests on a small number of escalations"
        return (
            f"Fewer than {in_words(threshold)}, or not shown so that a small count cannot be "
            "worked out"
        )
    if value is None:
        return "None resolved yet" if kind == "days" else "Not available"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def the_partnership() -> Partnership | None:
    """Single-tenant for now: the one partnership, or the first by name."""
    return Partnership.objects.order_by("name", "pk").first()


@login_not_required
def progress(request: HttpRequest) -> HttpResponse:
    """The latest published quarterly snapshot of the current year, and the published
    reports. Figures come only from what was published: live figures are never shown, since
    two live days compared could reveal a single case."""
    partnership = the_partnership()
    context: dict[str, Any] = {"partnership": partnership, "snapshot": None, "published": []}
    if partnership is None:
        return render(request, "public/progress.html", context)
    year = current_reporting_year(partnership)
    public = PublishedReport.objects.filter(partnership=partnership, edition=PUBLIC)
    snapshot = (
        public.filter(kind=QUARTER, year=year)
        .order_by("-period_end", "-published_at", "-pk")
        .first()
    )
    if snapshot is not None:
        methodology = snapshot.figures.get("methodology", {})
        threshold = int(methodology.get("suppression_threshold", 0))
        banded = snapshot.figures.get("banded", {})
        context |= {
            "snapshot": snapshot,
            "threshold": threshold,
            "suppression_rule": methodology.get("suppression_rule"),
            "headline": [
                (label, shown(snapshot.figures.get(key), kind, threshold, banded.get(key)))
                for key, label, kind in HEADLINE
            ],
        }
    context["year"] = year
    context["published"] = with_versions(
        public.defer("pdf", "figures").order_by("-period_end", "-kind", "-pk")
    )
    return render(request, "public/progress.html", context)

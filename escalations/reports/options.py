"""What a report request asks for (the web page's query string, the command's arguments):
the period, the edition and the format, checked the same way for both."""

from __future__ import annotations

import datetime as dt

from django import forms

from escalations.models import Partnership

from .period import Period
from .render import FORMATS
from .suppression import EDITIONS, INTERNAL

EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


class ReportError(ValueError):
    """A request for a report that cannot be made; the message says why."""


def period_for(
    partnership: Partnership,
    year: int,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> Period:
    """The partnership's reporting year ``year``, or the dates given (both or neither)."""
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise ReportError(f"Choose a year from {EARLIEST_YEAR} to {LATEST_YEAR}.")
    if (date_from is None) != (date_to is None):
        raise ReportError("Give both the first and the last day of the period, or neither.")
    if date_from is not None and date_to is not None:
        if date_to < date_from:
            raise ReportError("The last day of the period must be on or after the first day.")
        return Period(start=date_from, end=date_to)
    return Period.reporting_year(year, start_month=partnership.reporting_year_start_month)


class ReportOptions(forms.Form):
    """The web page's query string: ``?from=&to=&edition=&format=``."""

    date_from = forms.DateField(required=False, label="First day", input_formats=["%Y-%m-%d"])
    date_to = forms.DateField(required=False, label="Last day", input_formats=["%Y-%m-%d"])
    edition = forms.ChoiceField(
        required=False,
        choices=[(INTERNAL, "Internal (exact figures)"), ("public", "Public (suppressed)")],
    )
    format = forms.ChoiceField(
        required=False, choices=[("html", "Web page"), *((f, f.upper()) for f in FORMATS)]
    )

    def __init__(self, query: dict[str, str]) -> None:
        data = {
            "date_from": query.get("from", ""),
            "date_to": query.get("to", ""),
            "edition": query.get("edition", ""),
            "format": query.get("format", ""),
        }
        super().__init__(data)

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if (cleaned.get("date_from") is None) != (cleaned.get("date_to") is None) and not (
            self.errors
        ):
            raise forms.ValidationError(
                "Give both the first and the last day of the period, or neither."
            )
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            self.add_error("date_to", "The last day must be on or after the first day.")
        cleaned["edition"] = cleaned.get("edition") or INTERNAL
        cleaned["format"] = cleaned.get("format") or "html"
        return cleaned


__all__ = ["EDITIONS", "FORMATS", "ReportError", "ReportOptions", "period_for"]

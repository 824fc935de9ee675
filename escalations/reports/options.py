"""What a report request asks for (the web page's query string, the command's arguments):
the period, the edition and the format, checked the same way for both."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from urllib.parse import urlencode

from django import forms

from escalations.forms.fields import DATE_PARTS, DateInputField, date_error, date_input_data
from escalations.models import Partnership

from .period import Period
from .render import FORMATS
from .suppression import EDITIONS, INTERNAL

EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
EARLIEST_DAY, LATEST_DAY = dt.date(EARLIEST_YEAR, 1, 1), dt.date(LATEST_YEAR, 12, 31)
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


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
    """The web page's query string: the period as two GOV.UK date inputs (``date_from_day``,
    ``date_from_month``, ``date_from_year``, the same for ``date_to``), then ``edition`` and
    ``format``. Links made before the date inputs, ``?from=&to=`` with ISO dates, still work."""

    date_from = DateInputField(label="Date from", earliest=EARLIEST_DAY, latest=LATEST_DAY)
    date_to = DateInputField(label="Date to", earliest=EARLIEST_DAY, latest=LATEST_DAY)
    edition = forms.ChoiceField(
        required=False,
        choices=[(INTERNAL, "Internal (exact figures)"), ("public", "Public (suppressed)")],
    )
    format = forms.ChoiceField(
        required=False, choices=[("html", "Web page"), *((f, f.upper()) for f in FORMATS)]
    )

    def __init__(self, query: Mapping[str, str]) -> None:
        data, self.unreadable = _with_old_dates(query)
        super().__init__(data)

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        for name in self.unreadable:
            self.add_error(
                name, date_error(f"{self._label(name)} must be a real date", code="invalid")
            )
        typed = {name: self._typed(name) for name in ("date_from", "date_to")}
        if typed["date_from"] != typed["date_to"]:
            empty = "date_to" if typed["date_from"] else "date_from"
            message = (
                f"Enter {self._label(empty).lower()}, or leave both dates empty for the "
                "reporting year"
            )
            self.add_error(empty, date_error(message, code="required"))
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            message = "Date to must be the same as or after date from"
            self.add_error("date_to", date_error(message, code="order"))
        cleaned["edition"] = cleaned.get("edition") or INTERNAL
        cleaned["format"] = cleaned.get("format") or "html"
        return cleaned

    def _label(self, name: str) -> str:
        return str(self.fields[name].label)

    def _typed(self, name: str) -> bool:
        """Whether anything was typed into the date input (or given as an old ISO date)."""
        return name in self.unreadable or any(
            str(part or "").strip() for part in self[name].value()
        )

    def query(self, **changes: str) -> str:
        """The chosen period and edition as a query string, with ``changes``: the page's
        download and other-edition links, which must show the same period."""
        params = {"edition": self.cleaned_data["edition"]}
        for name in ("date_from", "date_to"):
            day = self.cleaned_data.get(name)
            if isinstance(day, dt.date):
                params |= date_input_data(name, day)
        return "?" + urlencode({**params, **changes})


def _with_old_dates(query: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """The query with ``from`` and ``to`` (ISO dates, from links made before the date inputs)
    split into day, month and year, unless the date inputs were used; and the names of the
    dates whose old parameter was not an ISO date."""
    data, unreadable = dict(query), []
    for name, old in (("date_from", "from"), ("date_to", "to")):
        iso = query.get(old, "").strip()
        if not iso or any(query.get(f"{name}_{part}") for part in DATE_PARTS):
            continue
        match = _ISO_DATE.match(iso)
        if match is None:
            unreadable.append(name)
            continue
        year, month, day = match[1], str(int(match[2])), str(int(match[3]))
        data |= {f"{name}_day": day, f"{name}_month": month, f"{name}_year": year}
    return data, unreadable


__all__ = ["EDITIONS", "FORMATS", "ReportError", "ReportOptions", "period_for"]

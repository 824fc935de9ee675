"""Fields every Resolve form shares, with GOV.UK error messages."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from escalations.models.escalation import TEXT_LIMIT

LARGEST_ID = 2**63 - 1


def _is_id(value: Any) -> bool:
    text = str(value)
    return text.isascii() and text.isdigit() and 0 < int(text) <= LARGEST_ID


def person_with_role(user: Any) -> str:
    """A person as a list of people shows them: their name and what they do."""
    membership = getattr(user, "membership", None)
    if membership is None:
        return str(user)
    title = membership.job_title or membership.get_role_display()
    return f"{user} ({title})"


class RecordChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A choice of record by id: anything but an id the database could hold is not on the
    list (a 20-digit number would otherwise overflow the query and fail as a server error)."""

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and not _is_id(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class RecordsChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """As ``RecordChoiceField``, for a choice of several."""

    def _check_values(self, value: Any) -> Any:
        for one in value:
            if not _is_id(one):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": one},
                )
        return super()._check_values(value)  # type: ignore[misc]


def text_field(
    label: str,
    what: str,
    *,
    required: bool = True,
    hint: str = "",
    limit: int = TEXT_LIMIT,
    textarea: bool = True,
) -> forms.CharField:
    """Free text within the limit every form allows, with GOV.UK error messages."""
    return forms.CharField(
        label=label,
        help_text=hint,
        required=required,
        max_length=limit,
        widget=forms.Textarea if textarea else forms.TextInput,
        error_messages={
            "required": f"Enter {what}",
            "max_length": f"{what[0].upper()}{what[1:]} must be {limit:,} characters or fewer",
        },
    )


# The GOV.UK date input ------------------------------------------------------------------------

DATE_PARTS = ("day", "month", "year")
_ONE_OR_TWO_DIGITS = re.compile(r"^\d{1,2}$")
_FOUR_DIGITS = re.compile(r"^\d{4}$")
_MONTH_NAMES = {
    name.lower(): number
    for names in (calendar.month_name, calendar.month_abbr)
    for number, name in enumerate(names)
    if name
} | {"sept": 9}


class DateInputWidget(forms.MultiWidget):
    """Day, month and year, read from ``<name>_day``, ``<name>_month`` and ``<name>_year``.
    Templates draw it with ``{% date_input %}``, not with Django's widget rendering."""

    def __init__(self) -> None:
        super().__init__(dict.fromkeys(DATE_PARTS, forms.TextInput))

    def decompress(self, value: Any) -> list[str]:
        if isinstance(value, dt.date):
            return [str(value.day), str(value.month), str(value.year)]
        return ["", "", ""]


class DateInputField(forms.MultiValueField):
    """A date typed into the GOV.UK date input, checked with the Design System's messages
    ("Date from must include a month", "... must be a real date"). Each error's
    ``params["parts"]`` names the inputs to highlight (all three when it has none); the error
    summary links to the first of them. Accepts 1 or 01, and month names (Dec, December).

    ``what`` is the date within a sentence ("the date you acted"; the label, "date from",
    unless given). ``error_messages`` may reword any of ``default_error_messages``, which
    may use ``{what}``, ``{What}`` (capitalised), ``{missing}`` ("month", "day and month"),
    ``{earliest}`` and ``{latest}``."""

    widget = DateInputWidget
    default_error_messages = {
        "required": "Enter {what}",
        "incomplete": "{What} must include a {missing}",
        "invalid": "{What} must be a real date",
        "year": "The year in {what} must include 4 numbers",
        "range": "{What} must be between {earliest} and {latest}",
    }

    def __init__(
        self,
        *,
        label: str,
        what: str = "",
        required: bool = False,
        earliest: dt.date | None = None,
        latest: dt.date | None = None,
        error_messages: Mapping[str, str] | None = None,
    ) -> None:
        self.earliest, self.latest = earliest, latest
        self.what = what or label[:1].lower() + label[1:]
        parts = tuple(forms.CharField(required=False) for _ in DATE_PARTS)
        super().__init__(
            parts,
            require_all_fields=False,
            required=required,
            label=label,
            error_messages=error_messages,
        )

    def clean(self, value: Any) -> dt.date | None:
        typed = dict(
            zip(DATE_PARTS, (str(part or "").strip() for part in value or ()), strict=False)
        )
        missing = [part for part in DATE_PARTS if not typed.get(part)]
        if len(missing) == len(DATE_PARTS):
            if self.required:
                raise self._error("required")
            return None
        if missing:
            raise self._error("incomplete", parts=missing, missing=" and ".join(missing))
        day = _number(typed["day"], most=31)
        month = _MONTH_NAMES.get(typed["month"].lower()) or _number(typed["month"], most=12)
        if day is None or month is None:
            wrong = [part for part, number in (("day", day), ("month", month)) if number is None]
            raise self._error("invalid", parts=wrong if len(wrong) == 1 else DATE_PARTS)
        if not _FOUR_DIGITS.match(typed["year"]):
            raise self._error("year", parts=["year"])
        try:
            date = dt.date(int(typed["year"]), month, day)
        except ValueError:
            raise self._error("invalid") from None
        self._check_range(date)
        return date

    def _error(
        self, code: str, *, parts: Sequence[str] = DATE_PARTS, **words: str
    ) -> ValidationError:
        what = self.what
        message = self.error_messages[code].format(
            what=what, What=what[:1].upper() + what[1:], **words
        )
        return date_error(message, code=code, parts=parts)

    def _check_range(self, date: dt.date) -> None:
        earliest, latest = self.earliest or dt.date.min, self.latest or dt.date.max
        if not earliest <= date <= latest:
            raise self._error(
                "range", earliest=f"{earliest:%-d %B %Y}", latest=f"{latest:%-d %B %Y}"
            )


def date_input_data(name: str, date: dt.date) -> dict[str, str]:
    """The data a ``DateInputField`` called ``name`` reads, for ``date``."""
    return {f"{name}_{part}": str(getattr(date, part)) for part in DATE_PARTS}


def _number(text: str, *, most: int) -> int | None:
    if not _ONE_OR_TWO_DIGITS.match(text) or not 1 <= int(text) <= most:
        return None
    return int(text)


def date_error(message: str, *, code: str, parts: Sequence[str] = DATE_PARTS) -> ValidationError:
    """An error about a date input that highlights ``parts`` (the whole date by default)."""
    return ValidationError(message, code=code, params={"parts": tuple(parts)})


def date_parts_in_error(error: ValidationError) -> tuple[str, ...]:
    """The inputs of a date input that ``error`` is about: all three unless it says."""
    parts = (getattr(error, "params", None) or {}).get("parts")
    return tuple(parts) if parts else DATE_PARTS

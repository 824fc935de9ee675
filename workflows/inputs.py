"""The domain's rules about what is typed, for every door (page, API, command, demo): what is
required, how long it may be, and what a case number is. Forms use the same checks to word
their errors; the services refuse (``Invalid``, naming the field) rather than cut or guess.
"""

from __future__ import annotations

import datetime as dt

from escalations.models import Child, Escalation, Outcome, StageRecord
from escalations.models.escalation import TEXT_LIMIT

from .refusals import Invalid
from .states import LAST_STAGE

CASE_NUMBER_LIMIT: int = Child._meta.get_field("raising_case_number").max_length  # type: ignore[assignment]
AGE_BAND_LIMIT: int = Child._meta.get_field("age_band").max_length  # type: ignore[assignment]
LEVEL_OF_NEED_LIMIT: int = Escalation._meta.get_field("level_of_need").max_length  # type: ignore[assignment]
CASE_FILE_REFERENCE_LIMIT: int = StageRecord._meta.get_field(  # type: ignore[assignment]
    "raising_record_reference"
).max_length
# an extension is agreed for weeks, not open-ended: a new due date within a year of today
EXTENSION_LIMIT = dt.timedelta(days=366)


def limited(value: str | None, what: str, *, field: str, limit: int = TEXT_LIMIT) -> str:
    """Optional text, trimmed, refused (not cut) when over the limit."""
    value = (value or "").strip()
    if len(value) > limit:
        raise Invalid(
            f"{what[0].upper()}{what[1:]} must be {limit:,} characters or fewer.", field=field
        )
    return value


def required(value: str | None, what: str, *, field: str, limit: int = TEXT_LIMIT) -> str:
    """Text a transition cannot do without, within its limit."""
    value = limited(value, what, field=field, limit=limit)
    if not value:
        raise Invalid(f"Enter {what}.", field=field)
    return value


def settling_outcomes(stage: int) -> list[str]:
    """The outcomes a resolution may record at ``stage``: a withdrawal is its own action, and
    dissent (not agreed, decision stands) is recorded only at stage 4, by the partnership."""
    return [
        outcome
        for outcome in Outcome.values
        if outcome != Outcome.WITHDRAWN and (outcome != Outcome.NOT_AGREED or stage >= LAST_STAGE)
    ]


def is_case_number(value: str) -> bool:
    """A case number has numbers in it; a child's name does not. Resolve never holds a
    child's name (the privacy notice), so anything without a digit is refused."""
    return any(character.isdigit() for character in value)


def case_number(value: str | None, what: str, *, field: str, required_: bool) -> str:
    value = limited(value, what, field=field, limit=CASE_NUMBER_LIMIT)
    if not value:
        if required_:
            raise Invalid(f"Enter {what} (never a name).", field=field)
        return value
    if not is_case_number(value):
        raise Invalid(f"Enter {what}, not a name: a case number has numbers in it.", field=field)
    return value


def within_extension_limit(new_due_date: dt.date, today: dt.date) -> bool:
    return new_due_date <= today + EXTENSION_LIMIT


def extension_date(new_due_date: dt.date, today: dt.date) -> dt.date:
    if not within_extension_limit(new_due_date, today):
        raise Invalid(
            "The new due date must be within a year: an extension gives a stage more time, "
            "it does not park the disagreement.",
            field="new_due_date",
        )
    return new_due_date

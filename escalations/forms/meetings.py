"""Forms of the stage 4 meeting's pages (issue 14, item 5): convene it, give an agency's
position, record who attended. ``workflows.meetings`` checks them again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet

from escalations.models import User
from escalations.models.meetings import POSITION_LIMIT

from .actions import ActionForm
from .fields import DateInputField, RecordsChoiceField, person_with_role, text_field
from .identifying import WarnsOfIdentifyingDetails


class _People(RecordsChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return person_with_role(obj)


def _people(label: str, error: str, hint: str = "") -> _People:
    return _People(
        queryset=User.objects.none(),
        label=label,
        help_text=hint,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": error, "invalid_choice": error, "invalid_pk_value": error},
    )


class ConveneMeetingForm(ActionForm):
    meets_on = DateInputField(
        label="Day of the meeting", what="the day of the meeting", required=True
    )
    meets_at = forms.TimeField(
        label="Time",
        help_text="A 24-hour time, for example 10:00.",
        input_formats=["%H:%M", "%H.%M"],
        error_messages={
            "required": "Enter the time of the meeting",
            "invalid": "Enter the time of the meeting as a 24-hour time, like 10:00",
        },
    )
    invited = _people(
        "Who is invited?",
        "Choose who is invited",
        "The delegated safeguarding partners and anyone else the meeting needs.",
    )
    positions_due_on = DateInputField(
        label="Written positions due by",
        what="the day the written positions are due",
        required=True,
    )

    def __init__(self, *args: Any, people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["invited"].queryset = people  # type: ignore[attr-defined]

    def meeting_moment(self, zone: dt.tzinfo) -> dt.datetime:
        data = self.cleaned_data
        return dt.datetime.combine(data["meets_on"], data["meets_at"], tzinfo=zone)


class PositionForm(WarnsOfIdentifyingDetails, ActionForm):
    checked_fields = ("position",)

    position = text_field(
        "Your agency's position",
        "your agency's position",
        hint="What your agency's decision is now and why, and what it asks of the meeting. "
        "The other agency and the partners will read it. Case numbers, never names.",
        limit=POSITION_LIMIT,
    )


class RecordMeetingForm(ActionForm):
    held_on = DateInputField(label="The day it was held", what="the day it was held", required=True)
    attended = _people("Who attended?", "Tick who attended")

    def __init__(self, *args: Any, invited: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attended"].queryset = invited  # type: ignore[attr-defined]

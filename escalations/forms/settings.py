"""Forms of the partnership's settings pages (issue 14, item 4). Each field says what it does
and its bounds; the services (``escalations.partnership_settings``) check them again."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django import forms

from escalations.models import Agency, Partnership, Policy, Region, Sector
from escalations.models.partnership import MAX_URGENT_HOURS, MAX_WORKING_DAYS
from escalations.partnership_settings import THEME_LIMIT, THEMES_LIMIT, THRESHOLD_LIMITS

from .fields import DateInputField, date_input_data

DAYS = f"working days, from 1 to {MAX_WORKING_DAYS}"
HOURS = f"clock hours, from 1 to {MAX_URGENT_HOURS}"


def _whole_number(label: str, help_text: str, *, low: int, high: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        min_value=low,
        max_value=high,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"The {label.lower()} must be a whole number",
            "min_value": f"The {label.lower()} must be {low} or more",
            "max_value": f"The {label.lower()} must be {high} or fewer",
        },
    )


def _days(label: str, what: str) -> forms.IntegerField:
    return _whole_number(label, f"{what} In {DAYS}.".strip(), low=1, high=MAX_WORKING_DAYS)


def _hours(label: str, what: str) -> forms.IntegerField:
    return _whole_number(label, f"{what} In {HOURS}.".strip(), low=1, high=MAX_URGENT_HOURS)


def _time(label: str, help_text: str) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        help_text=help_text,
        input_formats=["%H:%M", "%H.%M", "%H%M", "%H:%M:%S"],
        widget=forms.TimeInput(format="%H:%M", attrs={"spellcheck": "false"}),
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"Enter the {label.lower()} as a 24-hour time, like 17:00",
        },
    )


class PolicyVersionForm(forms.Form):
    starts_on = DateInputField(
        label="In force from",
        what="the day the version comes into force",
        required=True,
    )
    acknowledge_days = _days(
        "Days to acknowledge", "How long the receiving agency has to acknowledge."
    )
    stage_1_days = _days("Days for stage 1", "Practitioner to practitioner.")
    stage_2_days = _days("Days for stage 2", "Team managers or supervisors.")
    stage_3_days = _days("Days for stage 3", "Senior managers.")
    stage_4_days = _days(
        "Days for stage 4", "The safeguarding partners, convened by the partnership."
    )
    urgent_acknowledge_hours = _hours(
        "Hours to acknowledge an urgent one", "When a child may be at immediate risk."
    )
    urgent_stage_1_hours = _hours("Hours for an urgent stage 1", "")
    urgent_stage_2_hours = _hours("Hours for an urgent stage 2", "")
    urgent_stage_3_hours = _hours("Hours for an urgent stage 3", "")
    urgent_stage_4_hours = _hours("Hours for an urgent stage 4", "")
    cutoff = _time(
        "Cut-off",
        "A stage is due at this time on its last working day. Raised after it, the count "
        "starts the next working day. For example, 17:00.",
    )
    reminder_time = _time(
        "Reminder time",
        "The holders are reminded at this time on the day a stage is due (urgent ones two "
        "hours before). For example, 09:00.",
    )
    escalate_on_breach = forms.TypedChoiceField(
        label="When a stage passes its due moment",
        choices=[
            (
                "no",
                "Alert the holders, their managers and the partnership team; the raising "
                "side decides whether to escalate",
            ),
            ("yes", "Escalate to the next stage automatically"),
        ],  # fmt: skip
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what happens when a stage passes its due moment"},
    )
    partnership_from_stage = forms.TypedChoiceField(
        label="Copy the partnership team in from",
        help_text="The partnership team is told of every escalation that reaches this stage.",
        choices=[(str(n), f"Stage {n}") for n in range(1, 5)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the stage the partnership team is copied in from"},
    )

    def __init__(self, *args: Any, current: Policy | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if current is not None and not self.is_bound:
            for name in self.fields:
                if name == "starts_on":
                    continue
                value = getattr(current, name)
                if name == "escalate_on_breach":
                    value = "yes" if value else "no"
                elif isinstance(value, dt.time):
                    value = f"{value:%H:%M}"
                self.initial[name] = value

    @staticmethod
    def starts_on_data(day: dt.date) -> dict[str, str]:
        return date_input_data("starts_on", day)


class ClosureDayForm(forms.Form):
    date = DateInputField(label="Date", what="the date the agencies are closed", required=True)
    reason = forms.CharField(
        label="Why they are closed",
        help_text="For example, Christmas closure.",
        max_length=200,
        error_messages={"required": "Say why the agencies are closed"},
    )


MONTHS = [(str(n), calendar.month_name[n]) for n in range(1, 13)]


class PartnershipForm(forms.Form):
    region = forms.ChoiceField(
        label="Calendar region",
        help_text="Whose bank holidays are not working days. Stages under way keep their due "
        "moments.",
        choices=Region.choices,
        widget=forms.RadioSelect,
    )
    reporting_year_start_month = forms.TypedChoiceField(
        label="The reporting year starts in",
        help_text="Reports already published keep their periods.",
        choices=MONTHS,
        coerce=int,
    )
    suppression_threshold = _whole_number(
        "Suppression threshold",
        "In the public figures, no count from 1 to one below this is shown, nor any that can "
        f"be worked out from the rest. From {THRESHOLD_LIMITS[0]} to {THRESHOLD_LIMITS[1]}.",
        low=THRESHOLD_LIMITS[0],
        high=THRESHOLD_LIMITS[1],
    )
    learning_themes = forms.CharField(
        label="Learning themes approved for publication",
        help_text=f"One a line, at most {THEMES_LIMIT}, each {THEME_LIMIT} characters or fewer. "
        "Offered when a report is published, in the public edition too: no names, agencies "
        "or details of any case.",
        required=False,
        max_length=THEMES_LIMIT * (THEME_LIMIT + 2),
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial = {
                "region": partnership.region,
                "reporting_year_start_month": str(partnership.reporting_year_start_month),
                "suppression_threshold": partnership.suppression_threshold,
                "learning_themes": "\n".join(partnership.learning_themes or []),
            }

    def themes(self) -> list[str]:
        return str(self.cleaned_data["learning_themes"]).splitlines()


class AgencyForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=200,
        error_messages={"required": "Enter the agency's name"},
    )
    sector = forms.ChoiceField(
        label="Sector",
        help_text="The report counts escalations by sector.",
        choices=[("", "Choose a sector"), *Sector.choices],
        error_messages={"required": "Choose the agency's sector"},
    )
    active_from = DateInputField(
        label="Active from", what="the first day the agency takes part", required=True
    )
    active_to = DateInputField(
        label="Active until (optional)",
        what="the last day the agency takes part",
    )

    def __init__(self, *args: Any, agency: Agency | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if agency is not None and not self.is_bound:
            self.initial = {
                "name": agency.name,
                "sector": agency.sector,
                "active_from": agency.active_from,
                "active_to": agency.active_to,
            }

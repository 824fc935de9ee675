"""The raise journey's questions, one form a page (DESIGN.md sections 3 and 4).

Each form checks the shape of what was typed (required, within length, a choice from the
list, a real date in the past); who may raise, and the rules of raising, are the transition
code's to decide. Each form's ``answers()`` are plain strings that bind the same form again,
so the journey keeps them in the session and checks them all once more before raising.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from functools import cached_property
from typing import Any, cast

from django import forms
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from escalations.models import (
    Agency,
    CaseStatus,
    Category,
    FamilyInformed,
    Membership,
    Partnership,
    Policy,
    SignpostRoute,
    Subject,
)
from escalations.models.escalation import TEXT_LIMIT
from workflows.inputs import CASE_NUMBER_LIMIT, is_case_number

from .fields import DateInputField, RecordChoiceField, date_error, date_input_data, text_field
from .identifying import WarnsOfIdentifyingDetails

__all__ = [
    "CASE_NUMBER_LIMIT",
    "DEFAULT_AGE_BANDS",
    "MAX_CHILDREN",
    "ActedForm",
    "AgencyForm",
    "ChildrenForm",
    "DisagreementForm",
    "FamilyAndUrgencyForm",
    "HintedRadioSelect",
    "ImmediateRiskForm",
    "RaiseContext",
    "RaiseForm",
    "RouteForm",
    "SubjectForm",
]

MAX_CHILDREN = 3
ORDINALS = ("first", "second", "third")
# used when the partnership has not set its own (the Department for Education's bands)
DEFAULT_AGE_BANDS = ("Unborn", "Under 1", "1 to 4", "5 to 10", "11 to 15", "16 to 17")
YES_NO = (("yes", "Yes"), ("no", "No"))
STANDARD = "standard"


class RaiseContext:
    """Who is raising and what they have answered so far: the later questions depend on it
    (a system issue asks nothing about a child; a child at immediate risk makes it urgent)."""

    def __init__(
        self, *, membership: Membership, subject: str = "", immediate_risk: bool = False
    ) -> None:
        assert membership.agency is not None
        self.membership = membership
        self.partnership: Partnership = membership.partnership
        self.agency: Agency = membership.agency
        self.subject = subject
        self.immediate_risk = immediate_risk

    @property
    def about_children(self) -> bool:
        return self.subject != Subject.THEMATIC

    @cached_property
    def policy(self) -> Policy:
        return self.partnership.current_policy()


class HintedRadioSelect(forms.RadioSelect):
    """Radios whose options can each carry a hint, and an "or" divider before one of them
    (GOV.UK radios). The templates read ``option.data.hint`` and ``option.data.divider``."""

    def __init__(
        self,
        *args: Any,
        hints: Mapping[str, str] | None = None,
        divider_before: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.hints = dict(hints or {})
        self.divider_before = divider_before

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        value = str(option["value"])
        option["hint"] = self.hints.get(value, "")
        option["divider"] = bool(self.divider_before) and value == self.divider_before
        return option


def _radios(
    label: str,
    choices: Any,
    error: str,
    *,
    hint: str = "",
    hints: Mapping[str, str] | None = None,
    divider_before: str = "",
) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        help_text=hint,
        choices=choices,
        widget=HintedRadioSelect(hints=hints, divider_before=divider_before),
        error_messages={"required": error, "invalid_choice": error},
    )


class RaiseForm(forms.Form):
    """A page of the raise journey."""

    def __init__(self, *args: Any, context: RaiseContext, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.context = context

    def answers(self) -> dict[str, str]:
        """What the session keeps: strings that bind this form again."""
        kept: dict[str, str] = {}
        for name, value in self.cleaned_data.items():
            if name not in self.fields:
                continue
            if isinstance(value, Model):
                value = value.pk
            if isinstance(value, dt.date) and isinstance(self.fields[name], DateInputField):
                kept |= date_input_data(name, value)  # read back from its three inputs
                continue
            kept[name] = "" if value is None else str(value)
        return kept

    def full_clean(self) -> None:
        """Browsers send a new line in a text area as two characters; the character count
        (and people) count one, so the length is checked on one."""
        if self.is_bound:
            data = cast(Any, self.data).copy()
            for name, field in self.fields.items():
                key = self.add_prefix(name)
                value = data.get(key)
                if isinstance(field.widget, forms.Textarea) and isinstance(value, str):
                    data[key] = value.replace("\r\n", "\n")
            self.data = data
        super().full_clean()
        errors = self.errors
        if errors:
            # in the order of the page, however the checks found them
            order = {name: index for index, name in enumerate(self.fields)}
            found = sorted(errors.items(), key=lambda item: order.get(item[0], -1))
            errors.clear()
            errors.update(found)


# 1. immediate risk ------------------------------------------------------------------------


class ImmediateRiskForm(RaiseForm):
    immediate_risk = _radios(
        "Is a child at immediate risk of significant harm?",
        YES_NO,
        "Select yes if a child is at immediate risk of significant harm",
        hint="For example, a child who has been hurt, is not safe where they are tonight, "
        "or is about to be harmed.",
    )

    @property
    def at_risk(self) -> bool:
        return self.cleaned_data.get("immediate_risk") == "yes"


NOT_A_TIME = "Enter the time you acted, like 9:30am or 14:00"
_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*([ap]\.?m\.?)?$")


def parse_time(text: str) -> dt.time | None:
    """A time as people write it: 14:30, 2:30pm, 2pm, 9.05am, midday, midnight."""
    text = text.strip().lower().replace(" ", "")
    if text in ("midday", "noon", "12noon"):
        return dt.time(12, 0)
    if text == "midnight":
        return dt.time(0, 0)
    match = _TIME.match(text)
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    meridiem = (match.group(3) or "").replace(".", "")
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    elif match.group(2) is None:
        return None  # "14" alone could be a date or an hour
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


class ActedForm(RaiseForm):
    """The practitioner acted under child protection procedures, and when (GOV.UK date
    input, and a time)."""

    acted = DateInputField(
        label="Date you acted",
        what="the date you acted",
        required=True,
        error_messages={"year": "The year must include 4 numbers"},
    )
    acted_time = forms.CharField(
        label="Time you acted",
        help_text="For example, 9:30am, 2pm or 14:00",
        required=False,
        max_length=10,
        error_messages={"max_length": NOT_A_TIME},
    )
    # checked in clean(), so that its error comes last in the summary, as on the page
    confirmed = forms.BooleanField(
        label="I have acted under child protection procedures", required=False
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        day = cleaned.get("acted")
        if day is not None and day > timezone.localdate():
            message = "The date you acted must be today or in the past"
            self.add_error("acted", date_error(message, code="past"))
            day = None
        moment = self._acted_time(cleaned)
        if day is not None and moment is not None:
            acted_at = dt.datetime.combine(day, moment, tzinfo=timezone.get_default_timezone())
            if acted_at > timezone.now():
                self.add_error("acted_time", "The time you acted must be in the past")
            else:
                cleaned["acted_at"] = acted_at
        if not cleaned.get("confirmed"):
            self.add_error(
                "confirmed", "Confirm that you have acted under child protection procedures"
            )
        return cleaned

    def _acted_time(self, cleaned: dict[str, Any]) -> dt.time | None:
        text = cleaned.get("acted_time", "")
        if "acted_time" in self.errors:
            return None
        if not text:
            self.add_error("acted_time", "Enter the time you acted")
            return None
        moment = parse_time(text)
        if moment is None:
            self.add_error("acted_time", NOT_A_TIME)
            return None
        cleaned["acted_time"] = f"{moment:%H:%M}"
        return moment

    @property
    def acted_at(self) -> dt.datetime:
        return self.cleaned_data["acted_at"]  # type: ignore[no-any-return]

    def answers(self) -> dict[str, str]:
        kept = super().answers()
        kept["confirmed"] = "on"
        return kept


# 2. other processes -----------------------------------------------------------------------

NONE_OF_THESE = "none"
ROUTES = (
    (SignpostRoute.COMPLAINT.value, "A parent's or carer's disagreement with an agency"),
    (SignpostRoute.CONFERENCE.value, "A decision of a child protection conference"),
    (SignpostRoute.IRO.value, "A looked-after child's care plan"),
    (SignpostRoute.LADO.value, "The conduct of someone who works with children"),
    (SignpostRoute.SINGLE_AGENCY.value, "A disagreement inside your own agency"),
    (NONE_OF_THESE, "None of these"),
)


class RouteForm(RaiseForm):
    route = _radios(
        "Is this about any of these?",
        ROUTES,
        "Select what this is about, or select none of these",
        hint="Each of these has its own process, which will deal with it better than an "
        "escalation between agencies.",
        hints={
            SignpostRoute.COMPLAINT.value: "A parent or carer disagrees with what an agency "
            "did or decided.",
            SignpostRoute.CONFERENCE.value: "You disagree with the decision or the plan of an "
            "initial or review child protection conference.",
            SignpostRoute.IRO.value: "You disagree with the care plan of a child in care.",
            SignpostRoute.LADO.value: "Someone who works with children may have harmed a "
            "child or may pose a risk to children.",
            SignpostRoute.SINGLE_AGENCY.value: "You disagree with a colleague or manager in "
            "your own agency.",
            NONE_OF_THESE: "A disagreement with another agency about a decision, plan or "
            "action for a child or for children.",
        },
        divider_before=NONE_OF_THESE,
    )

    @property
    def signposted(self) -> str:
        """The other process this belongs to, or "" to carry on raising."""
        route = self.cleaned_data.get("route", "")
        return "" if route == NONE_OF_THESE else str(route)


# 3. the children --------------------------------------------------------------------------


class SubjectForm(RaiseForm):
    subject = _radios(
        "Is the escalation about particular children?",
        Subject.choices,
        "Select whether the escalation is about particular children or a system issue",
        hints={
            Subject.CHILDREN.value: "You will give each child's case number, never a name.",
            Subject.THEMATIC.value: "For example, how an agency handles a kind of referral, "
            "seen across several cases.",
        },
    )


def _case_number(label: str, what: str, *, hint: str, required: bool) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=required,
        max_length=CASE_NUMBER_LIMIT,
        error_messages={
            "required": f"Enter {what}",
            "max_length": f"{what[0].upper()}{what[1:]} must be "
            f"{CASE_NUMBER_LIMIT} characters or fewer",
        },
    )


class ChildrenForm(RaiseForm):
    """Up to three children, each by case number and age band: never a name."""

    def __init__(self, *args: Any, context: RaiseContext, **kwargs: Any) -> None:
        super().__init__(*args, context=context, **kwargs)
        bands = [str(band) for band in context.partnership.age_bands or DEFAULT_AGE_BANDS]
        for number, ordinal in enumerate(ORDINALS, start=1):
            self.fields[f"child_{number}_raising"] = _case_number(
                "Case number",
                f"your agency's case number for the {ordinal} child",
                hint="Your agency's case number, never a name",
                required=number == 1,
            )
            self.fields[f"child_{number}_receiving"] = _case_number(
                "The other agency's case number (optional)",
                f"the other agency's case number for the {ordinal} child",
                hint="If you know it",
                required=False,
            )
            self.fields[f"child_{number}_age_band"] = forms.ChoiceField(
                label="Age band (optional)",
                required=False,
                choices=[("", "Not known"), *((band, band) for band in bands)],
                error_messages={"invalid_choice": "Select an age band from the list"},
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        seen: set[str] = set()
        for number, ordinal in enumerate(ORDINALS, start=1):
            name = f"child_{number}_raising"
            raising = cleaned.get(name, "")
            others = cleaned.get(f"child_{number}_receiving") or cleaned.get(
                f"child_{number}_age_band"
            )
            if name in self.errors:
                continue
            if not raising:
                if others:
                    self.add_error(
                        name,
                        f"Enter your agency's case number for the {ordinal} child, or leave "
                        f"the {ordinal} child blank",
                    )
                continue
            if not is_case_number(raising):
                self.add_error(
                    name,
                    f"Enter your agency's case number for the {ordinal} child, not a name: "
                    "a case number has numbers in it",
                )
            elif raising.casefold() in seen:
                self.add_error(
                    name, f"The {ordinal} child has the same case number as another child"
                )
            seen.add(raising.casefold())
        return cleaned

    def fieldsets(self) -> list[dict[str, Any]]:
        return [
            {
                "legend": f"{ordinal.capitalize()} child" + (" (optional)" if number > 1 else ""),
                "raising": self[f"child_{number}_raising"],
                "receiving": self[f"child_{number}_receiving"],
                "age_band": self[f"child_{number}_age_band"],
            }
            for number, ordinal in enumerate(ORDINALS, start=1)
        ]

    def children(self) -> list[dict[str, str]]:
        """Each child given, in order: their case numbers and age band."""
        found = []
        for number in range(1, MAX_CHILDREN + 1):
            raising = self.cleaned_data.get(f"child_{number}_raising", "")
            if raising:
                found.append(
                    {
                        "raising_case_number": raising,
                        "receiving_case_number": self.cleaned_data.get(
                            f"child_{number}_receiving", ""
                        ),
                        "age_band": self.cleaned_data.get(f"child_{number}_age_band", ""),
                    }
                )
        return found


# 4. the receiving agency and the category --------------------------------------------------


def receiving_agencies(context: RaiseContext) -> QuerySet[Agency]:
    """The partnership's agencies active today, other than the raiser's own."""
    today = timezone.localdate()
    return (
        Agency.objects.filter(partnership=context.partnership, active_from__lte=today)
        .filter(Q(active_to__isnull=True) | Q(active_to__gte=today))
        .exclude(pk=context.agency.pk)
        .order_by("name")
    )


class AgencyForm(RaiseForm):
    receiving_agency = RecordChoiceField(
        queryset=Agency.objects.none(),
        label="Which agency made the decision you disagree with?",
        help_text="The escalation goes to this agency.",
        empty_label="Choose an agency",
        error_messages={
            "required": "Choose the agency that made the decision you disagree with",
            "invalid_choice": "Choose an agency of your partnership from the list",
        },
    )
    category = _radios(
        "What is the disagreement about?",
        Category.choices,
        "Select what the disagreement is about",
    )

    def __init__(self, *args: Any, context: RaiseContext, **kwargs: Any) -> None:
        super().__init__(*args, context=context, **kwargs)
        field = self.fields["receiving_agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = receiving_agencies(context)
        if not context.about_children:
            return
        levels = context.partnership.levels_of_need()
        self.fields["level_of_need"] = forms.ChoiceField(
            label="Level of need (optional)",
            help_text="As your partnership's threshold document describes it",
            required=False,
            choices=[("", "Not known"), *((level, level) for level in levels)],
            error_messages={"invalid_choice": "Select a level of need from the list"},
        )
        self.fields["case_status"] = _radios(
            "What is the child's case status now?",
            CaseStatus.choices,
            "Select the child's case status",
            hint="If there are several children, the status of the one most at risk",
        )


# 5. the disagreement ----------------------------------------------------------------------


class DisagreementForm(WarnsOfIdentifyingDetails, RaiseForm):
    checked_fields = ("decision_disputed", "reasons", "impact_on_child", "outcome_sought")

    decision_disputed = text_field(
        "What decision do you disagree with?",
        "the decision you disagree with",
        hint="Say what was decided, by which team and when. Use roles and case numbers, not names.",
    )
    reasons = text_field(
        "Why do you disagree?",
        "why you disagree",
        hint="The facts and the risks as you see them, and what you have already done to "
        "resolve it.",
    )
    impact_on_child = text_field(
        "What does this mean for the child?",
        "what this means for the child",
        hint="What happens to the child if the decision stands.",
    )
    outcome_sought = text_field(
        "What outcome are you asking for?",
        "the outcome you are asking for",
        hint="For example, a strategy discussion, an assessment, or the case kept open.",
    )

    def __init__(self, *args: Any, context: RaiseContext, **kwargs: Any) -> None:
        super().__init__(*args, context=context, **kwargs)
        if not context.about_children:
            field = self.fields["impact_on_child"]
            field.label = "What does this mean for children?"
            field.help_text = "What happens to children if nothing changes."
            field.error_messages["required"] = "Enter what this means for children"
            field.error_messages["max_length"] = (
                f"What this means for children must be {TEXT_LIMIT:,} characters or fewer"
            )


# 6. the family and urgency ----------------------------------------------------------------

STAGE_WHO = {
    1: "Practitioner to practitioner, once you have talked to your supervisor or "
    "designated safeguarding lead.",
    2: "Line managers or their equivalents: team manager, detective sergeant, named professional.",
    3: "Senior managers: heads of service, named or designated professionals.",
}


def _urgency_choices(context: RaiseContext) -> tuple[list[tuple[str, str]], dict[str, str]]:
    policy = context.policy
    choices: list[tuple[str, str]] = []
    hints: dict[str, str] = {}
    if not context.immediate_risk:
        days = policy.stage_days(1)
        choices.append((STANDARD, "Not urgent"))
        hints[STANDARD] = (
            f"Starts at stage 1. {STAGE_WHO[1]} Timed in working days: stage 1 is due in "
            f"{days} working day{'s' if days != 1 else ''}."
        )
    for stage in (1, 2, 3):
        hours = policy.urgent_stage_hours(stage)
        choices.append((str(stage), f"Urgent, starting at stage {stage}"))
        hints[str(stage)] = f"{STAGE_WHO[stage]} Due in {hours} hour{'s' if hours != 1 else ''}."
    return choices, hints


class FamilyAndUrgencyForm(WarnsOfIdentifyingDetails, RaiseForm):
    checked_fields = ("family_not_informed_reason",)

    family_informed = _radios(
        "Has the family been told about this disagreement?",
        (
            (FamilyInformed.YES.value, "Yes"),
            (FamilyInformed.NO.value, "No"),
            (FamilyInformed.NOT_SAFE.value, "No, it is not safe to tell them"),
        ),
        "Select whether the family has been told",
        hint="Tell the family unless that would put the child at risk or harm an enquiry.",
    )
    family_not_informed_reason = text_field(
        "If not, why not?",
        "why the family has not been told",
        required=False,
        hint="Needed if you answered no.",
    )
    urgency = _radios("How urgent is it?", (), "Select how urgent it is")

    def __init__(self, *args: Any, context: RaiseContext, **kwargs: Any) -> None:
        super().__init__(*args, context=context, **kwargs)
        if not context.about_children:
            del self.fields["family_informed"]
            del self.fields["family_not_informed_reason"]
            del self.fields["keep_because"]
        choices, hints = _urgency_choices(context)
        field = self.fields["urgency"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices
        field.widget = HintedRadioSelect(choices=choices, hints=hints)
        if context.immediate_risk:
            field.label = "Which stage should it start at?"
            field.help_text = (
                "A child at immediate risk makes the escalation urgent: each stage is timed "
                "in clock hours, any day of the week."
            )
            field.error_messages["required"] = "Select the stage the escalation starts at"
            field.error_messages["invalid_choice"] = (
                "A child at immediate risk makes the escalation urgent: select the stage it "
                "starts at"
            )
        else:
            field.help_text = (
                "Urgent stages are timed in clock hours, any day of the week, including "
                "weekends and bank holidays. An urgent escalation can start at a later stage."
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        informed = cleaned.get("family_informed")
        if informed in (FamilyInformed.NO, FamilyInformed.NOT_SAFE):
            if not cleaned.get("family_not_informed_reason") and (
                "family_not_informed_reason" not in self.errors
            ):
                self.add_error(
                    "family_not_informed_reason", "Enter why the family has not been told"
                )
        elif informed == FamilyInformed.YES:
            cleaned["family_not_informed_reason"] = ""
        return cleaned

    @property
    def urgent(self) -> bool:
        return self.cleaned_data["urgency"] != STANDARD

    @property
    def start_stage(self) -> int:
        value = self.cleaned_data["urgency"]
        return 1 if value == STANDARD else int(value)

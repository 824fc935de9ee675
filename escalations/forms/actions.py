"""The forms of the actions on an escalation's page. They check the shape of what was
typed (required, not over-long, a real date, a choice from the list), wording the domain's own
rules (``workflows.inputs``) as GOV.UK errors; who may act, and whether the escalation is still
where the form found it, is the rulebook's to decide (``workflows.rules``).

Every action form but the note and the case-file confirmation carries the stage it was shown
for (``expected_stage``): the transition refuses a form for a stage that has since moved on.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from escalations.models import Decision, Outcome, User
from workflows.inputs import (
    CASE_FILE_REFERENCE_LIMIT,
    settling_outcomes,
    within_extension_limit,
)

from .fields import DateInputField, RecordChoiceField, date_error, person_with_role, text_field
from .identifying import WarnsOfIdentifyingDetails

__all__ = [
    "AcceptExtensionForm",
    "AcknowledgeForm",
    "ActionForm",
    "CaseFileForm",
    "EscalateForm",
    "ExtendForm",
    "HandOverForm",
    "NoteForm",
    "RespondForm",
    "ResolveForm",
    "WithdrawForm",
]

STALE_FORM = (
    "This form has expired. Go back to the escalation, read the latest position and try again."
)


def person_choice(label: str, error: str, **kwargs: Any) -> forms.ModelChoiceField[User]:
    return RecordChoiceField(
        queryset=User.objects.none(),
        label=label,
        widget=forms.RadioSelect,
        error_messages={"required": error, "invalid_choice": error},
        **kwargs,
    )


class ActionForm(forms.Form):
    """An action that changes the escalation: it carries the stage it was shown for."""

    expected_stage = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=4
    )

    def full_clean(self) -> None:
        """Errors in the order of the page (the error summary lists them so), the form's
        own first."""
        super().full_clean()
        errors = self.errors
        if errors:
            order = ["__all__", *self.fields]
            ordered = sorted(errors.items(), key=lambda item: order.index(item[0]))
            errors.clear()
            errors.update(ordered)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "expected_stage" in self.errors or cleaned.get("expected_stage") is None:
            self.errors.pop("expected_stage", None)
            raise forms.ValidationError(STALE_FORM, code="stale")
        return cleaned


class AcknowledgeForm(ActionForm):
    holder = RecordChoiceField(
        queryset=User.objects.none(),
        label="Who holds this escalation for your agency?",
        help_text="They will be the named holder: the person the raising agency deals with.",
        empty_label="Choose a person",
        error_messages={
            "required": "Choose who holds this escalation for your agency",
            "invalid_choice": "Choose who holds this escalation for your agency",
        },
    )

    def __init__(self, *args: Any, people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = people  # type: ignore[attr-defined]
        self.fields["holder"].label_from_instance = person_with_role  # type: ignore[attr-defined]


class RespondForm(WarnsOfIdentifyingDetails, ActionForm):
    checked_fields = ("response",)

    decision = forms.ChoiceField(
        label="What is your agency's decision now?",
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose your agency's decision now",
            "invalid_choice": "Choose your agency's decision now",
        },
    )
    response = text_field(
        "Why did your agency decide this?",
        "why your agency decided this",
        hint="The raising agency will read this. Refer to case numbers, never children's names.",
    )


class EscalateForm(WarnsOfIdentifyingDetails, ActionForm):
    checked_fields = ("reason",)

    reason = text_field(
        "Why are you escalating it?",
        "why you are escalating it",
        hint="Say what was tried at this stage and why it did not settle the difference.",
    )


class ResolveForm(WarnsOfIdentifyingDetails, ActionForm):
    checked_fields = ("summary", "agreed_actions", "learning")

    outcome = forms.ChoiceField(
        label="What is the outcome?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the outcome",
            "invalid_choice": "Choose the outcome",
        },
    )
    summary = text_field("Summary of the resolution", "a summary of the resolution")
    agreed_actions = text_field(
        "Agreed actions", "the agreed actions", hint="Who will do what, and by when."
    )
    learning = text_field(
        "Learning points (optional)",
        "the learning points",
        required=False,
        hint="What the partnership could learn from this difference.",
    )

    def __init__(self, *args: Any, stage: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = settling_outcomes(stage)
        self.fields["outcome"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in Outcome.choices if value in allowed
        ]


class WithdrawForm(WarnsOfIdentifyingDetails, ActionForm):
    checked_fields = ("reason",)

    reason = text_field("Why are you withdrawing it?", "why you are withdrawing it")


class ExtendForm(WarnsOfIdentifyingDetails, ActionForm):
    checked_fields = ("reason",)

    """A new due date in the GOV.UK date input (``due_day``, ``due_month``, ``due_year``)
    and why."""

    due = DateInputField(label="New due date", what="the new due date", required=True)
    reason = text_field("Why is more time needed?", "why more time is needed")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        due, today = cleaned.get("due"), timezone.localdate()
        if due is not None and not (today < due and within_extension_limit(due, today)):
            message = "Enter a new due date in the future, within the next year"
            self.add_error("due", date_error(message, code="range"))
        return cleaned


class AcceptExtensionForm(ActionForm):
    """A confirmation: nothing to type."""


class HandOverForm(ActionForm):
    holder = person_choice(
        "Whose holding are you handing over?",
        "Choose whose holding you are handing over",
        required=False,
    )
    to = person_choice(
        "Who will hold this stage from now?",
        "Choose who will hold this stage from now",
        help_text="Colleagues with the same role in the same agency.",
    )

    def __init__(
        self,
        *args: Any,
        colleagues: QuerySet[User],
        holders: QuerySet[User] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = colleagues  # type: ignore[attr-defined]
        self.fields["to"].label_from_instance = person_with_role  # type: ignore[attr-defined]
        if holders is None:
            del self.fields["holder"]
        else:
            self.fields["holder"].queryset = holders  # type: ignore[attr-defined]
            self.fields["holder"].required = True


class NoteForm(WarnsOfIdentifyingDetails):
    checked_fields = ("text",)

    text = text_field(
        "Add a note",
        "the note",
        hint="Everyone who can see this escalation can read it. Notes cannot be changed "
        "afterwards. Refer to case numbers, never children's names.",
    )


class CaseFileForm(forms.Form):
    reference = text_field(
        "Case file reference",
        "the case file reference where you recorded it",
        hint="Where you recorded the stage outcome on your agency's own case file, for "
        "example a case note number.",
        limit=CASE_FILE_REFERENCE_LIMIT,
        textarea=False,
    )

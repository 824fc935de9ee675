"""Finding an escalation: by reference or case number, agency, category, status, stage and
when it was raised, closed ones included."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from escalations.models import Agency, Category
from workflows.states import Status

from .fields import DateInputField, RecordChoiceField

MINE = [("", "Everything I can see"), ("raised", "Raised by me"), ("held", "Held by me")]
STATE = [("", "Open and closed"), ("open", "Open"), ("closed", "Closed")]


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Reference or case number",
        help_text="For example ESC-2026-0042, or your agency's case number for the child",
        required=False,
        max_length=50,
    )
    mine = forms.ChoiceField(label="Whose", choices=MINE, required=False)
    state = forms.ChoiceField(label="Open or closed", choices=STATE, required=False)
    agency = RecordChoiceField(
        queryset=Agency.objects.none(),
        label="Agency (raising or receiving)",
        required=False,
        empty_label="Any agency",
    )
    category = forms.ChoiceField(
        label="Category", choices=[("", "Any category"), *Category.choices], required=False
    )
    status = forms.ChoiceField(
        label="Where it stands", choices=[("", "Anywhere"), *Status.choices], required=False
    )
    raised_from = DateInputField(label="Raised from", what="the first day")
    raised_to = DateInputField(label="Raised to", what="the last day")

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        """What was chosen; nothing for a search that could not be read."""
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}

"""Subscribing an agency's case system to its escalations' events."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from escalations.models import Agency

from .fields import RecordChoiceField, text_field


class WebhookForm(forms.Form):
    agency = RecordChoiceField(
        queryset=Agency.objects.none(),
        label="Which agency's system is it?",
        help_text="It will be told of the escalations this agency raised or received.",
        empty_label="Choose an agency",
        error_messages={
            "required": "Choose the agency",
            "invalid_choice": "Choose the agency",
        },
    )
    name = text_field(
        "Which case system is it?", "the name of the case system", limit=100, textarea=False
    )
    url = text_field(
        "The address that receives the events",
        "the https address of the receiving system",
        hint="It must start with https:// and be reachable from the internet.",
        limit=500,
        textarea=False,
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]

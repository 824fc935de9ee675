"""Making an API token on one's own page."""

from __future__ import annotations

from django import forms

from .fields import text_field

LIFETIMES = [("30", "30 days"), ("90", "90 days"), ("365", "A year")]


class ApiTokenForm(forms.Form):
    name = text_field(
        "Which case system will use it?",
        "which case system will use the token",
        hint="For example Mosaic, SystmOne or CPOMS: you will see this name in the list.",
        limit=100,
        textarea=False,
    )
    days = forms.TypedChoiceField(
        label="How long should it last?",
        choices=LIFETIMES,
        coerce=int,
        initial="90",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how long the token should last",
            "invalid_choice": "Choose how long the token should last",
        },
    )

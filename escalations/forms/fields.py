"""Fields every Resolve form shares, with GOV.UK error messages."""

from __future__ import annotations

from django import forms

from escalations.models.escalation import TEXT_LIMIT


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

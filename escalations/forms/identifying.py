"""The warning about identifying details in free text (issue 12, item 7). A form that carries
``WarnsOfIdentifyingDetails`` looks over its ``checked_fields`` when cleaned: if they seem to
hold a date of birth, a postcode, a street address, an NHS number or a full name
(``workflows.identifying``), the page shows a GOV.UK warning and asks the writer to remove
them or say why they must stay. Saved with a reason, the kinds found (never the text) and the
reason go in the security log (``kept_identifying``)."""

from __future__ import annotations

from typing import Any

from django import forms

from workflows.identifying import Finding, findings, for_the_log, kinds_in

KEEP_LIMIT = 500


class WarnsOfIdentifyingDetails(forms.Form):
    checked_fields: tuple[str, ...] = ()

    keep_because = forms.CharField(
        label="If they must stay, say why",
        help_text="For example, the receiving agency cannot find its record without it. Do "
        "not repeat the details here: this reason is kept in the security log.",
        required=False,
        max_length=KEEP_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": f"Why they must stay must be {KEEP_LIMIT} characters or fewer",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["keep_because"] = self.fields.pop("keep_because")  # after the text
        self.identifying: list[Finding] = []

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        texts = {
            name: cleaned.get(name) or "" for name in self.checked_fields if name in self.fields
        }
        self.identifying = findings(texts)
        because = (cleaned.get("keep_because") or "").strip()
        if self.identifying and not because:
            self.add_error(
                "keep_because",
                "Remove the details that could identify someone, or say why they must stay",
            )
        elif because and kinds_in(because):
            self.add_error("keep_because", "Say why without repeating the details")
        return cleaned

    def identifying_warnings(self) -> list[str]:
        """ "a postcode in ‘Why do you disagree?’", for the warning on the page."""
        return [
            f"{finding.described} in ‘{self.fields[finding.field].label}’"
            for finding in self.identifying
        ]

    def kept_identifying(self) -> str:
        """For the security log, once saved: which kinds, where, and why; never the text."""
        if not self.identifying:
            return ""
        return for_the_log(self.identifying, self.cleaned_data.get("keep_because", ""))

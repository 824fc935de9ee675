"""The form of the report's words for a year (issue 14, item 8): a foreword and key messages,
and whether they are approved for the public edition. The service
(``escalations.reports.board``) checks the bounds again."""

from __future__ import annotations

from typing import Any

from django import forms

from escalations.models import ReportText

NO_NAMES = "No names of children, families or staff, and nothing that identifies a case."


class ReportTextForm(forms.Form):
    foreword = forms.CharField(
        label="Foreword",
        help_text=f"The partnership's introduction to the year: what the figures show and what "
        f"it will do. Leave a blank line between paragraphs. Up to "
        f"{ReportText.FOREWORD_LIMIT:,} characters. {NO_NAMES}",
        required=False,
        max_length=ReportText.FOREWORD_LIMIT,
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={
            "max_length": f"Keep the foreword to {ReportText.FOREWORD_LIMIT:,} characters or fewer"
        },
    )
    key_messages = forms.CharField(
        label="Key messages",
        help_text=f"One a line, at most {ReportText.MESSAGES_LIMIT}, each "
        f"{ReportText.MESSAGE_LIMIT} characters or fewer. They come first in the report.",
        required=False,
        max_length=ReportText.MESSAGES_LIMIT * (ReportText.MESSAGE_LIMIT + 2),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    approved = forms.BooleanField(
        label="Approved for the public edition",
        help_text="Tick once the partnership has approved these words for publication. The "
        "public edition carries them only while they stay approved: a change needs approving "
        "again. The internal edition always carries them.",
        required=False,
    )

    def __init__(self, *args: Any, text: ReportText | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and text is not None:
            self.initial = {
                "foreword": text.foreword,
                "key_messages": "\n".join(text.key_messages),
                "approved": text.approved,
            }

    def key_message_lines(self) -> list[str]:
        return str(self.cleaned_data["key_messages"]).splitlines()

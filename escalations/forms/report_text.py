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
        # the service counts the characters once line endings are one each
        max_length=2 * ReportText.FOREWORD_LIMIT,
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
        label="These words, as saved now, are approved for the public edition",
        help_text="Tick only when the partnership has approved exactly these words. Saving "
        "without the tick takes an earlier approval back: the public edition carries the words "
        "only while they are approved. The internal edition always carries them.",
        required=False,
    )

    def __init__(self, *args: Any, text: ReportText | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and text is not None:
            # the approval box starts unticked: each save approves what it saves, or not
            self.initial = {
                "foreword": text.foreword,
                "key_messages": "\n".join(text.key_messages),
            }

    def key_message_lines(self) -> list[str]:
        return str(self.cleaned_data["key_messages"]).splitlines()

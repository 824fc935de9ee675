"""What makes the figures a report a partnership board adopts (issue 14, item 8): the lead's
own words for the year (a foreword and key messages) and every figure beside the year before.

The words are a ``ReportText`` per reporting year. The internal edition carries them as
written; the public edition only once the lead has recorded their approval for publication,
and a change after approval needs approving again. A publication keeps the words and the
year before it was published with, in its JSON and its PDF.

The year before, in the internal edition, is worked out again for the period before. In the
public edition it is only what the public already has: the latest public edition published
for the reporting year before, as published. Working the year before out again and hiding it
afresh could hide other counts than the published one did, and a reader of both would learn
what each hid.
"""

from __future__ import annotations

import dataclasses

from django.db import transaction
from django.utils import timezone

from escalations.audit import save_with_reason
from escalations.models import Partnership, PublishedReport, ReportText, User
from escalations.models.published import YEAR
from workflows import rules
from workflows.refusals import Invalid

from .compute import compute_figures
from .figures import Narrative
from .period import Period
from .suppression import INTERNAL, PUBLIC, Edition, as_published, build_edition


def report_text_for(partnership: Partnership, year: int) -> ReportText | None:
    return ReportText.objects.filter(partnership=partnership, year=year).first()


def report_text_save(
    *,
    by: User,
    partnership: Partnership,
    year: int,
    foreword: str,
    key_messages: list[str],
    approved: bool,
) -> ReportText:
    """Write the year's foreword and key messages. ``approved``: the lead records that the
    text as saved is approved for the public edition; saving a changed text without it takes
    an earlier approval back."""
    rules.may_write_report_text(by, partnership).check()
    foreword = foreword.strip().replace("\r\n", "\n")
    messages = [message.strip() for message in key_messages if message.strip()]
    if len(foreword) > ReportText.FOREWORD_LIMIT:
        raise Invalid(
            f"Keep the foreword to {ReportText.FOREWORD_LIMIT:,} characters or fewer "
            f"(it has {len(foreword):,}).",
            field="foreword",
        )
    if len(messages) > ReportText.MESSAGES_LIMIT:
        raise Invalid(
            f"Give at most {ReportText.MESSAGES_LIMIT} key messages, one on each line.",
            field="key_messages",
        )
    if any(len(message) > ReportText.MESSAGE_LIMIT for message in messages):
        raise Invalid(
            f"Keep each key message to {ReportText.MESSAGE_LIMIT} characters or fewer.",
            field="key_messages",
        )
    if approved and not (foreword or messages):
        raise Invalid("Write a foreword or key messages before approving them.", field="approved")
    with transaction.atomic():
        # the partnership's row first: two first saves at once wait for each other
        Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
        text, created = ReportText.objects.select_for_update().get_or_create(
            partnership=partnership, year=year
        )
        changed = (text.foreword, text.key_messages) != (foreword, messages)
        if not (changed or created or approved != text.approved):
            return text
        text.foreword, text.key_messages = foreword, messages
        if approved and (changed or not text.approved):
            text.approved_at, text.approved_by = timezone.now(), by
        elif not approved:
            text.approved_at, text.approved_by = None, None
        reason = "Wrote the report's foreword and key messages" if changed else "Changed approval"
        reason += "; approved for the public edition" if approved else "; not approved for it"
        return save_with_reason(text, by=by, reason=reason)


def narrative_for(partnership: Partnership, period: Period, edition: str) -> Narrative | None:
    """The words a reporting year's edition carries (none for a quarter or other dates)."""
    if period.year is None:
        return None
    text = report_text_for(partnership, period.year)
    if text is None or not text.written or (edition == PUBLIC and not text.approved):
        return None
    return Narrative(text.foreword, tuple(text.key_messages), approved=text.approved)


def year_before(partnership: Partnership, edition: Edition) -> Edition | None:
    """The same edition for the period before, as described above; None for a public edition
    when no public report of the reporting year before was published."""
    period = edition.figures.previous_period
    if not edition.is_public:
        return build_edition(compute_figures(partnership=partnership, period=period), INTERNAL)
    if period.year is None:
        return None
    published = (
        PublishedReport.objects.filter(
            partnership=partnership, edition=PUBLIC, kind=YEAR, year=period.year
        )
        .order_by("-published_at", "-pk")
        .only("figures", "published_at")
        .first()
    )
    if published is None:
        return None
    figures = compute_figures(
        partnership=partnership, period=period, taken_at=published.published_at
    )
    return as_published(figures, published.figures)


def for_the_board(
    partnership: Partnership, edition: Edition, *, with_year_before: bool = True
) -> Edition:
    """``edition`` with its words and (for the report's pages and PDF, not its JSON) its year
    before."""
    return dataclasses.replace(
        edition,
        narrative=narrative_for(partnership, edition.figures.period, edition.name),
        before=year_before(partnership, edition) if with_year_before else None,
    )

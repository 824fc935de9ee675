"""Publishing a report: the partnership lead freezes an edition's figures and PDF with a
checksum (DESIGN.md section 6). Not wired in yet: ``escalations.models.published`` needs its
import in ``escalations/models/__init__.py`` and a migration first."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

from django.utils import timezone

from escalations.models import Partnership, Role, User
from escalations.models.published import PublishedReport

from .compute import compute_figures
from .period import Period
from .render import to_json, to_pdf
from .suppression import build_edition


class PublishRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def canonical_json(data: object) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def report_publish(
    *,
    partnership: Partnership,
    period: Period,
    edition: str,
    by: User,
    learning_themes: Iterable[str] = (),
    taken_at: dt.datetime | None = None,
) -> PublishedReport:
    """Only the partnership lead publishes, and only a period that has ended: a published
    report never changes, so it must not be provisional."""
    membership = getattr(by, "membership", None)
    if (
        membership is None
        or membership.role != Role.PARTNERSHIP_LEAD
        or membership.partnership_id != partnership.pk
    ):
        raise PublishRefused("Only the partnership business manager can publish the report.")
    taken_at = taken_at or timezone.now()
    if taken_at < period.end_at:
        raise PublishRefused(
            f"The period ends on {period.end:%-d %B %Y}: publish it once it has ended."
        )
    themes = [theme.strip() for theme in learning_themes if theme.strip()]
    figures = compute_figures(
        partnership=partnership, period=period, taken_at=taken_at, learning_themes=themes
    )
    chosen = build_edition(figures, edition)
    data = to_json(chosen)
    pdf = to_pdf(chosen)
    report = PublishedReport(
        partnership=partnership,
        edition=edition,
        year=period.year,
        period_start=period.start,
        period_end=period.end,
        figures=data,
        pdf=pdf,
        checksum=PublishedReport.checksum_of(canonical_json(data), pdf),
        learning_themes=themes,
        published_at=taken_at,
        published_by=by,
    )
    report.save()
    return report


def report_verify(report: PublishedReport) -> bool:
    """Whether the stored figures and PDF are as they were published."""
    expected = PublishedReport.checksum_of(canonical_json(report.figures), bytes(report.pdf))
    return expected == report.checksum

"""Publishing a report (DESIGN.md section 6): the partnership lead freezes an edition's figures
(the report's JSON) and its PDF, with a checksum, who and when. A published report never
changes, whatever happens to the data afterwards; publishing the same period again makes a new
version and keeps the old one.

Two kinds: a whole reporting year, and a quarterly snapshot during the year (what the public
progress page shows: never live figures, since two live days compared could reveal one case).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from escalations.models import Partnership, User
from escalations.models.published import KINDS, QUARTER, YEAR, PublishedReport
from workflows import rules
from workflows.calendar import LONDON
from workflows.refusals import Conflict, Invalid

from .board import for_the_board
from .compute import compute_figures
from .period import ONE_DAY, Period
from .reader import Snapshot
from .render import to_json, to_pdf
from .suppression import EDITIONS, PUBLIC, build_edition, published_snapshot

__all__ = [
    "QUARTER",
    "YEAR",
    "canonical_json",
    "current_reporting_year",
    "published_this_year",
    "quarters",
    "report_publish",
    "reporting_year_of",
    "verify",
    "with_versions",
]


def canonical_json(data: object) -> bytes:
    """The bytes the checksum covers: keys sorted, no spaces, UTF-8."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def reporting_year_of(partnership: Partnership, day: dt.date) -> int:
    """The year the partnership's reporting year containing ``day`` starts in."""
    start_month = partnership.reporting_year_start_month
    return day.year if day.month >= start_month else day.year - 1


def current_reporting_year(partnership: Partnership) -> int:
    return reporting_year_of(partnership, timezone.now().astimezone(LONDON).date())


def quarters(partnership: Partnership, year: int) -> list[Period]:
    """The four quarters of reporting year ``year``, in order (three calendar months each)."""
    whole = Period.reporting_year(year, start_month=partnership.reporting_year_start_month)
    result, start = [], whole.start
    for _ in range(4):
        month = start.month + 3
        next_start = start.replace(year=start.year + (month - 1) // 12, month=(month - 1) % 12 + 1)
        result.append(Period(start=start, end=next_start - ONE_DAY))
        start = next_start
    return result


def has_ended(period: Period) -> bool:
    return timezone.now() >= period.end_at


def _period_of(
    partnership: Partnership, kind: str, period_start: dt.date, period_end: dt.date
) -> tuple[Period, int]:
    """The period asked for, checked against the partnership's reporting years and quarters."""
    year = reporting_year_of(partnership, period_start)
    if kind == YEAR:
        whole = Period.reporting_year(year, start_month=partnership.reporting_year_start_month)
        if (whole.start, whole.end) != (period_start, period_end):
            raise Invalid(
                f"A reporting year runs from {whole.start:%-d %B %Y} to {whole.end:%-d %B %Y}: "
                "publish the whole year."
            )
        return whole, year
    for quarter in quarters(partnership, year):
        if (quarter.start, quarter.end) == (period_start, period_end):
            return quarter, year
    raise Invalid(
        f"{period_start:%-d %B %Y} to {period_end:%-d %B %Y} is not a quarter of the "
        "reporting year: publish a whole quarter."
    )


def report_publish(
    *,
    by: User,
    partnership: Partnership,
    period_start: dt.date,
    period_end: dt.date,
    edition: str,
    kind: str,
    learning_themes: Iterable[str] = (),
) -> PublishedReport:
    """Freeze ``edition`` of the report for a reporting year or a quarter of one. Only the
    partnership lead publishes, and only a period that has ended: a published report never
    changes, so it must not be provisional. ``learning_themes`` are the lead's free text, the
    only free text the public edition carries."""
    rules.may_publish(by, partnership).check()
    if edition not in EDITIONS:
        raise Invalid(f"There is no {edition!r} edition: choose internal or public.")
    if kind not in dict(KINDS):
        raise Invalid(f"Publish a reporting year or a quarter, not {kind!r}.")
    period, year = _period_of(partnership, kind, period_start, period_end)
    now = timezone.now()
    if not has_ended(period):
        raise Conflict(
            f"The period ends on {period.end:%-d %B %Y}: publish it once it has ended, as a "
            "published report never changes."
        )
    themes = [theme.strip() for theme in learning_themes if theme.strip()]
    figures = compute_figures(
        partnership=partnership, period=period, taken_at=now, learning_themes=themes
    )
    earlier = published_this_year(partnership, year, besides=period) if edition == PUBLIC else []
    chosen = for_the_board(partnership, build_edition(figures, edition, earlier=earlier))
    # through the canonical bytes, so what is stored is exactly what the checksum covers
    data_bytes = canonical_json(to_json(chosen))
    pdf = to_pdf(chosen)
    with transaction.atomic():
        report = PublishedReport(
            partnership=partnership,
            edition=edition,
            kind=kind,
            year=year,
            period_start=period.start,
            period_end=period.end,
            figures=json.loads(data_bytes),
            pdf=pdf,
            checksum=PublishedReport.checksum_of(data_bytes, pdf),
            pdf_sha256=PublishedReport.sha256(pdf),
            json_sha256=PublishedReport.sha256(PublishedReport.json_file(json.loads(data_bytes))),
            learning_themes=themes,
            published_at=now,
            published_by=by,
        )
        report.save()
    return report


def published_this_year(
    partnership: Partnership, year: int, *, besides: Period | None = None
) -> list[Snapshot]:
    """The public editions published for reporting year ``year`` (the latest version of each
    period, but for ``besides``) as a reader has them, with the true counts behind them
    worked out again as at their publication: a new public edition must not let a reader
    of all of them narrow a hidden count."""
    latest: dict[tuple[dt.date, dt.date], PublishedReport] = {}
    for report in PublishedReport.objects.filter(
        partnership=partnership, edition=PUBLIC, year=year
    ).order_by("published_at", "pk"):
        latest[report.period_start, report.period_end] = report
    if besides is not None:
        latest.pop((besides.start, besides.end), None)
    snapshots = []
    for report in latest.values():
        period, _ = _period_of(partnership, report.kind, report.period_start, report.period_end)
        figures = compute_figures(
            partnership=partnership, period=period, taken_at=report.published_at
        )
        snapshots.append(published_snapshot(figures, report.figures, report.kind))
    return snapshots


def verify(published: PublishedReport) -> bool:
    """Whether the stored figures and PDF are still those the checksum was made of."""
    expected = PublishedReport.checksum_of(canonical_json(published.figures), bytes(published.pdf))
    return expected == published.checksum


def with_versions(reports: QuerySet[PublishedReport]) -> QuerySet[PublishedReport]:
    """``reports`` with ``version_number``: 1 + the earlier publications of the same edition
    of the same period (one query, where ``PublishedReport.version`` is one each)."""
    earlier = (
        PublishedReport.objects.filter(
            partnership=OuterRef("partnership"),
            edition=OuterRef("edition"),
            kind=OuterRef("kind"),
            period_start=OuterRef("period_start"),
            period_end=OuterRef("period_end"),
            pk__lt=OuterRef("pk"),
        )
        .order_by()
        .values("partnership")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return reports.annotate(version_number=Coalesce(Subquery(earlier), Value(0)) + 1)

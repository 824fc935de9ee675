"""The annual report on the web (DESIGN.md section 6): ``/reports/annual/<year>/`` for the
partnership team and analysts, any period chosen with two GOV.UK date inputs
(``?date_from_day=&date_from_month=&date_from_year=`` and the same for ``date_to``; the older
``?from=&to=`` with ISO dates still works), ``?edition=public`` and downloads through
``?format=csv|json|pdf``. Figures only: no case content.

The partnership lead publishes from the same page (``POST /reports/annual/<year>/publish/``):
the year once it has ended, and each quarter once it has ended. Published reports are
downloaded from ``/reports/published/<id>.pdf`` and ``.json``: public editions by anyone,
without sign-in; internal ones by the partnership team and analysts only."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST

from escalations import security_log
from escalations.forms.report_text import ReportTextForm
from escalations.models import Membership, Partnership, PublishedReport, SecurityKind, User
from escalations.pdf_cache import cached_pdf
from escalations.reports import board, publishing
from escalations.reports.board import for_the_board
from escalations.reports.compute import compute_figures
from escalations.reports.options import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    ReportError,
    ReportOptions,
    period_for,
)
from escalations.reports.period import Period
from escalations.reports.render import CONTENT_TYPES, filename, to_json
from escalations.reports.render import render as render_report
from escalations.reports.suppression import PUBLIC, build_edition
from escalations.views.common import over_the_download_limit, posted
from workflows import rules
from workflows.holders import membership_of
from workflows.refusals import Refused
from workflows.rules import Answer


def _membership(request: HttpRequest) -> Membership:
    may = rules.may_read_figures(request.user)  # type: ignore[arg-type]
    membership = membership_of(request.user)  # type: ignore[arg-type]
    if not may or membership is None:
        raise PermissionDenied(may.reason)
    return membership


def _the_lead(request: HttpRequest, rule: Callable[[User], Answer], year: int) -> Membership:
    """The member the rulebook lets act on reporting year ``year`` (403 for anyone else)."""
    membership = _membership(request)
    may = rule(membership.user)
    if not may:
        raise PermissionDenied(may.reason)
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise Http404("No such reporting year.")
    return membership


def _shown(edition: Any) -> dict[str, Any]:
    """What a report's PDF shows, for its cache key: its JSON, with the moment the data was
    taken (and, for a period not ended, the moment outcomes are counted at) to the quarter
    hour: it changes with every request, and the figures it rests on are in the key anyway.
    A repeat within the quarter hour shows the first one's "data taken" time."""
    data = to_json(edition)
    method = edition.figures.methodology
    for key, moment in (("taken_at", method.taken_at), ("as_at", method.as_at)):
        if moment == method.taken_at:  # an ended period's "as at" is its end: kept
            data["methodology"][key] = moment.replace(
                minute=moment.minute - moment.minute % 15, second=0, microsecond=0
            ).isoformat()
    return data


def _rendered(edition: Any, fmt: str) -> bytes:
    """A report's PDF is cached under its figures and edition (what it shows); the other
    formats cost little to make."""
    if fmt != "pdf":
        return render_report(edition, fmt)
    shows = json.dumps(
        [edition.name, _shown(edition), edition.before and _shown(edition.before)],
        sort_keys=True,
        default=str,
    )
    return cached_pdf("report", shows, lambda: render_report(edition, fmt))


def annual(request: HttpRequest, year: int) -> HttpResponse:
    membership = _membership(request)
    options = ReportOptions(request.GET.dict())
    period = None
    if options.is_valid():
        try:
            period = period_for(
                membership.partnership,
                year,
                options.cleaned_data["date_from"],
                options.cleaned_data["date_to"],
            )
        except ReportError as error:
            options.add_error(None, str(error))
    if period is not None and not (
        may := rules.may_read_figures_for(membership.user, period.start, period.end)
    ):
        options.add_error(None, may.reason)
        period = None
    if period is None:
        context = {"year": year, "options": options, "form": options}
        return render(request, "reports/annual.html", context, status=400)
    fmt = options.cleaned_data["format"]
    edition = for_the_board(
        membership.partnership,
        build_edition(
            compute_figures(partnership=membership.partnership, period=period),
            options.cleaned_data["edition"],
        ),
        with_year_before=fmt not in ("json", "csv"),  # those carry the period's figures only
    )
    if fmt != "html":
        if (refused := over_the_download_limit(request)) is not None:
            return refused
        security_log.record(
            SecurityKind.EXPORTED, by=membership.user, detail=filename(edition, fmt)
        )
        return HttpResponse(
            _rendered(edition, fmt),
            content_type=CONTENT_TYPES[fmt],
            headers={"Content-Disposition": f'attachment; filename="{filename(edition, fmt)}"'},
        )
    from escalations.reports.layout import sections

    return render(
        request,
        "reports/annual.html",
        {
            "year": year,
            "options": options,
            "edition": edition,
            "figures": edition.figures,
            "sections": sections(edition),
            "downloads": [
                (label, options.query(format=fmt))
                for label, fmt in (("PDF", "pdf"), ("CSV", "csv"), ("JSON", "json"))
            ],
            "other_edition": options.query(edition="internal" if edition.is_public else "public"),
            **_publishing_context(membership, year),
        },
    )


# Publishing -----------------------------------------------------------------------------------


def _publishable(partnership: Partnership, year: int) -> list[tuple[str, str, Period]]:
    """(value, label, period) for the year, if it has ended, and each quarter that has."""
    whole = Period.reporting_year(year, start_month=partnership.reporting_year_start_month)
    choices = []
    if publishing.has_ended(whole):
        choices.append(("year", f"The reporting year {whole.title} ({whole.label})", whole))
    for number, quarter in enumerate(publishing.quarters(partnership, year), start=1):
        if publishing.has_ended(quarter):
            choices.append((f"q{number}", f"Quarter {number}: {quarter.label}", quarter))
    return choices


def _publishing_context(membership: Membership, year: int) -> dict[str, object]:
    partnership = membership.partnership
    published = publishing.with_versions(
        PublishedReport.objects.filter(partnership=partnership, year=year)
        .select_related("published_by")
        .defer("pdf", "figures")
        .order_by("-period_end", "kind", "edition", "-pk")
    )
    can_publish = bool(rules.may_publish(membership.user))
    may_write = bool(rules.may_write_report_text(membership.user))
    return {
        "words_url": reverse("reports:words", args=[year]) if may_write else "",
        "words": board.report_text_for(partnership, year) if may_write else None,
        "published": published,
        "can_publish": can_publish,
        "publishable": _publishable(partnership, year) if can_publish else [],
        "publish_url": reverse("reports:publish", args=[year]),
        "approved_themes": "\n".join(partnership.learning_themes or []),
    }


@require_POST
def publish(request: HttpRequest, year: int) -> HttpResponse:
    membership = _the_lead(request, rules.may_publish, year)
    back = reverse("reports:annual", args=[year]) + "#publishing"
    chosen = {value: period for value, _, period in _publishable(membership.partnership, year)}
    period = chosen.get(request.POST.get("period", ""))
    edition = request.POST.get("edition", "")
    if period is None or edition not in ("internal", "public"):
        messages.error(request, "Choose a period that has ended and an edition to publish.")
        return HttpResponseRedirect(back)
    themes = request.POST.get("learning_themes", "").splitlines()
    try:
        report = publishing.report_publish(
            by=request.user,  # type: ignore[arg-type]
            partnership=membership.partnership,
            period_start=period.start,
            period_end=period.end,
            edition=edition,
            kind="year" if period.year is not None else "quarter",
            learning_themes=themes,
        )
    except Refused as refused:
        messages.error(request, refused.message)
        return HttpResponseRedirect(back)
    messages.success(
        request,
        f"Published the {report.edition} edition for {period.label}, version {report.version}.",
    )
    return HttpResponseRedirect(back)


def words(request: HttpRequest, year: int) -> HttpResponse:
    """The lead writes the year's foreword and key messages, and records their approval for
    the public edition."""
    membership = _the_lead(request, rules.may_write_report_text, year)
    partnership = membership.partnership
    text = board.report_text_for(partnership, year)
    form = ReportTextForm(posted(request), text=text)
    if request.method == "POST" and form.is_valid():
        try:
            board.report_text_save(
                by=membership.user,
                partnership=partnership,
                year=year,
                foreword=form.cleaned_data["foreword"],
                key_messages=form.key_message_lines(),
                approved=form.cleaned_data["approved"],
            )
        except Refused as refusal:
            field = getattr(refusal, "field", None)
            form.add_error(field if field in form.fields else None, refusal.message)
        else:
            messages.success(request, "The foreword and key messages are saved.")
            return HttpResponseRedirect(reverse("reports:annual", args=[year]))
    period = Period.reporting_year(year, start_month=partnership.reporting_year_start_month)
    return render(
        request,
        "reports/words.html",
        {"form": form, "year": year, "period": period, "text": text, "partnership": partnership},
    )


@login_not_required
@require_GET
def published_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """A published report as it was published. Public editions are for anyone; internal ones
    for the partnership team and analysts of its partnership (anyone else: not found)."""
    report = get_object_or_404(PublishedReport.objects.select_related("partnership"), pk=pk)
    if report.edition != PUBLIC:
        membership = membership_of(request.user if request.user.is_authenticated else None)  # type: ignore[arg-type]
        if membership is None:
            raise Http404("No such published report.")
        if membership.partnership_id != report.partnership_id:
            raise Http404("No such published report.")
        may = rules.may_read_figures(membership.user)
        if not may:
            raise PermissionDenied(may.reason)
        security_log.record(
            SecurityKind.EXPORTED,
            by=membership.user,
            detail=f"published {report.edition} {published_filename(report)}.{fmt}",
        )
    stem = published_filename(report)
    if fmt == "pdf":
        body, content_type = bytes(report.pdf), CONTENT_TYPES["pdf"]
        digest = report.pdf_sha256
    else:
        body, content_type = PublishedReport.json_file(report.figures), CONTENT_TYPES["json"]
        digest = report.json_sha256
    return HttpResponse(
        body,
        content_type=content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{stem}.{fmt}"',
            "X-Report-Checksum": report.checksum,
            # the file's own SHA-256, as published beside its link: sha256sum checks it
            "X-File-SHA256": digest,
        },
    )


def published_filename(report: PublishedReport) -> str:
    if report.kind == "year":
        name = str(report.year)
    else:
        name = f"{report.period_start}-to-{report.period_end}"
    return f"annual-report-{name}-{report.edition}-v{report.version}"


urlpatterns = [
    path("annual/<int:year>/", annual, name="annual"),
    path("annual/<int:year>/publish/", publish, name="publish"),
    path("annual/<int:year>/words/", words, name="words"),
    path("published/<int:pk>.pdf", published_file, {"fmt": "pdf"}, name="published_pdf"),
    path("published/<int:pk>.json", published_file, {"fmt": "json"}, name="published_json"),
]

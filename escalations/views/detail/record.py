"""The printable record of an escalation, an A4 PDF for each agency's case file."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from escalations import security_log
from escalations.models import Escalation, SecurityKind, StageRecord
from escalations.pdf_cache import cached_pdf
from escalations.timeline import build_timeline, due_moment, person
from escalations.views.common import over_the_download_limit
from escalations.words import moment_in_words
from workflows.states import Status

from .page import children_in_words, stage_duration
from .queries import current_user, escalation_for_page, stage_records


def _stage_entry(record: StageRecord, escalation: Escalation) -> dict[str, Any]:
    """One stage as the record prints it: its holders over time, how long it took and when
    it was due."""
    return {
        "record": record,
        "label": Status(f"stage_{record.stage}").label,
        "holders": [
            {
                "name": person(holder.user, agency=False),
                "side": holder.get_side_display(),
                "since": holder.since,
                "until": holder.until,
            }
            for holder in record.holders.all()
        ],
        "duration": stage_duration(record, escalation.urgent),
        "due": moment_in_words(record.due_at),
        "original_due": moment_in_words(record.original_due_at),
    }


@require_http_methods(["GET", "HEAD"])
def record_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    """The record of the escalation as an A4 PDF for each agency's case file."""
    from weasyprint import HTML  # heavy: loaded only when a record is printed

    escalation = escalation_for_page(request, reference, log=True)
    if (refused := over_the_download_limit(request)) is not None:
        return refused
    user = current_user(request)
    stages = [_stage_entry(record, escalation) for record in stage_records(escalation)]
    html = render_to_string(
        "escalations/record_pdf.html",
        {
            "escalation": escalation,
            "children": children_in_words(escalation),
            "stages": stages,
            "timeline": build_timeline(escalation, newest_first=False),
            "raised_by": person(escalation.raised_by),
            "raised_at": moment_in_words(escalation.raised_at),
            "immediate_action_at": moment_in_words(escalation.immediate_action_at)
            if escalation.immediate_action_at
            else "",
            "printed_by": person(user),
            # the day, not the minute: the same record printed again that day is the same PDF
            "printed_on": timezone.localdate(),
            "due": due_moment(escalation) if escalation.is_open else None,
        },
        request=request,
    )
    pdf = cached_pdf(
        "record", html, lambda: HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    )
    security_log.record(SecurityKind.EXPORTED, by=user, detail=f"{escalation.reference} record.pdf")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{escalation.reference}.pdf"'
    return response

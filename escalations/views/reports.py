"""The annual report on the web (DESIGN.md section 6): ``/reports/annual/<year>/`` for the
partnership team and analysts, with ``?from=&to=`` for any period, ``?edition=public`` and
downloads through ``?format=csv|json|pdf``. Figures only: no case content."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from escalations.models import Membership, Role
from escalations.reports.compute import compute_figures
from escalations.reports.options import ReportError, ReportOptions, period_for
from escalations.reports.render import CONTENT_TYPES, filename
from escalations.reports.render import render as render_report
from escalations.reports.suppression import build_edition

REPORT_ROLES = (Role.PARTNERSHIP_LEAD, Role.SCRUTINEER, Role.ANALYST)
NOT_FOR_YOU = (
    "The annual report is for the partnership team and analysts. Ask your partnership "
    "business manager for the published report."
)


def _membership(request: HttpRequest) -> Membership:
    membership = getattr(request.user, "membership", None)
    if membership is None or membership.role not in REPORT_ROLES or not request.user.is_active:
        raise PermissionDenied(NOT_FOR_YOU)
    return membership


def annual(request: HttpRequest, year: int) -> HttpResponse:
    membership = _membership(request)
    options = ReportOptions(request.GET.dict())
    errors = []
    if options.is_valid():
        try:
            period = period_for(
                membership.partnership,
                year,
                options.cleaned_data["date_from"],
                options.cleaned_data["date_to"],
            )
        except ReportError as error:
            errors.append({"href": "#date_from", "message": str(error)})
    else:
        errors = [
            {"href": f"#{field if field != '__all__' else 'date_from'}", "message": str(message)}
            for field, messages in options.errors.items()
            for message in messages
        ]
    if errors:
        context = {"year": year, "options": options, "form": options, "errors": errors}
        return render(request, "reports/annual.html", context, status=400)
    edition = build_edition(
        compute_figures(partnership=membership.partnership, period=period),
        options.cleaned_data["edition"],
    )
    fmt = options.cleaned_data["format"]
    if fmt != "html":
        return HttpResponse(
            render_report(edition, fmt),
            content_type=CONTENT_TYPES[fmt],
            headers={"Content-Disposition": f'attachment; filename="{filename(edition, fmt)}"'},
        )
    from escalations.reports.layout import sections

    query = {key: value for key, value in request.GET.items() if key != "format" and value}
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
                (label, "?" + urlencode({**query, "format": fmt}))
                for label, fmt in (("PDF", "pdf"), ("CSV", "csv"), ("JSON", "json"))
            ],
            "other_edition": "?"
            + urlencode({**query, "edition": "internal" if edition.is_public else "public"}),
        },
    )


urlpatterns = [path("annual/<int:year>/", annual, name="annual")]

"""The public progress page (DESIGN.md section 6): no sign-in, and never live figures."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_not_required
def progress(request: HttpRequest) -> HttpResponse:
    """The latest published quarterly snapshot of the current year, and the published
    reports. Until the partnership publishes one there is nothing to show: live figures are
    never shown, since two live days compared could reveal a single case."""
    return render(request, "public/progress.html", {"snapshot": None})

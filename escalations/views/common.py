"""What every page shares: the escalation a user may see, or a 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.views import defaults

from escalations import limits
from escalations.models import Escalation, User
from escalations.selectors import escalation_open


def posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data, even when empty (every box unticked): a POST is always bound."""
    return request.POST if request.method == "POST" else None


def visible_escalation(request: HttpRequest, reference: str, *, log: bool = False) -> Escalation:
    """The escalation by reference if this user may see it; to anyone else it does not exist
    (404, not 403). Every opening of an escalation's page is logged."""
    user = request.user
    assert isinstance(user, User)
    try:
        return escalation_open(user=user, reference=reference, log=log)
    except Escalation.DoesNotExist as missing:
        raise Http404("No such escalation") from missing


def over_the_download_limit(request: HttpRequest) -> HttpResponse | None:
    """The expensive downloads (a record's PDF, a report's PDF, CSV or JSON) are limited per
    person: a page saying so (429) once they are over it, otherwise None."""
    user = request.user
    if limits.within(f"downloads:{user.pk}", limits.DOWNLOADS_PER_PERSON):
        return None
    return render(request, "pages/download_limit.html", status=429)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 404 page; under ``/api/`` a problem (RFC 9457), as every API answer is."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"type": "urn:resolve:problem:404", "title": "Not found", "status": 404,
             "detail": "There is nothing at this address.", "instance": request.path},
            status=404,
            content_type="application/problem+json",
        )  # fmt: skip
    return defaults.page_not_found(request, exception)


@login_not_required
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/accessibility.html")


@login_not_required
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/privacy.html")

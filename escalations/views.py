"""Pages. Views stay thin: they read through selectors and change through services."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from .models import Escalation, ViewLog
from .selectors import escalation_get_visible


@login_required
def escalation_detail(request: HttpRequest, reference: str) -> HttpResponse:
    """An escalation the user may see; to anyone else it does not exist (404). Every
    opening is logged."""
    try:
        escalation = escalation_get_visible(user=request.user, reference=reference)  # type: ignore[arg-type]
    except Escalation.DoesNotExist as missing:
        raise Http404("No such escalation") from missing
    ViewLog.objects.create(escalation=escalation, user=request.user)  # type: ignore[misc]
    return render(request, "escalations/detail.html", {"escalation": escalation})

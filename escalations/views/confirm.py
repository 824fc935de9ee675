"""Confirming it is you (issue 12, item 5): the partnership lead re-enters their password and a
fresh one-time code before changing a person's role, agency or activation, or resetting their
second factor. It counts for ``RESOLVE_CONFIRM_MINUTES``."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from escalations import security_log
from escalations.forms.second_factor import ConfirmIdentityForm
from escalations.models import SecurityKind

CONFIRMED_AT = "resolve_identity_confirmed_at"


def recently_confirmed(request: HttpRequest) -> bool:
    at = request.session.get(CONFIRMED_AT)
    return at is not None and time.time() - at <= settings.RESOLVE_CONFIRM_MINUTES * 60


def unless_confirmed(request: HttpRequest) -> HttpResponse | None:
    """The way to confirm, if the password and code were not entered again in the last few
    minutes; ``None`` if they were. Asked after who may: nobody else is sent to confirm."""
    if recently_confirmed(request):
        return None
    query = urlencode({"next": request.get_full_path()})
    return redirect(f"{reverse('escalations:confirm_identity')}?{query}")


def _next(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        return wanted
    return reverse("escalations:inbox")


def confirm_identity(request: HttpRequest) -> HttpResponse:
    form = ConfirmIdentityForm(
        request.POST if request.method == "POST" else None, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        request.session[CONFIRMED_AT] = time.time()
        security_log.record(SecurityKind.IDENTITY_CONFIRMED, by=request.user, subject=request.user)  # type: ignore[arg-type]
        return redirect(_next(request))
    return render(
        request,
        "escalations/confirm_identity.html",
        {"form": form, "next": _next(request), "minutes": settings.RESOLVE_CONFIRM_MINUTES},
    )

"""What every response gets, whoever answers (OWASP ASVS level 2 and the partnership's
information governance): only the methods the service uses, no NUL in an address, nothing a
shared computer's browser keeps for a signed-in person, and a sign-in that ends however busy
the session has been."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control
from django.views import defaults

Handler = Callable[[HttpRequest], HttpResponse]

METHODS = ("GET", "HEAD", "POST")
SIGNED_IN_AT = "resolve_signed_in_at"


class Hardening:
    """405 for TRACE, PUT, DELETE and every other method no page or API call uses; 404 for an
    address with a NUL in it (PostgreSQL cannot hold one, so a lookup would fail as a server
    error); ``Cache-Control: no-store`` on every answer to a signed-in person and every API
    answer (case pages, record.pdf and report downloads must not stay on a shared computer)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in METHODS:
            return HttpResponseNotAllowed(METHODS)
        if "\x00" in request.path:
            return defaults.page_not_found(request, Exception("NUL in the address"))
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith("/api/"):
            patch_cache_control(response, no_store=True, private=True)
        return response


class SessionLifetime:
    """A sign-in lasts at most ``RESOLVE_SESSION_MAX_HOURS`` (default 10), however busy, beside
    the 30-minute idle timeout (``SESSION_COOKIE_AGE``): then the person signs in again."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.setdefault(SIGNED_IN_AT, time.time())
            if time.time() - started > settings.RESOLVE_SESSION_MAX_HOURS * 3600:
                logout(request)
                return redirect(f"{settings.LOGIN_URL}?next={request.path}")
        return self.get_response(request)


@receiver(user_logged_in)
def _note_the_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = time.time()

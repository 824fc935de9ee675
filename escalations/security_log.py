"""Writing the security log (``SecurityEvent``). The address is the request's, kept for the
request by ``RequestAddress`` middleware, so a service that writes the log needs no request.
Behind a proxy the address is the proxy's unless it is configured to pass the client's as
REMOTE_ADDR (the hosting notes say how)."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from .models import Membership, SecurityEvent, SecurityKind, User

_address: ContextVar[str | None] = ContextVar("resolve_request_address", default=None)


class RequestAddress:
    """Keeps the request's address for the security log while the request is answered."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _address.set(request.META.get("REMOTE_ADDR") or None)
        try:
            return self.get_response(request)
        finally:
            _address.reset(token)


def record(
    kind: SecurityKind, *, by: User | None = None, subject: User | None = None, detail: str = ""
) -> SecurityEvent:
    """Log it, for the partnership of whoever it concerns. Never a password, never case
    content: ``detail`` is a reference, a file name or a role."""
    someone = subject or by
    membership = (
        Membership.objects.filter(user_id=someone.pk).first() if someone is not None else None
    )
    return SecurityEvent.objects.create(
        kind=kind,
        partnership_id=membership.partnership_id if membership else None,
        by=by,
        subject=subject,
        address=_address.get(),
        detail=detail[:300],
    )


@receiver(user_logged_in)
def _signed_in(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    record(SecurityKind.SIGNED_IN, by=user, subject=user)


@receiver(user_logged_out)
def _signed_out(sender: Any, request: Any, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        record(SecurityKind.SIGNED_OUT, by=user, subject=user)


@receiver(user_login_failed)
def _sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kw: Any
) -> None:
    """Which account was tried (if it exists), never what was typed as the password."""
    username = str(credentials.get("username", ""))[:150]
    account = User.objects.filter(username__iexact=username).first()
    # an unknown name is not written down: people type their password there by mistake
    record(
        SecurityKind.SIGN_IN_FAILED, subject=account, detail="" if account else "unknown account"
    )

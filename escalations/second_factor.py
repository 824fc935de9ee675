"""The second factor (issue 12, ADR 14): a one-time password from an authenticator app, with
recovery codes, for every local account, through django-allauth.

allauth only challenges people who already have an authenticator. Everyone else is, after a
correct password, confined to setting one up: ``AccountAdapter.post_login`` sets a flag in the
session at that moment (and only then), and ``SetUpFirst`` sends every request of a flagged
session to the set-up page until an authenticator is added. The flag is set at sign-in, never
worked out on each request, so a session made any other way (``Client.force_login`` in tests,
the API's tokens) stands for a completed sign-in.

Nobody removes their own second factor: the partnership lead resets it for someone who lost
their phone (``people.person_reset_second_factor``), and they set up a new one at their next
sign-in. Every change is in the security log, and the person is emailed."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import time
from collections.abc import Callable
from typing import Any

from allauth.account import app_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
from allauth.mfa import signals as mfa_signals
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet
from django.conf import settings
from django.contrib.sessions.models import Session
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from . import security_log
from .models import NotificationEvent, SecurityEvent, SecurityKind, User
from .notifications import notify

SET_UP_FIRST = "resolve_second_factor_set_up_first"

# what a session confined to setting up its second factor may still open
SET_UP_PAGES = frozenset(
    {
        "mfa_activate_totp",
        "mfa_view_recovery_codes",
        "mfa_download_recovery_codes",
        "account_reauthenticate",
        "logout",
        "account_logout",
        "pages:privacy",
        "pages:accessibility",
    }
)


def has_second_factor(user: Any) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


class AccountAdapter(DefaultAccountAdapter):
    """People arrive by invitation only; a sign-in without a second factor sets one up first."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": "Too many wrong codes. Wait 5 minutes, then try again.",
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Wrong passwords are django-axes' to count, by account and address together
        (``escalations.lockout``); allauth's own count, by account alone, would let anyone
        lock a person out from anywhere. allauth still counts wrong one-time codes."""
        self._login_failed_rl_usage = None

    def post_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse:
        response = super().post_login(request, user, **kwargs)
        if not has_second_factor(user):
            request.session[SET_UP_FIRST] = True
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return response

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """allauth asks for the password again before showing recovery codes or setting up an
        app unless it was entered again in the last few minutes. Signing in is as fresh: so the
        set-up straight after a first sign-in does not ask for the password twice."""
        request = context.request
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            records = get_authentication_records(request, user)
            if records and time.time() - records[-1]["at"] <= app_settings.REAUTHENTICATION_TIMEOUT:
                return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def add_message(
        self,
        request: HttpRequest,
        level: int,
        message_template: str | None = None,
        message_context: dict[str, Any] | None = None,
        extra_tags: str = "",
        message: str | None = None,
    ) -> None:
        """Not "Successfully signed in as ...": the page a person lands on says who they are."""
        if message_template and message_template.startswith("account/messages/logged_"):
            return
        super().add_message(request, level, message_template, message_context, extra_tags, message)


def _fernet() -> Fernet:
    """The key that keeps one-time-password secrets encrypted in the database, derived from
    ``RESOLVE_MFA_KEY`` (by default ``SECRET_KEY``): a copy of the database alone does not give
    anyone the codes. Changing the key means everyone's second factor must be reset."""
    secret = getattr(settings, "RESOLVE_MFA_KEY", "") or settings.SECRET_KEY
    digest = hashlib.sha256(f"resolve-mfa:{secret}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": "That code is not right. Enter the code your app shows now, or a "
        "recovery code you have not used.",
        "cannot_delete_authenticator": "You cannot turn off your second factor. If you have "
        "lost your phone, ask your partnership business manager to reset it.",
    }

    def get_totp_issuer(self) -> str:
        return "Resolve"

    def encrypt(self, text: str) -> str:
        return _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return _fernet().decrypt(encrypted_text.encode()).decode()

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Nobody opts out: the lead resets a lost one, and a new one is set up at sign-in."""
        return False


class SetUpFirst:
    """A session flagged at sign-in opens only the set-up pages until a second factor exists."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.session.get(SET_UP_FIRST)
            and request.user.is_authenticated
            and not has_second_factor(request.user)
        ):
            try:
                name = resolve(request.path_info).view_name
            except Resolver404:
                name = ""
            if name not in SET_UP_PAGES:
                return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


@receiver(mfa_signals.authenticator_added)
def _added(sender: Any, request: HttpRequest, user: User, authenticator: Any, **kw: Any) -> None:
    if authenticator.type != Authenticator.Type.TOTP:
        return
    if request is not None:
        request.session.pop(SET_UP_FIRST, None)
    security_log.record(SecurityKind.SECOND_FACTOR_SET_UP, by=user, subject=user)
    notify(escalation=None, event=NotificationEvent.SECOND_FACTOR_SET_UP, recipients=[user])


@receiver(mfa_signals.authenticator_reset)
def _renewed(sender: Any, request: Any, user: User, authenticator: Any, **kw: Any) -> None:
    security_log.record(SecurityKind.RECOVERY_CODES_RENEWED, by=user, subject=user)


@receiver(mfa_signals.authenticator_used)
def _used(sender: Any, request: Any, user: User, authenticator: Any, **kw: Any) -> None:
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        security_log.record(SecurityKind.RECOVERY_CODE_USED, by=user, subject=user)
        notify(escalation=None, event=NotificationEvent.RECOVERY_CODE_USED, recipients=[user])


@receiver(mfa_signals.authentication_failed)
def _failed(sender: Any, request: Any, user: User, authenticator: Any, **kw: Any) -> None:
    """Logged; and at the limit (someone has the password and is guessing codes), the owner
    is emailed so they can change their password."""
    security_log.record(SecurityKind.SECOND_FACTOR_FAILED, subject=user)
    recent = SecurityEvent.objects.filter(
        subject=user,
        kind=SecurityKind.SECOND_FACTOR_FAILED,
        at__gte=timezone.now() - dt.timedelta(minutes=5),
    ).count()
    if recent == settings.RESOLVE_CODE_FAILURES:
        notify(escalation=None, event=NotificationEvent.CODES_FAILING, recipients=[user])


def end_sessions(person: User) -> int:
    """Sign the person out everywhere (a lost phone may still be signed in)."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(person.pk):
            session.delete()
            ended += 1
    return ended


def reset(*, by: User, person: User) -> int:
    """Remove a person's authenticator and recovery codes (the caller checks who may) and
    sign them out everywhere: they set up a new one when they next sign in. Logged, and the
    person is told."""
    removed, _ = Authenticator.objects.filter(user_id=person.pk).delete()
    end_sessions(person)
    security_log.record(SecurityKind.SECOND_FACTOR_RESET, by=by, subject=person)
    notify(escalation=None, event=NotificationEvent.SECOND_FACTOR_RESET, recipients=[person])
    return int(removed)

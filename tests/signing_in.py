"""Signing in as a person would, through the sign-in page and the second factor (ADR 14).

``Client.force_login`` stands for a completed sign-in and is what most tests use; these helpers
are for the tests about signing in itself, and for the ones that need django-axes to see a
real request."""

from __future__ import annotations

import time

import pyotp
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

LOGIN = "/accounts/login/"
CODE = "/accounts/2fa/authenticate/"
PASSWORD = "x"  # noqa: S105 (every test account's, from tests/factories.py)


def give_second_factor(user) -> pyotp.TOTP:
    """An authenticator app for ``user`` (and recovery codes), as if set up at a sign-in: the
    app's side of it, to compute codes with."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return pyotp.TOTP(secret)


def app_of(user) -> pyotp.TOTP:
    """The authenticator app ``user`` already set up."""
    from escalations.second_factor import MFAAdapter

    row = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return pyotp.TOTP(MFAAdapter().decrypt(row.data["secret"]))


def code_for(app: pyotp.TOTP, step: int = 0) -> str:
    """The app's code now, or ``step`` periods on (Resolve accepts the one before and after, so
    a test that needs two different codes in one period takes the next one)."""
    return app.at(time.time() + 30 * step)


def recovery_codes_of(user) -> list[str]:
    row = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    return row.wrap().get_unused_codes()


def sign_in(client, user, password: str = PASSWORD, *, code: str | None = None, **extra):
    """The password, then (if asked for and given) the code. Returns the last response."""
    response = client.post(LOGIN, {"login": user.username, "password": password}, **extra)
    if code is not None and response.status_code == 302 and response["Location"] == CODE:
        response = client.post(CODE, {"code": code}, **extra)
    return response


def confirm_identity(client, user, password: str = PASSWORD, *, step: int = 0):
    """The lead's password and code again, as before changing someone's access (the app is
    set up for them first if they have none)."""
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        give_second_factor(user)
    return client.post(
        "/account/confirm/",
        {"password": password, "code": code_for(app_of(user), step), "next": "/people/"},
    )


def as_confirmed(client, user):
    """Signed in (``force_login``) and just confirmed it is them, as the lead is before
    changing someone's role, agency or activation."""
    client.force_login(user)
    response = confirm_identity(client, user)
    assert response.status_code == 302, "the confirmation was refused"
    return client

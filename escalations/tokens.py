"""The token in an invitation link: the person opens it to set their first password.

It is Django's password reset token with a salt of its own, so a password reset token is never
taken for an invitation token nor the other way round, and a life of its own:
``settings.INVITATION_TIMEOUT`` (7 days) instead of ``settings.PASSWORD_RESET_TIMEOUT`` (2 hours,
deliberately short). Like a reset token it hashes the password and the last sign-in, so it stops
working once the person has set a password.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int

from .models import User

__all__ = ["InvitationTokenGenerator", "describe_lifetime", "invitation_token_generator"]


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "escalations.tokens.InvitationTokenGenerator"

    @property
    def timeout(self) -> int:
        """Seconds an invitation link lasts, read on each check so tests can change it."""
        return int(settings.INVITATION_TIMEOUT)

    def check_token(self, user: User | None, token: str | None) -> bool:
        """Django's check, with ``self.timeout`` in place of ``PASSWORD_RESET_TIMEOUT``, which
        Django's ``check_token`` reads from settings directly and a subclass cannot replace."""
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            timestamp = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        return self._num_seconds(self._now()) - timestamp <= self.timeout


invitation_token_generator = InvitationTokenGenerator()


def describe_lifetime(seconds: int) -> str:
    """A lifetime in words: ``7 days``, ``2 hours``, ``1 day``, ``90 minutes``."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"

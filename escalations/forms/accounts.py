"""The forgotten-password form, which also writes the security log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import PasswordResetForm

from escalations import security_log
from escalations.models import SecurityKind


class LoggedPasswordResetForm(PasswordResetForm):
    """Each reset link asked for is in the security log, against the account it went to (an
    address with no account is not written down)."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        for user in self.get_users(self.cleaned_data["email"]):
            security_log.record(SecurityKind.PASSWORD_RESET_ASKED, subject=user)
        super().save(*args, **kwargs)
